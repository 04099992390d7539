// glibc's own epoll functions and syscall(), reached without the shim: the
// checker runs under LD_PRELOAD, where the plain names resolve to the shim.
// This is "native" in every comparison.
#pragma once

#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

namespace myepoll::shim_check
{

struct LibcDirect {
    int (*epoll_create)(int);
    int (*epoll_create1)(int);
    int (*epoll_ctl)(int, int, int, struct epoll_event *);
    int (*epoll_wait)(int, struct epoll_event *, int, int);
    int (*epoll_pwait)(int, struct epoll_event *, int, int, const sigset_t *);
    int (*epoll_pwait2)(int, struct epoll_event *, int, const struct timespec *, const sigset_t *);
    long (*syscall)(long, ...);
};

// Resolved from the already loaded libc.so.6; throws std::runtime_error if
// a symbol is missing.
const LibcDirect &libc();

} // namespace myepoll::shim_check
