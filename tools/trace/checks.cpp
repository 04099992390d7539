#include "checks.hpp"

#include <cstdio>
#include <string>

namespace myepoll::trace
{

namespace
{

bool report_case(const Options &options, bool passed, const std::string &name,
                 const std::string &why)
{
    if (!passed)
        std::printf("trace: %s: %s\n", name.c_str(), why.c_str());
    std::printf("@@myepoll case %s %s %s\n", options.suite.c_str(), passed ? "pass" : "fail",
                name.c_str());
    return passed;
}

std::string count_mismatch(std::uint64_t got, std::uint64_t want)
{
    return "counted " + std::to_string(got) + ", expected " + std::to_string(want);
}

} // namespace

bool report_checks(const std::vector<Measurement> &runs, const Options &options)
{
    bool all = true;
    for (const Measurement &m : runs) {
        const std::string run = m.workload + "-" + m.backend;
        all &= report_case(options, m.ok, run, m.error);
        for (const Expectation &e : options.expectations) {
            const std::uint64_t got = counter_value(m.counters, e.counter).value_or(0);
            all &= report_case(options, m.ok && got == e.value, run + "-" + e.counter,
                               count_mismatch(got, e.value));
        }
        if (m.backend == "myepoll" && !options.expectations.empty())
            all &=
                report_case(options, m.counters.callbacks_fentry == m.counters.callbacks,
                            run + "-fentry-callbacks",
                            "fentry on myep_wake_callback " +
                                count_mismatch(m.counters.callbacks_fentry, m.counters.callbacks) +
                                " (the myepoll_wake tracepoint)");
    }
    return all;
}

} // namespace myepoll::trace
