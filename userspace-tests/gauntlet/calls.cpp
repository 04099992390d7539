// The gauntlet's calls on /dev/myepoll (see calls.hpp).
#include <sys/ioctl.h>

#include <cerrno>

#include "calls.hpp"

namespace gauntlet
{

namespace
{

// libmyepoll's -1 and errno as -errno.
int result(int rc) noexcept
{
    return rc < 0 ? -errno : rc;
}

} // namespace

long raw_ioctl(int fd, unsigned long cmd, unsigned long arg) noexcept
{
    const long rc = ::ioctl(fd, cmd, arg);
    return rc < 0 ? -errno : rc;
}

UniqueFd open_device() noexcept
{
    return UniqueFd(myepoll_device_open());
}

int create(int dev, int flags) noexcept
{
    return result(myepoll_device_create(dev, flags));
}

int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) noexcept
{
    Event event{events, data};
    return result(myepoll_ctl(epfd, op, fd, op == MYEPOLL_CTL_DEL ? nullptr : &event));
}

int wait(int epfd, Event *events, int maxevents, int64_t timeout_ns,
         const sigset_t *sigmask) noexcept
{
    return result(myepoll_wait_ns(epfd, events, maxevents, timeout_ns, sigmask,
                                  sigmask != nullptr ? kKernelSigsetSize : 0));
}

} // namespace gauntlet
