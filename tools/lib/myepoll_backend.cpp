// The /dev/myepoll backend, through libmyepoll: the device is opened once
// per process and every instance is created on it; every call is one ioctl.
#include <cerrno>

#include <libmyepoll.h>

#include "backend.hpp"
#include "backends.hpp"

namespace myepoll
{

namespace
{

// libmyepoll's -1 and errno as the backends' -errno.
int result(int rc) noexcept
{
    return rc < 0 ? -errno : rc;
}

class MyEpollBackend final : public Backend
{
  public:
    MyEpollBackend() : dev_(myepoll_device_open()), open_errno_(dev_ ? 0 : errno) {}

    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::MyEpoll; }
    [[nodiscard]] std::string_view name() const noexcept override { return "myepoll"; }

    int create(int flags) override
    {
        if (!dev_)
            return open_errno_ != 0 ? -open_errno_ : -ENODEV;
        return result(myepoll_device_create(dev_.get(), flags));
    }

    int ctl(int epfd, int op, int fd, const void *event) override
    {
        // The kernel only reads through the pointer.
        auto *ev = static_cast<Event *>(const_cast<void *>(event));
        return result(myepoll_ctl(epfd, op, fd, ev));
    }

    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override
    {
        return result(myepoll_wait_ns(epfd, static_cast<Event *>(events), maxevents,
                                      timeout_ns < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout_ns,
                                      sigmask, sigsetsize));
    }

    int ctl_batch(int epfd, CtlOp *ops, unsigned nr) override
    {
        return result(myepoll_ctl_batch(epfd, ops, nr));
    }

  private:
    UniqueFd dev_;
    int open_errno_;
};

} // namespace

Backend &myepoll_backend()
{
    static MyEpollBackend instance;
    return instance;
}

} // namespace myepoll
