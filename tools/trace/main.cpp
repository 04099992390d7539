// trace: runs TCP workloads on native epoll and on myepoll and prints, side
// by side, what BPF saw each backend do (see options.cpp for the command
// line, docs/tracing.md for the columns).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "bpf_tracer.hpp"
#include "checks.hpp"
#include "counters.hpp"
#include "options.hpp"
#include "report.hpp"
#include "workload.hpp"

using namespace myepoll;
using namespace myepoll::trace;

namespace
{

Measurement measure(BpfTracer &tracer, BackendKind kind, const WorkloadSpec &spec)
{
    Measurement m;
    m.workload = spec.label();
    m.backend = std::string(backend(kind).name());
    m.messages = spec.messages();
    try {
        run_workload(backend(kind), spec,
                     [&](pid_t tid, std::uint16_t port) { tracer.arm(tid, port); });
        m.ok = true;
    } catch (const std::exception &e) {
        m.error = e.what();
    }
    tracer.disarm();
    m.counters = tracer.counters();
    m.syscalls = tracer.syscalls();
    m.latency = latency_of(tracer.latencies());
    return m;
}

bool wants_myepoll(const Options &options)
{
    for (const BackendKind kind : options.backends)
        if (kind == BackendKind::MyEpoll)
            return true;
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    const ParsedOptions parsed = parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_code;
    const Options &options = *parsed.options;
    ::signal(SIGPIPE, SIG_IGN);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    const bool with_myepoll = wants_myepoll(options);
    if (with_myepoll && ::access("/sys/kernel/btf/myepoll", R_OK) != 0) {
        std::fprintf(stderr, "trace: /sys/kernel/btf/myepoll is missing: load a myepoll.ko "
                             "that has BTF (make module), or use --backend native\n");
        return 3;
    }
    std::vector<Measurement> runs;
    try {
        BpfTracer tracer(with_myepoll);
        if (!tracer.syscalls())
            std::fprintf(stderr, "trace: no syscalls:sys_exit_epoll_* tracepoints "
                                 "(CONFIG_FTRACE_SYSCALLS, tracefs mounted?): no syscall-level "
                                 "counts (waits, wait us: -)\n");
        for (const WorkloadSpec &spec : options.workloads)
            for (const BackendKind kind : options.backends) {
                runs.push_back(measure(tracer, kind, spec));
                const Measurement &m = runs.back();
                if (!m.ok)
                    std::fprintf(stderr, "trace: %s on %s: %s\n", m.workload.c_str(),
                                 m.backend.c_str(), m.error.c_str());
            }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "trace: %s\n", e.what());
        return 3;
    }

    if (options.json)
        print_json(runs);
    else
        print_table(runs);
    return report_checks(runs, options) ? 0 : 1;
}
