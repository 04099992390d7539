// The native backend: glibc's epoll_create1 / epoll_ctl and the raw
// epoll_pwait2 system call (raw so that sigsetsize reaches the kernel as
// given).
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "backend.hpp"
#include "backends.hpp"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

namespace myepoll
{

namespace
{

class NativeBackend final : public Backend
{
  public:
    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::Native; }
    [[nodiscard]] std::string_view name() const noexcept override { return "native"; }

    int create(int flags) override
    {
        const int fd = ::epoll_create1(flags);
        return fd < 0 ? -errno : fd;
    }

    int ctl(int epfd, int op, int fd, const void *event) override
    {
        // epoll_ctl does not write through the pointer; the cast only
        // satisfies glibc's prototype.
        auto *ev = static_cast<struct epoll_event *>(const_cast<void *>(event));
        return ::epoll_ctl(epfd, op, fd, ev) < 0 ? -errno : 0;
    }

    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override
    {
        struct timespec ts {
        };
        struct timespec *timeout = nullptr;
        if (timeout_ns >= 0) {
            ts.tv_sec = static_cast<time_t>(timeout_ns / 1'000'000'000);
            ts.tv_nsec = static_cast<long>(timeout_ns % 1'000'000'000);
            timeout = &ts;
        }
        const long rc =
            ::syscall(SYS_epoll_pwait2, epfd, events, maxevents, timeout, sigmask, sigsetsize);
        return rc < 0 ? -errno : static_cast<int>(rc);
    }
};

} // namespace

Backend &native_backend()
{
    static NativeBackend instance;
    return instance;
}

} // namespace myepoll
