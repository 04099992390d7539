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

// The syscall tracepoints against the probes inside the call: as many wait
// and ctl returns, as many events delivered.
bool syscall_checks(const Measurement &m, const Options &options, const std::string &run)
{
    const trace_counters &c = m.counters;
    const bool native = m.backend == "native";
    const std::string waits = native ? "fexit do_epoll_wait" : "myepoll_wait_return";
    const std::string ctls = native ? "fexit do_epoll_ctl" : "myepoll_ctl";
    const std::string sys = native ? "sys_exit_epoll_*" : "sys_exit_ioctl";
    auto check = [&](const char *name, std::uint64_t got, std::uint64_t want,
                     const std::string &what, const std::string &probe) {
        return report_case(options, m.syscalls && got == want, run + "-" + name,
                           m.syscalls ? sys + " counted " + std::to_string(got) + " " + what +
                                            ", " + probe + " " + std::to_string(want)
                                      : "no syscall tracepoints in this kernel");
    };
    bool all = check("sys-waits", c.sys_waits, c.wait_returns, "waits", waits);
    all &= check("sys-delivered", c.sys_delivered, c.delivered, "events", waits);
    all &= check("sys-ctls", c.sys_ctls, c.ctl_calls, "ctls", ctls);
    return all;
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
        if (!options.expectations.empty())
            all &= syscall_checks(m, options, run);
    }
    return all;
}

} // namespace myepoll::trace
