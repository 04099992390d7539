// The myepoll ioctls.  This translation unit includes <linux/myepoll.h> and
// therefore neither <sys/epoll.h> (both define struct epoll_event) nor
// <fcntl.h> (<linux/eventpoll.h> pulls in <linux/fcntl.h>, whose struct flock
// clashes with glibc's): the device is opened in device_open.cpp.
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdint>

#include <linux/myepoll.h>

#include "device_calls.hpp"

namespace myepoll::shim
{

namespace
{

uint64_t user_ptr(const void *p) noexcept
{
    return reinterpret_cast<uintptr_t>(p);
}

int result(int rc) noexcept
{
    return rc < 0 ? -errno : rc;
}

} // namespace

int device_create(int dev, int flags) noexcept
{
    return result(::ioctl(dev, MYEPOLL_IOC_CREATE, flags));
}

int instance_ctl(int epfd, int op, int fd, const void *event) noexcept
{
    struct myepoll_ctl arg = {};
    arg.op = op;
    arg.fd = fd;
    arg.event = user_ptr(event);
    return result(::ioctl(epfd, MYEPOLL_IOC_CTL, &arg));
}

int instance_wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const void *sigmask,
                  std::size_t sigsetsize) noexcept
{
    struct myepoll_wait arg = {};
    arg.events = user_ptr(events);
    arg.maxevents = maxevents;
    arg.flags = 0;
    arg.timeout_ns = timeout_ns < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout_ns;
    arg.sigmask = user_ptr(sigmask);
    arg.sigsetsize = sigmask != nullptr ? sigsetsize : 0;
    return result(::ioctl(epfd, MYEPOLL_IOC_WAIT, &arg));
}

int instance_version(int fd) noexcept
{
    return result(::ioctl(fd, MYEPOLL_IOC_VERSION));
}

} // namespace myepoll::shim
