#include "bpf_tracer.hpp"

#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>

#include <linux/myepoll.h>

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

// The syscall tracepoints (tracepoint/syscalls/...): CONFIG_FTRACE_SYSCALLS
// and tracefs, where libbpf looks them up.
std::vector<bpf_program *> syscall_programs(trace_bpf &skel)
{
    auto &p = skel.progs;
    return {p.sys_enter_epoll_wait, p.sys_exit_epoll_wait,    p.sys_enter_epoll_pwait,
            p.sys_exit_epoll_pwait, p.sys_enter_epoll_pwait2, p.sys_exit_epoll_pwait2,
            p.sys_enter_epoll_ctl,  p.sys_exit_epoll_ctl,     p.sys_enter_ioctl,
            p.sys_exit_ioctl};
}

bool have_syscall_tracepoints()
{
    for (const char *root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
        if (::access((std::string(root) + "/events/syscalls/sys_exit_epoll_pwait2").c_str(),
                     F_OK) == 0)
            return true;
    return false;
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
    syscalls_ = have_syscall_tracepoints();
    if (!syscalls_)
        for (bpf_program *prog : syscall_programs(*skel_))
            bpf_program__set_autoload(prog, false);
    skel_->bss->ioctl_wait_cmd = MYEPOLL_IOC_WAIT;
    skel_->bss->ioctl_ctl_cmd = MYEPOLL_IOC_CTL;
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
    bss->sys_entry_ts = 0;
    bss->sys_kind = 0;
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
