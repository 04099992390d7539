#include "bpf_tracer.hpp"

#include <bpf/libbpf.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>

#include "trace.skel.h"

namespace myepoll::trace
{

namespace
{

[[noreturn]] void fail(const std::string &what, int err)
{
    throw std::runtime_error(what + ": " + std::strerror(err < 0 ? -err : err));
}

// The programs that need myepoll.ko (and its BTF) loaded.
std::vector<bpf_program *> myepoll_programs(trace_bpf &skel)
{
    return {
        skel.progs.myepoll_ctl,   skel.progs.myepoll_wake,     skel.progs.myepoll_callback_entry,
        skel.progs.myepoll_woken, skel.progs.myepoll_transfer, skel.progs.myepoll_wait_return};
}

} // namespace

void BpfTracer::Deleter::operator()(trace_bpf *skel) const noexcept
{
    trace_bpf__destroy(skel);
}

BpfTracer::BpfTracer(bool with_myepoll) : skel_(trace_bpf__open())
{
    if (!skel_)
        fail("opening the BPF skeleton", errno);
    if (!with_myepoll)
        for (bpf_program *prog : myepoll_programs(*skel_))
            bpf_program__set_autoload(prog, false);
    if (const int err = trace_bpf__load(skel_.get()))
        fail("loading the BPF programs (is the kernel's and myepoll.ko's BTF there?)", err);
    if (const int err = trace_bpf__attach(skel_.get()))
        fail("attaching the BPF programs", err);
}

BpfTracer::~BpfTracer() = default;

void BpfTracer::arm(pid_t waiter_tid, std::uint16_t port)
{
    auto *bss = skel_->bss;
    disarm();
    std::memset(&bss->counters, 0, sizeof(bss->counters));
    bss->pending_ts = 0;
    bss->pending_wake = 0;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bss->target_port = port;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bss->target_tid = static_cast<std::uint32_t>(waiter_tid);
}

void BpfTracer::disarm()
{
    skel_->bss->target_tid = 0;
    skel_->bss->target_port = 0;
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

trace_counters BpfTracer::counters() const
{
    return skel_->bss->counters;
}

std::vector<std::uint64_t> BpfTracer::latencies() const
{
    const auto *bss = skel_->bss;
    const auto n = std::min<std::uint64_t>(bss->counters.samples, TRACE_MAX_SAMPLES);
    return {bss->latency_ns, bss->latency_ns + n};
}

} // namespace myepoll::trace
