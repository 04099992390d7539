#include "counters.hpp"

#include <algorithm>

namespace myepoll::trace
{

bool counter_exists(std::string_view name)
{
    return std::any_of(kCounterFields.begin(), kCounterFields.end(),
                       [&](const CounterField &f) { return name == f.name; });
}

std::optional<std::uint64_t> counter_value(const trace_counters &counters, std::string_view name)
{
    for (const CounterField &f : kCounterFields)
        if (name == f.name)
            return counters.*f.field;
    return std::nullopt;
}

Latency latency_of(std::vector<std::uint64_t> samples_ns)
{
    Latency out;
    out.count = samples_ns.size();
    if (samples_ns.empty())
        return out;
    std::sort(samples_ns.begin(), samples_ns.end());
    auto rank = [&](unsigned percent) {
        // Nearest rank: the smallest sample with at least percent% at or below it.
        const std::size_t n = samples_ns.size();
        const std::size_t r = (n * percent + 99) / 100;
        return samples_ns[std::max<std::size_t>(r, 1) - 1];
    };
    out.p50 = rank(50);
    out.p90 = rank(90);
    out.p99 = rank(99);
    return out;
}

} // namespace myepoll::trace
