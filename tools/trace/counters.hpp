// The counters of one run by name (the keys of --json and --expect), and
// the measurement of one workload on one backend.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace_shared.h"

namespace myepoll::trace
{

struct CounterField {
    const char *name;
    unsigned long long trace_counters::*field;
};

inline constexpr std::array kCounterFields{
    CounterField{"ctl_calls", &trace_counters::ctl_calls},
    CounterField{"ctl_errors", &trace_counters::ctl_errors},
    CounterField{"sock_wakeups", &trace_counters::sock_wakeups},
    CounterField{"callbacks", &trace_counters::callbacks},
    CounterField{"filtered", &trace_counters::filtered},
    CounterField{"callbacks_fentry", &trace_counters::callbacks_fentry},
    CounterField{"wakeups", &trace_counters::wakeups},
    CounterField{"spurious", &trace_counters::spurious},
    CounterField{"woken", &trace_counters::woken},
    CounterField{"wait_returns", &trace_counters::wait_returns},
    CounterField{"empty_returns", &trace_counters::empty_returns},
    CounterField{"delivered", &trace_counters::delivered},
    CounterField{"transfers", &trace_counters::transfers},
    CounterField{"requeued", &trace_counters::requeued},
    CounterField{"samples", &trace_counters::samples},
    CounterField{"sys_waits", &trace_counters::sys_waits},
    CounterField{"sys_delivered", &trace_counters::sys_delivered},
    CounterField{"sys_wait_ns", &trace_counters::sys_wait_ns},
    CounterField{"sys_ctls", &trace_counters::sys_ctls},
};

bool counter_exists(std::string_view name);
std::optional<std::uint64_t> counter_value(const trace_counters &counters, std::string_view name);

// Nearest-rank percentiles of the latency samples, in nanoseconds.
struct Latency {
    std::uint64_t count = 0;
    std::uint64_t p50 = 0, p90 = 0, p99 = 0;
};
Latency latency_of(std::vector<std::uint64_t> samples_ns);

struct Measurement {
    std::string workload; // WorkloadSpec::label()
    std::string backend;
    std::uint64_t messages = 0;
    bool ok = false;
    bool syscalls = false; // the sys_* counters were counted
    std::string error;
    trace_counters counters{};
    Latency latency;
};

} // namespace myepoll::trace
