#include "report.hpp"

#include <cstdio>
#include <string>

#include "table.hpp"

namespace myepoll::trace
{

namespace
{

std::string micros(std::uint64_t ns)
{
    return fixed(static_cast<double>(ns) / 1000.0, 1);
}

// "a" / "b" with two decimals, "-" when b is 0.
std::string ratio(std::uint64_t a, std::uint64_t b)
{
    return b ? fixed(static_cast<double>(a) / static_cast<double>(b), 2) : "-";
}

std::string json_escape(const std::string &text)
{
    std::string out;
    for (const char ch : text) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        if (static_cast<unsigned char>(ch) < 0x20)
            out += ' ';
        else
            out += ch;
    }
    return out;
}

} // namespace

void print_table(const std::vector<Measurement> &runs)
{
    Table table({"workload", "backend", "result", "messages", "waits", "delivered", "callbacks",
                 "cb/event", "filtered", "wakeups", "spurious", "requeued", "wait us", "p50 us",
                 "p90 us", "p99 us"},
                {"workload", "backend", "result"});
    for (const Measurement &m : runs) {
        const trace_counters &c = m.counters;
        const bool myepoll = m.backend == "myepoll";
        // waits: native from sys_exit_epoll_*, myepoll from myepoll_wait_return.
        const bool waits = myepoll || m.syscalls;
        const std::uint64_t wait_count = myepoll ? c.wait_returns : c.sys_waits;
        const std::string wait_us =
            m.syscalls && c.sys_waits ? micros(c.sys_wait_ns / c.sys_waits) : "-";
        table.add_row({m.workload, m.backend, m.ok ? "ok" : "FAIL", std::to_string(m.messages),
                       waits ? std::to_string(wait_count) : "-", std::to_string(c.delivered),
                       std::to_string(c.callbacks), ratio(c.callbacks, c.delivered),
                       std::to_string(c.filtered), std::to_string(c.wakeups),
                       std::to_string(c.spurious), myepoll ? std::to_string(c.requeued) : "-",
                       wait_us, micros(m.latency.p50), micros(m.latency.p90),
                       micros(m.latency.p99)});
    }
    std::printf("\n");
    table.print(stdout);
    std::printf("\n");
}

void print_json(const std::vector<Measurement> &runs)
{
    std::printf("[");
    const char *sep = "\n";
    for (const Measurement &m : runs) {
        std::printf(
            "%s  {\"workload\": \"%s\", \"backend\": \"%s\", \"ok\": %s, \"error\": \"%s\", "
            "\"messages\": %llu, \"syscalls\": %s",
            sep, m.workload.c_str(), m.backend.c_str(), m.ok ? "true" : "false",
            json_escape(m.error).c_str(), static_cast<unsigned long long>(m.messages),
            m.syscalls ? "true" : "false");
        for (const CounterField &f : kCounterFields)
            std::printf(", \"%s\": %llu", f.name, m.counters.*f.field);
        std::printf(", \"latency_ns\": {\"samples\": %llu, \"p50\": %llu, \"p90\": %llu, "
                    "\"p99\": %llu}}",
                    static_cast<unsigned long long>(m.latency.count),
                    static_cast<unsigned long long>(m.latency.p50),
                    static_cast<unsigned long long>(m.latency.p90),
                    static_cast<unsigned long long>(m.latency.p99));
        sep = ",\n";
    }
    std::printf("\n]\n");
}

} // namespace myepoll::trace
