// BpfTracer: owns the loaded and attached BPF programs of trace.bpf.c (its
// libbpf skeleton) and the counters they keep for one workload run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "trace_shared.h"

struct trace_bpf; // the skeleton (build/trace/trace.skel.h)

namespace myepoll::trace
{

class BpfTracer
{
  public:
    // Loads and attaches every program; the myepoll ones (the module's
    // tracepoints and fentry on a module function) only if with_myepoll,
    // the syscall tracepoints only if the kernel has them (syscalls()).
    // Throws std::runtime_error with libbpf's reason on failure.
    explicit BpfTracer(bool with_myepoll);
    ~BpfTracer();
    BpfTracer(const BpfTracer &) = delete;
    BpfTracer &operator=(const BpfTracer &) = delete;

    // Zeroes the counters and samples, then counts for this waiter thread
    // and the sockets whose local port is this one.
    void arm(pid_t waiter_tid, std::uint16_t port);
    // Stops counting (the counters stay readable).
    void disarm();

    // The syscalls:sys_{enter,exit}_* programs are attached (the sys_*
    // counters count).
    [[nodiscard]] bool syscalls() const { return syscalls_; }
    [[nodiscard]] trace_counters counters() const;
    // The latency samples of the run, in nanoseconds, unsorted.
    [[nodiscard]] std::vector<std::uint64_t> latencies() const;

  private:
    struct Deleter {
        void operator()(trace_bpf *skel) const noexcept;
    };
    std::unique_ptr<trace_bpf, Deleter> skel_;
    bool syscalls_ = false;
};

} // namespace myepoll::trace
