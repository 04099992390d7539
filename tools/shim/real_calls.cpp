// dlsym(RTLD_NEXT, ...) for every interposed function, resolved on first use.
//
// The resolved pointers live in atomics, not in function-local statics: the
// guard of a local static may wait with syscall(SYS_futex), which would come
// back into the interposed syscall() while the guard is held.  Two threads
// racing on the first call both store the same pointer.
#include <dlfcn.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>

#include "real_calls.hpp"

namespace myepoll::shim::real
{

namespace
{

// The next definition of `name`, or nullptr if no later object has one.
template <typename Fn> Fn next(std::atomic<void *> &slot, const char *name) noexcept
{
    void *p = slot.load(std::memory_order_acquire);
    if (p == nullptr) {
        p = ::dlsym(RTLD_NEXT, name);
        slot.store(p, std::memory_order_release);
    }
    return reinterpret_cast<Fn>(p);
}

using SyscallFn = long (*)(long, ...);
std::atomic<void *> next_syscall{nullptr};
std::atomic<void *> next_epoll_create{nullptr};
std::atomic<void *> next_epoll_create1{nullptr};
std::atomic<void *> next_epoll_ctl{nullptr};
std::atomic<void *> next_epoll_wait{nullptr};
std::atomic<void *> next_epoll_pwait{nullptr};
std::atomic<void *> next_epoll_pwait2{nullptr};
std::atomic<void *> next_close{nullptr};
std::atomic<void *> next_close_range{nullptr};
std::atomic<void *> next_dup{nullptr};
std::atomic<void *> next_dup2{nullptr};
std::atomic<void *> next_dup3{nullptr};

long raw(long number, long a0 = 0, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0,
         long a5 = 0) noexcept
{
    return syscall6(number, a0, a1, a2, a3, a4, a5);
}

long as_long(const void *p) noexcept
{
    return reinterpret_cast<long>(p);
}

constexpr long kSigsetSize = 8; // _NSIG / 8: the kernel's sigset_t, as glibc passes it

// Resolve everything when the shim is loaded, so that later calls (from a
// signal handler, say) do not run dlsym().
__attribute__((constructor)) void resolve_all() noexcept
{
    next<SyscallFn>(next_syscall, "syscall");
    next<void *>(next_epoll_create, "epoll_create");
    next<void *>(next_epoll_create1, "epoll_create1");
    next<void *>(next_epoll_ctl, "epoll_ctl");
    next<void *>(next_epoll_wait, "epoll_wait");
    next<void *>(next_epoll_pwait, "epoll_pwait");
    next<void *>(next_epoll_pwait2, "epoll_pwait2");
    next<void *>(next_close, "close");
    next<void *>(next_close_range, "close_range");
    next<void *>(next_dup, "dup");
    next<void *>(next_dup2, "dup2");
    next<void *>(next_dup3, "dup3");
}

} // namespace

long syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5) noexcept
{
    const auto fn = next<SyscallFn>(next_syscall, "syscall");
    if (fn == nullptr) {
        errno = ENOSYS;
        return -1;
    }
    return fn(number, a0, a1, a2, a3, a4, a5);
}

int epoll_create(int size) noexcept
{
    if (const auto fn = next<int (*)(int)>(next_epoll_create, "epoll_create"))
        return fn(size);
    return static_cast<int>(raw(SYS_epoll_create, size));
}

int epoll_create1(int flags) noexcept
{
    if (const auto fn = next<int (*)(int)>(next_epoll_create1, "epoll_create1"))
        return fn(flags);
    return static_cast<int>(raw(SYS_epoll_create1, flags));
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) noexcept
{
    using Fn = int (*)(int, int, int, struct epoll_event *);
    if (const auto fn = next<Fn>(next_epoll_ctl, "epoll_ctl"))
        return fn(epfd, op, fd, event);
    return static_cast<int>(raw(SYS_epoll_ctl, epfd, op, fd, as_long(event)));
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
    using Fn = int (*)(int, struct epoll_event *, int, int);
    if (const auto fn = next<Fn>(next_epoll_wait, "epoll_wait"))
        return fn(epfd, events, maxevents, timeout);
    return static_cast<int>(raw(SYS_epoll_wait, epfd, as_long(events), maxevents, timeout));
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
                const sigset_t *sigmask)
{
    using Fn = int (*)(int, struct epoll_event *, int, int, const sigset_t *);
    if (const auto fn = next<Fn>(next_epoll_pwait, "epoll_pwait"))
        return fn(epfd, events, maxevents, timeout, sigmask);
    return static_cast<int>(raw(SYS_epoll_pwait, epfd, as_long(events), maxevents, timeout,
                                as_long(sigmask), kSigsetSize));
}

int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
                 const struct timespec *timeout, const sigset_t *sigmask)
{
    using Fn = int (*)(int, struct epoll_event *, int, const struct timespec *, const sigset_t *);
    if (const auto fn = next<Fn>(next_epoll_pwait2, "epoll_pwait2"))
        return fn(epfd, events, maxevents, timeout, sigmask);
    return static_cast<int>(raw(SYS_epoll_pwait2, epfd, as_long(events), maxevents,
                                as_long(timeout), as_long(sigmask), kSigsetSize));
}

int close(int fd)
{
    if (const auto fn = next<int (*)(int)>(next_close, "close"))
        return fn(fd);
    return static_cast<int>(raw(SYS_close, fd));
}

int close_range(unsigned int first, unsigned int last, int flags) noexcept
{
    using Fn = int (*)(unsigned int, unsigned int, int);
    if (const auto fn = next<Fn>(next_close_range, "close_range"))
        return fn(first, last, flags);
    return static_cast<int>(raw(SYS_close_range, first, last, flags));
}

int dup(int oldfd) noexcept
{
    if (const auto fn = next<int (*)(int)>(next_dup, "dup"))
        return fn(oldfd);
    return static_cast<int>(raw(SYS_dup, oldfd));
}

int dup2(int oldfd, int newfd) noexcept
{
    if (const auto fn = next<int (*)(int, int)>(next_dup2, "dup2"))
        return fn(oldfd, newfd);
    return static_cast<int>(raw(SYS_dup2, oldfd, newfd));
}

int dup3(int oldfd, int newfd, int flags) noexcept
{
    if (const auto fn = next<int (*)(int, int, int)>(next_dup3, "dup3"))
        return fn(oldfd, newfd, flags);
    return static_cast<int>(raw(SYS_dup3, oldfd, newfd, flags));
}

} // namespace myepoll::shim::real
