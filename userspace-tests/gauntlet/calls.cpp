// The raw /dev/myepoll calls (see uapi.hpp).  This translation unit includes
// <linux/myepoll.h> and therefore neither <fcntl.h> nor <sys/epoll.h>.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>

#include <linux/myepoll.h>

#include "uapi.hpp"

namespace gauntlet
{

static_assert(sizeof(CtlArgs) == sizeof(struct myepoll_ctl));
static_assert(offsetof(CtlArgs, op) == offsetof(struct myepoll_ctl, op));
static_assert(offsetof(CtlArgs, fd) == offsetof(struct myepoll_ctl, fd));
static_assert(offsetof(CtlArgs, event) == offsetof(struct myepoll_ctl, event));
static_assert(sizeof(WaitArgs) == sizeof(struct myepoll_wait));
static_assert(offsetof(WaitArgs, events) == offsetof(struct myepoll_wait, events));
static_assert(offsetof(WaitArgs, maxevents) == offsetof(struct myepoll_wait, maxevents));
static_assert(offsetof(WaitArgs, flags) == offsetof(struct myepoll_wait, flags));
static_assert(offsetof(WaitArgs, timeout_ns) == offsetof(struct myepoll_wait, timeout_ns));
static_assert(offsetof(WaitArgs, sigmask) == offsetof(struct myepoll_wait, sigmask));
static_assert(offsetof(WaitArgs, sigsetsize) == offsetof(struct myepoll_wait, sigsetsize));
static_assert(sizeof(Event) == sizeof(struct myepoll_event));

const unsigned long kIocVersion = MYEPOLL_IOC_VERSION;
const unsigned long kIocCreate = MYEPOLL_IOC_CREATE;
const unsigned long kIocCtl = MYEPOLL_IOC_CTL;
const unsigned long kIocWait = MYEPOLL_IOC_WAIT;
const unsigned int kIocMagic = MYEPOLL_IOC_MAGIC;
const int kAbiVersion = MYEPOLL_ABI_VERSION;
const int kMaxEvents = static_cast<int>(INT_MAX / sizeof(struct epoll_event));

long raw_ioctl(int fd, unsigned long cmd, unsigned long arg) noexcept
{
    const long rc = ::ioctl(fd, cmd, arg);
    return rc < 0 ? -errno : rc;
}

UniqueFd open_device() noexcept
{
    return UniqueFd(
        static_cast<int>(::syscall(SYS_openat, AT_FDCWD, MYEPOLL_DEVICE, O_RDWR | O_CLOEXEC)));
}

int create(int dev, unsigned long flags) noexcept
{
    return static_cast<int>(raw_ioctl(dev, MYEPOLL_IOC_CREATE, flags));
}

int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) noexcept
{
    struct myepoll_event event {
    };
    event.events = events;
    event.data = data;
    struct myepoll_ctl arg {
    };
    arg.op = op;
    arg.fd = fd;
    arg.event = op == EPOLL_CTL_DEL ? 0 : user_ptr(&event);
    return static_cast<int>(raw_ioctl(epfd, MYEPOLL_IOC_CTL, user_ptr(&arg)));
}

int wait(int epfd, Event *events, int maxevents, int64_t timeout_ns,
         const sigset_t *sigmask) noexcept
{
    struct myepoll_wait arg {
    };
    arg.events = user_ptr(events);
    arg.maxevents = maxevents;
    arg.timeout_ns = timeout_ns;
    arg.sigmask = user_ptr(sigmask);
    arg.sigsetsize = sigmask != nullptr ? kKernelSigsetSize : 0;
    return static_cast<int>(raw_ioctl(epfd, MYEPOLL_IOC_WAIT, user_ptr(&arg)));
}

} // namespace gauntlet
