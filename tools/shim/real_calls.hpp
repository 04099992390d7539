// The next definitions of the interposed functions — glibc's, or those of a
// library preloaded after the shim — found with dlsym(RTLD_NEXT, ...).
//
// They keep the libc convention (-1 and errno on failure).  A symbol the next
// objects do not define (epoll_pwait2 before glibc 2.35) is replaced by the
// raw system call.
#pragma once

#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

namespace myepoll::shim::real
{

int epoll_create(int size) noexcept;
int epoll_create1(int flags) noexcept;
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) noexcept;
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
                const sigset_t *sigmask);
int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
                 const struct timespec *timeout, const sigset_t *sigmask);

// The fd calls the ring mode follows (interpose_close.cpp).
int close(int fd);
int close_range(unsigned int first, unsigned int last, int flags) noexcept;
int dup(int oldfd) noexcept;
int dup2(int oldfd, int newfd) noexcept;
int dup3(int oldfd, int newfd, int flags) noexcept;

// syscall(number, a0, ..., a5) of the next object: the variadic original is
// always called with all six arguments, which is what the kernel takes.
long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5) noexcept;

} // namespace myepoll::shim::real
