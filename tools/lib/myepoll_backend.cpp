// The /dev/myepoll backend: the device is opened once per process, every
// call is one ioctl.  This translation unit includes <linux/myepoll.h> and
// therefore neither <sys/epoll.h> (both define struct epoll_event) nor
// <fcntl.h> (<linux/eventpoll.h> pulls in <linux/fcntl.h>, whose struct flock
// clashes with glibc's): the device is opened in device_open.cpp.
#include <sys/epoll.h>
#include <sys/ioctl.h>

#include <cerrno>

#include <linux/myepoll.h>

#include "backend.hpp"
#include "backends.hpp"

namespace myepoll
{

static_assert(sizeof(struct epoll_event) == sizeof(Event));

namespace
{

uint64_t user_ptr(const void *p) noexcept
{
    return reinterpret_cast<uintptr_t>(p);
}

class MyEpollBackend final : public Backend
{
  public:
    MyEpollBackend() { dev_ = open_device(MYEPOLL_DEVICE, &open_errno_); }

    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::MyEpoll; }
    [[nodiscard]] std::string_view name() const noexcept override { return "myepoll"; }

    int create(int flags) override
    {
        if (!dev_)
            return open_errno_ != 0 ? -open_errno_ : -ENODEV;
        const int fd = ::ioctl(dev_.get(), MYEPOLL_IOC_CREATE, flags);
        return fd < 0 ? -errno : fd;
    }

    int ctl(int epfd, int op, int fd, const void *event) override
    {
        struct myepoll_ctl arg {
        };
        arg.op = op;
        arg.fd = fd;
        arg.event = user_ptr(event);
        return ::ioctl(epfd, MYEPOLL_IOC_CTL, &arg) < 0 ? -errno : 0;
    }

    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override
    {
        struct myepoll_wait arg {
        };
        arg.events = user_ptr(events);
        arg.maxevents = maxevents;
        arg.flags = 0;
        arg.timeout_ns = timeout_ns < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout_ns;
        arg.sigmask = user_ptr(sigmask);
        arg.sigsetsize = sigmask != nullptr ? sigsetsize : 0;
        const int rc = ::ioctl(epfd, MYEPOLL_IOC_WAIT, &arg);
        return rc < 0 ? -errno : rc;
    }

  private:
    UniqueFd dev_;
    int open_errno_ = 0;
};

} // namespace

Backend &myepoll_backend()
{
    static MyEpollBackend instance;
    return instance;
}

} // namespace myepoll
