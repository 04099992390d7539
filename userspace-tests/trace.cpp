// Printing and comparing traces.
#include <string.h>
#include <sys/epoll.h>

#include <algorithm>
#include <sstream>

#include "trace.hpp"

namespace myepoll::test
{

void sort_by_data(Events &events)
{
    std::sort(events.begin(), events.end(), [](const Reported &a, const Reported &b) {
        return a.data != b.data ? a.data < b.data : a.events < b.events;
    });
}

std::string event_bits(uint32_t events)
{
    static constexpr struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {EPOLLIN, "IN"},         {EPOLLPRI, "PRI"},       {EPOLLOUT, "OUT"},
        {EPOLLERR, "ERR"},       {EPOLLHUP, "HUP"},       {EPOLLRDNORM, "RDNORM"},
        {EPOLLRDBAND, "RDBAND"}, {EPOLLWRNORM, "WRNORM"}, {EPOLLWRBAND, "WRBAND"},
        {EPOLLMSG, "MSG"},       {EPOLLRDHUP, "RDHUP"},
    };
    std::string text;
    for (const auto &n : names) {
        if (events & n.bit) {
            text += text.empty() ? "" : "|";
            text += n.name;
            events &= ~n.bit;
        }
    }
    if (events != 0) {
        std::ostringstream rest;
        rest << std::hex << "0x" << events;
        text += (text.empty() ? "" : "|") + rest.str();
    }
    return text.empty() ? "0" : text;
}

std::string result_text(long result)
{
    if (result < 0 && result > -4096) {
        const char *name = strerrorname_np(static_cast<int>(-result));
        if (name != nullptr)
            return "-" + std::string(name) + " (" + std::to_string(result) + ")";
    }
    return std::to_string(result);
}

void PrintTo(const Reported &reported, std::ostream *os)
{
    *os << "{" << event_bits(reported.events) << ", 0x" << std::hex << reported.data << std::dec
        << "}";
}

void PrintTo(const Step &step, std::ostream *os)
{
    *os << step.what << ": " << result_text(step.result);
    if (!step.events.empty()) {
        *os << " [";
        for (size_t i = 0; i < step.events.size(); ++i) {
            if (i != 0)
                *os << " ";
            PrintTo(step.events[i], os);
        }
        *os << "]";
    }
}

namespace
{

std::string step_text(const Trace &trace, size_t i)
{
    if (i >= trace.size())
        return "(no step)";
    std::ostringstream os;
    PrintTo(trace[i], &os);
    return os.str();
}

} // namespace

std::string trace_difference(const Trace &expected, const Trace &actual)
{
    if (expected == actual)
        return {};
    size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i])
        ++i;
    std::ostringstream os;
    os << "traces differ at step " << i << " (native " << expected.size() << " steps, myepoll "
       << actual.size() << " steps)\n  native:  " << step_text(expected, i)
       << "\n  myepoll: " << step_text(actual, i);
    if (i > 0)
        os << "\n  (previous step, equal: " << step_text(expected, i - 1) << ")";
    return os.str();
}

} // namespace myepoll::test
