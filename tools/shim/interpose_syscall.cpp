// The interposed syscall(): the six epoll system calls made through it are
// routed like the glibc functions; every other number goes unchanged to the
// next syscall() (glibc's), close, close_range, dup, dup2 and dup3 keeping
// ring mode's table in step as their glibc functions do (interpose_close.cpp).
// The variadic arguments are read as six longs — what the kernel takes and
// what glibc's own syscall() passes on, whatever the caller supplied.
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/close_range.h>

#include <cerrno>
#include <cstdarg>
#include <cstddef>

#include "libc_result.hpp"
#include "real_calls.hpp"
#include "ring_table.hpp"
#include "router.hpp"
#include "stats.hpp"
#include "timeout.hpp"

using namespace myepoll::shim;

namespace
{

struct Args {
    long a[6];
};

int as_int(long v) noexcept
{
    return static_cast<int>(v);
}
void *as_ptr(long v) noexcept
{
    return reinterpret_cast<void *>(v);
}

// The kernel-style result if myepoll answered, std::nullopt for "make the
// real system call" (every number but the six epoll ones, and ctl/wait on an
// epfd that is not a myepoll instance).
std::optional<long> route(long number, const Args &args) noexcept
{
    const long *a = args.a;
    switch (number) {
    case SYS_epoll_create:
        return as_int(a[0]) <= 0 ? -EINVAL : route_create("syscall(SYS_epoll_create)", 0);
    case SYS_epoll_create1:
        return route_create("syscall(SYS_epoll_create1)", as_int(a[0]));
    case SYS_epoll_ctl:
        return route_ctl("syscall(SYS_epoll_ctl)", as_int(a[0]), as_int(a[1]), as_int(a[2]),
                         as_ptr(a[3]));
    case SYS_epoll_wait:
        return route_wait("syscall(SYS_epoll_wait)", as_int(a[0]), as_ptr(a[1]), as_int(a[2]),
                          timeout_from_ms(as_int(a[3])), nullptr, 0);
    case SYS_epoll_pwait:
        return route_wait("syscall(SYS_epoll_pwait)", as_int(a[0]), as_ptr(a[1]), as_int(a[2]),
                          timeout_from_ms(as_int(a[3])), as_ptr(a[4]),
                          static_cast<std::size_t>(a[5]));
    case SYS_epoll_pwait2: {
        const TimespecTimeout t =
            timeout_from_timespec(static_cast<const struct timespec *>(as_ptr(a[3])));
        if (t.error != 0)
            return t.error;
        return route_wait("syscall(SYS_epoll_pwait2)", as_int(a[0]), as_ptr(a[1]), as_int(a[2]),
                          t.ns, as_ptr(a[4]), static_cast<std::size_t>(a[5]));
    }
    default:
        return std::nullopt;
    }
}

// Ring mode's table before a real system call that closes fds.
void forget_closed(long number, const long *a) noexcept
{
    switch (number) {
    case SYS_close:
        ring_forget(as_int(a[0]));
        break;
    case SYS_close_range:
        if ((a[2] & CLOSE_RANGE_CLOEXEC) == 0)
            ring_forget_range(static_cast<unsigned int>(a[0]), static_cast<unsigned int>(a[1]));
        break;
    case SYS_dup2:
    case SYS_dup3:
        if (a[0] != a[1])
            ring_forget(as_int(a[1]));
        break;
    default:
        break;
    }
}

// ... and after one that duplicated an fd.
void alias_duplicated(long number, const long *a, long rc) noexcept
{
    if (rc >= 0 && (number == SYS_dup || number == SYS_dup2 || number == SYS_dup3))
        ring_alias(as_int(a[0]), as_int(rc));
}

} // namespace

extern "C" __attribute__((visibility("default"))) long syscall(long number, ...) noexcept
{
    Args args{};
    va_list ap;
    va_start(ap, number);
    for (long &v : args.a)
        v = va_arg(ap, long);
    va_end(ap);

    if (const auto rc = route(number, args)) {
        count(Counter::Syscall);
        return libc_result(*rc);
    }
    const long *a = args.a;
    forget_closed(number, a);
    const long rc = real::syscall6(number, a[0], a[1], a[2], a[3], a[4], a[5]);
    alias_duplicated(number, a, rc);
    return rc;
}
