// Options: "--name value" parsing (see options.hpp).
#include <time.h>

#include <stdexcept>

#include "options.hpp"

namespace gauntlet
{

Options::Options(const std::vector<std::string> &args)
{
    for (size_t i = 0; i < args.size(); i += 2) {
        const std::string &name = args[i];
        if (name.size() < 3 || name.compare(0, 2, "--") != 0)
            throw std::invalid_argument("expected --name, got '" + name + "'");
        if (i + 1 >= args.size())
            throw std::invalid_argument(name + " needs a value");
        values_[name.substr(2)] = args[i + 1];
    }
}

uint64_t Options::number(const std::string &name, uint64_t fallback) const
{
    asked_.insert(name);
    const auto it = values_.find(name);
    if (it == values_.end())
        return fallback;
    size_t used = 0;
    uint64_t value = 0;
    try {
        value = std::stoull(it->second, &used, 0);
    } catch (const std::logic_error &) { // invalid_argument, out_of_range
        used = 0;
    }
    if (used == 0 || used != it->second.size())
        throw std::invalid_argument("--" + name + " takes a number, not '" + it->second + "'");
    return value;
}

std::string Options::text(const std::string &name, const std::string &fallback) const
{
    asked_.insert(name);
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
}

bool Options::has(const std::string &name) const
{
    asked_.insert(name);
    return values_.count(name) != 0;
}

std::vector<std::string> Options::unused() const
{
    std::vector<std::string> out;
    for (const auto &[name, value] : values_)
        if (asked_.count(name) == 0)
            out.push_back("--" + name);
    return out;
}

uint64_t clock_seed()
{
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000003ULL ^ static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace gauntlet
