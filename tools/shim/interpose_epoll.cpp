// The interposed glibc functions: epoll_create, epoll_create1, epoll_ctl,
// epoll_wait, epoll_pwait, epoll_pwait2.  Declarations (and exception
// specifications) are glibc's own, from <sys/epoll.h>.
#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

#include <cerrno>

#include "libc_result.hpp"
#include "real_calls.hpp"
#include "router.hpp"
#include "timeout.hpp"

#define SHIM_EXPORT extern "C" __attribute__((visibility("default")))

using namespace myepoll::shim;

namespace
{

constexpr std::size_t kSigsetSize = 8; // _NSIG / 8, what glibc passes to the kernel

int as_int(long rc) noexcept
{
    return static_cast<int>(libc_result(rc));
}

} // namespace

SHIM_EXPORT int epoll_create(int size) noexcept
{
    if (size <= 0) // native: the size is ignored but must be positive
        return as_int(-EINVAL);
    return as_int(route_create("epoll_create", 0));
}

SHIM_EXPORT int epoll_create1(int flags) noexcept
{
    return as_int(route_create("epoll_create1", flags));
}

SHIM_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) noexcept
{
    if (const auto rc = route_ctl("epoll_ctl", epfd, op, fd, event))
        return as_int(*rc);
    return real::epoll_ctl(epfd, op, fd, event);
}

SHIM_EXPORT int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
    if (const auto rc =
            route_wait("epoll_wait", epfd, events, maxevents, timeout_from_ms(timeout), nullptr, 0))
        return as_int(*rc);
    return real::epoll_wait(epfd, events, maxevents, timeout);
}

SHIM_EXPORT int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
                            const sigset_t *sigmask)
{
    if (const auto rc = route_wait("epoll_pwait", epfd, events, maxevents, timeout_from_ms(timeout),
                                   sigmask, kSigsetSize))
        return as_int(*rc);
    return real::epoll_pwait(epfd, events, maxevents, timeout, sigmask);
}

SHIM_EXPORT int epoll_pwait2(int epfd, struct epoll_event *events, int maxevents,
                             const struct timespec *timeout, const sigset_t *sigmask)
{
    // Native checks the timeout before anything else, epfd included.
    const TimespecTimeout t = timeout_from_timespec(timeout);
    if (t.error != 0)
        return as_int(t.error);
    if (const auto rc =
            route_wait("epoll_pwait2", epfd, events, maxevents, t.ns, sigmask, kSigsetSize))
        return as_int(*rc);
    return real::epoll_pwait2(epfd, events, maxevents, timeout, sigmask);
}
