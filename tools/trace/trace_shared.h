/* trace_shared.h: what the BPF program (trace.bpf.c) and the tool share:
 * the counters it keeps in .bss for one traced run, and the sample array
 * size.  C, included by both sides (the BPF side through vmlinux.h types). */
#ifndef MYEPOLL_TRACE_SHARED_H
#define MYEPOLL_TRACE_SHARED_H

#define TRACE_MAX_SAMPLES 65536 /* latency samples kept; a power of two */

/* All counts are of the workload only: the waiter thread (target_tid) and
 * the sockets whose local port is the workload listener's (target_port). */
struct trace_counters {
    unsigned long long ctl_calls;        /* epoll_ctl / MYEPOLL_IOC_CTL returns */
    unsigned long long ctl_errors;       /* ... of them < 0 */
    unsigned long long sock_wakeups;     /* sock_def_readable on a workload socket */
    unsigned long long callbacks;        /* wake callbacks on a workload socket */
    unsigned long long filtered;         /* ... that queued nothing (mask, disarmed) */
    unsigned long long callbacks_fentry; /* myepoll: fentry on myep_wake_callback */
    unsigned long long wakeups;          /* sched_wakeup of the waiter */
    unsigned long long spurious;         /* wakeups followed by no event */
    unsigned long long woken;            /* myepoll: myepoll_woken (waiter side) */
    unsigned long long wait_returns;     /* wait calls that returned */
    unsigned long long empty_returns;    /* ... with 0 or an error */
    unsigned long long delivered;        /* events returned by the waits */
    unsigned long long transfers;        /* myepoll: myepoll_transfer */
    unsigned long long requeued;         /* myepoll: LT items re-queued */
    unsigned long long samples;          /* latency samples taken (may pass the max) */
    /* Syscall level (tracepoint/syscalls): native epoll_{wait,pwait,pwait2}
     * and epoll_ctl, myepoll's MYEPOLL_IOC_WAIT and _CTL ioctls. */
    unsigned long long sys_waits;     /* wait syscalls that returned */
    unsigned long long sys_delivered; /* ... sum of their positive returns */
    unsigned long long sys_wait_ns;   /* ... total time from entry to exit */
    unsigned long long sys_ctls;      /* ctl syscalls that returned */
};

#endif
