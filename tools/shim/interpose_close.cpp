// The interposed fd calls that end or copy an epfd: close, close_range, dup,
// dup2, dup3.  They keep ring mode's table (ring_table.hpp) in step: an entry
// goes before its fd is closed (so that the ring's mapping does not keep the
// instance alive), and a dup shares its original's ring.  Each call itself is
// glibc's; while no ring is registered they cost one atomic load.
#include <unistd.h>

#include <linux/close_range.h>

#include "real_calls.hpp"
#include "ring_table.hpp"

#define SHIM_EXPORT extern "C" __attribute__((visibility("default")))

using namespace myepoll::shim;

SHIM_EXPORT int close(int fd)
{
    ring_forget(fd);
    return real::close(fd);
}

SHIM_EXPORT int close_range(unsigned int first, unsigned int last, int flags) noexcept
{
    if ((flags & CLOSE_RANGE_CLOEXEC) == 0)
        ring_forget_range(first, last);
    return real::close_range(first, last, flags);
}

SHIM_EXPORT int dup(int oldfd) noexcept
{
    const int fd = real::dup(oldfd);
    ring_alias(oldfd, fd);
    return fd;
}

SHIM_EXPORT int dup2(int oldfd, int newfd) noexcept
{
    if (oldfd != newfd)
        ring_forget(newfd);
    const int fd = real::dup2(oldfd, newfd);
    ring_alias(oldfd, fd);
    return fd;
}

SHIM_EXPORT int dup3(int oldfd, int newfd, int flags) noexcept
{
    if (oldfd != newfd)
        ring_forget(newfd);
    const int fd = real::dup3(oldfd, newfd, flags);
    ring_alias(oldfd, fd);
    return fd;
}
