// backends_from(), numbers_from(), BusyThreads (see comparison.hpp).
#include <sstream>
#include <stdexcept>

#include "comparison.hpp"

namespace gauntlet
{

namespace
{

std::vector<std::string> split(const std::string &list)
{
    std::vector<std::string> out;
    std::stringstream in(list);
    for (std::string word; std::getline(in, word, ',');)
        if (!word.empty())
            out.push_back(word);
    return out;
}

} // namespace

std::vector<myepoll::Backend *> backends_from(const std::string &list)
{
    std::vector<myepoll::Backend *> out;
    for (const auto &name : split(list)) {
        if (name == "native")
            out.push_back(&myepoll::backend(myepoll::BackendKind::Native));
        else if (name == "myepoll")
            out.push_back(&myepoll::backend(myepoll::BackendKind::MyEpoll));
        else
            throw std::invalid_argument("--backends: unknown backend '" + name + "'");
    }
    return out;
}

std::vector<unsigned> numbers_from(const std::string &list)
{
    std::vector<unsigned> out;
    for (const auto &word : split(list)) {
        size_t used = 0;
        unsigned long value = 0;
        try {
            value = std::stoul(word, &used);
        } catch (const std::logic_error &) { // invalid_argument, out_of_range
            used = 0;
        }
        if (used == 0 || used != word.size())
            throw std::invalid_argument("'" + word + "' is not a number");
        out.push_back(static_cast<unsigned>(value));
    }
    return out;
}

BusyThreads::BusyThreads(unsigned n)
{
    for (unsigned k = 0; k < n; ++k)
        threads_.emplace_back([this] {
            while (!stop_.load(std::memory_order_relaxed)) {
            }
        });
}

BusyThreads::~BusyThreads()
{
    stop_ = true;
    for (auto &t : threads_)
        t.join();
}

} // namespace gauntlet
