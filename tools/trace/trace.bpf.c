// SPDX-License-Identifier: GPL-2.0
/* trace.bpf.c: counts what native epoll and myepoll do for one workload
 * run (CO-RE, loaded through the skeleton by bpf_tracer.cpp).
 *
 *   native:  fentry ep_poll_callback, fexit do_epoll_ctl, fexit do_epoll_wait
 *   myepoll: tp_btf myepoll_{ctl,wake,woken,transfer,wait_return} (the
 *            module's tracepoints, module/trace.h), fentry myep_wake_callback
 *            (a module function: needs the module's BTF)
 *   both:    fentry sock_def_readable (the socket's wakeup, starts a latency
 *            sample), tp_btf sched_wakeup of the waiter; tracepoint/syscalls
 *            sys_{enter,exit}_epoll_{wait,pwait,pwait2,ctl} (native) and
 *            sys_{enter,exit}_ioctl (myepoll's WAIT and CTL commands)
 *
 * A sample is the time from the first socket wakeup after the waiter's last
 * return to its next return with events. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace_shared.h"

char LICENSE[] SEC("license") = "GPL";

/* The module's types, relocated against its BTF (CO-RE): only what is read. */
struct myep_item {
    struct file *file;
} __attribute__((preserve_access_index));

struct myep_pwq {
    wait_queue_entry_t wait;
    struct myep_item *item;
} __attribute__((preserve_access_index));

enum { MYEP_WAKE_DISARMED = 0, MYEP_WAKE_MASKED = 1 }; /* module/myep.h */

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)

/* Set by the tool before each run (bss: writable after load). */
__u32 target_tid;
__u16 target_port;

struct trace_counters counters;
__u64 latency_ns[TRACE_MAX_SAMPLES];
__u64 pending_ts;   /* first socket wakeup not yet followed by a return */
__u32 pending_wake; /* the waiter was woken and has not returned events */

static __always_inline bool is_waiter(void)
{
    return target_tid && (__u32)bpf_get_current_pid_tgid() == target_tid;
}

static __always_inline bool workload_sock(struct sock *sk)
{
    return target_port && BPF_CORE_READ(sk, __sk_common.skc_num) == target_port;
}

/* A watched file is the workload's when it is a socket of the listener's
 * port; other files' private_data is not a socket, but the reads are safe
 * and such a file fails the port check with a wrong type only by chance
 * (the workload watches sockets only). */
static __always_inline bool workload_file(struct file *file)
{
    struct socket *sock = BPF_CORE_READ(file, private_data);

    return workload_sock(BPF_CORE_READ(sock, sk));
}

static __always_inline void count_callback(bool filtered)
{
    __sync_fetch_and_add(&counters.callbacks, 1);
    if (filtered)
        __sync_fetch_and_add(&counters.filtered, 1);
}

static __always_inline void count_ctl(int result)
{
    if (!is_waiter())
        return;
    __sync_fetch_and_add(&counters.ctl_calls, 1);
    if (result < 0)
        __sync_fetch_and_add(&counters.ctl_errors, 1);
}

static __always_inline void count_wait_return(int result)
{
    __u64 start;

    if (!is_waiter())
        return;
    __sync_fetch_and_add(&counters.wait_returns, 1);
    if (result <= 0) {
        __sync_fetch_and_add(&counters.empty_returns, 1);
        if (__sync_lock_test_and_set(&pending_wake, 0))
            __sync_fetch_and_add(&counters.spurious, 1);
        return;
    }
    __sync_fetch_and_add(&counters.delivered, result);
    __sync_lock_test_and_set(&pending_wake, 0);
    start = __sync_lock_test_and_set(&pending_ts, 0);
    if (start) {
        __u64 n = __sync_fetch_and_add(&counters.samples, 1);

        if (n < TRACE_MAX_SAMPLES)
            latency_ns[n & (TRACE_MAX_SAMPLES - 1)] = bpf_ktime_get_ns() - start;
    }
}

SEC("fentry/sock_def_readable")
int BPF_PROG(sock_readable, struct sock *sk)
{
    if (!workload_sock(sk))
        return 0;
    __sync_fetch_and_add(&counters.sock_wakeups, 1);
    __sync_val_compare_and_swap(&pending_ts, 0, bpf_ktime_get_ns());
    return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
    /* A tp_btf argument may be NULL for the verifier of 6.12 (it refuses
     * to offset one unchecked): each is checked first. */
    if (!p || !target_tid || BPF_CORE_READ(p, pid) != (int)target_tid)
        return 0;
    __sync_fetch_and_add(&counters.wakeups, 1);
    /* Woken again without having returned events: the last wakeup was for
     * nothing. */
    if (__sync_lock_test_and_set(&pending_wake, 1))
        __sync_fetch_and_add(&counters.spurious, 1);
    return 0;
}

/* ---- native epoll ---- */

SEC("fentry/ep_poll_callback")
int BPF_PROG(native_callback, wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
    struct eppoll_entry *pwq =
        (void *)((char *)wait - bpf_core_field_offset(struct eppoll_entry, wait));
    struct epitem *epi = BPF_CORE_READ(pwq, base);
    __u32 events, pollflags = (__u32)(unsigned long)key;

    if (!workload_file(BPF_CORE_READ(epi, ffd.file)))
        return 0;
    /* ep_poll_callback()'s two filters, on the same fields. */
    events = BPF_CORE_READ(epi, event.events);
    count_callback(!(events & ~EP_PRIVATE_BITS) || (pollflags && !(pollflags & events)));
    return 0;
}

SEC("fexit/do_epoll_ctl")
int BPF_PROG(native_ctl, int epfd, int op, int fd, struct epoll_event *epds, bool nonblock, int ret)
{
    count_ctl(ret);
    return 0;
}

SEC("fexit/do_epoll_wait")
int BPF_PROG(native_wait, int epfd, struct epoll_event *events, int maxevents,
             struct timespec64 *to, int ret)
{
    count_wait_return(ret);
    return 0;
}

/* ---- myepoll (module/trace.h) ---- */

SEC("tp_btf/myepoll_ctl")
int BPF_PROG(myepoll_ctl, void *ep, int op, int fd, __u32 events, int result)
{
    count_ctl(result);
    return 0;
}

SEC("tp_btf/myepoll_wake")
int BPF_PROG(myepoll_wake, struct myep_item *item, __u32 key, int sync, int result, bool woke)
{
    if (!item || !workload_file(BPF_CORE_READ(item, file)))
        return 0;
    count_callback(result == MYEP_WAKE_DISARMED || result == MYEP_WAKE_MASKED);
    return 0;
}

SEC("fentry/myep_wake_callback")
int BPF_PROG(myepoll_callback_entry, wait_queue_entry_t *wait, unsigned int mode, int sync,
             void *key)
{
    struct myep_pwq *pwq = (void *)((char *)wait - bpf_core_field_offset(struct myep_pwq, wait));

    if (workload_file(BPF_CORE_READ(pwq, item, file)))
        __sync_fetch_and_add(&counters.callbacks_fentry, 1);
    return 0;
}

SEC("tp_btf/myepoll_woken")
int BPF_PROG(myepoll_woken, void *ep, bool timed_out)
{
    if (is_waiter())
        __sync_fetch_and_add(&counters.woken, 1);
    return 0;
}

SEC("tp_btf/myepoll_transfer")
int BPF_PROG(myepoll_transfer, void *ep, int delivered, int requeued)
{
    if (!is_waiter())
        return 0;
    __sync_fetch_and_add(&counters.transfers, 1);
    __sync_fetch_and_add(&counters.requeued, requeued);
    return 0;
}

SEC("tp_btf/myepoll_wait_return")
int BPF_PROG(myepoll_wait_return, void *ep, int result)
{
    count_wait_return(result);
    return 0;
}

/* ---- syscall level (tracepoint/syscalls, CONFIG_FTRACE_SYSCALLS) ----
 * Native: epoll_{wait,pwait,pwait2} and epoll_ctl.  myepoll: the ioctls
 * whose command is MYEPOLL_IOC_WAIT or _CTL (set by the tool).  The tool
 * leaves these programs out when the kernel has no such tracepoints. */

enum { SYS_NONE, SYS_WAIT, SYS_CTL };

__u32 ioctl_wait_cmd, ioctl_ctl_cmd;
__u64 sys_entry_ts; /* the waiter's epoll syscall in progress: entry time */
__u32 sys_kind;     /* ... and which kind (SYS_*) */

static __always_inline int sys_enter(__u32 kind)
{
    if (!is_waiter())
        return 0;
    sys_kind = kind;
    sys_entry_ts = bpf_ktime_get_ns();
    return 0;
}

static __always_inline int sys_exit(__u32 kind, long ret)
{
    __u64 start;

    /* Exact counts even when the entry was missed: the kind comes from the
     * exit (an ioctl's from its entry). */
    if (!is_waiter() || kind == SYS_NONE)
        return 0;
    start = __sync_lock_test_and_set(&sys_entry_ts, 0);
    sys_kind = SYS_NONE;
    if (kind == SYS_CTL) {
        __sync_fetch_and_add(&counters.sys_ctls, 1);
        return 0;
    }
    __sync_fetch_and_add(&counters.sys_waits, 1);
    if (ret > 0)
        __sync_fetch_and_add(&counters.sys_delivered, ret);
    if (start)
        __sync_fetch_and_add(&counters.sys_wait_ns, bpf_ktime_get_ns() - start);
    return 0;
}

/* The records of syscalls:sys_{enter,exit}_* are struct syscall_trace_enter
 * and _exit (not raw_syscalls' trace_event_raw_sys_*, whose fields differ:
 * on PREEMPT_RT, whose struct trace_entry is longer, no offset agrees);
 * CO-RE places their fields. */
#define SYS_PROBES(name, kind)                                                                     \
    SEC("tracepoint/syscalls/sys_enter_" #name)                                                    \
    int sys_enter_##name(struct syscall_trace_enter *ctx)                                          \
    {                                                                                              \
        return sys_enter(kind);                                                                    \
    }                                                                                              \
    SEC("tracepoint/syscalls/sys_exit_" #name)                                                     \
    int sys_exit_##name(struct syscall_trace_exit *ctx)                                            \
    {                                                                                              \
        return sys_exit(kind, ctx->ret);                                                           \
    }

SYS_PROBES(epoll_wait, SYS_WAIT)
SYS_PROBES(epoll_pwait, SYS_WAIT)
SYS_PROBES(epoll_pwait2, SYS_WAIT)
SYS_PROBES(epoll_ctl, SYS_CTL)

SEC("tracepoint/syscalls/sys_enter_ioctl")
int sys_enter_ioctl(struct syscall_trace_enter *ctx)
{
    const __u32 cmd = ctx->args[1];

    if (cmd && cmd == ioctl_wait_cmd)
        return sys_enter(SYS_WAIT);
    if (cmd && cmd == ioctl_ctl_cmd)
        return sys_enter(SYS_CTL);
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_ioctl")
int sys_exit_ioctl(struct syscall_trace_exit *ctx)
{
    return is_waiter() ? sys_exit(sys_kind, ctx->ret) : 0;
}
