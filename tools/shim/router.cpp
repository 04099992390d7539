// route_create / route_ctl / route_wait.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "device_calls.hpp"
#include "device_open.hpp"
#include "log.hpp"
#include "router.hpp"
#include "stats.hpp"

namespace myepoll::shim
{

namespace
{

// Restores errno when it goes out of scope.
class ErrnoGuard
{
  public:
    ErrnoGuard() noexcept : saved_(errno) {}
    ErrnoGuard(const ErrnoGuard &) = delete;
    ErrnoGuard &operator=(const ErrnoGuard &) = delete;
    ~ErrnoGuard() { errno = saved_; }

  private:
    int saved_;
};

// After a failed ioctl on epfd: is epfd a myepoll instance?  Only the module
// answers MYEPOLL_IOC_VERSION, on an instance or on the device node.
bool is_instance(int epfd) noexcept
{
    if (instance_version(epfd) <= 0)
        return false;
    struct stat st = {};
    return ::fstat(epfd, &st) == 0 && !S_ISCHR(st.st_mode);
}

const char *op_name(int op) noexcept
{
    switch (op) {
    case 1:
        return "ADD";
    case 2:
        return "DEL";
    case 3:
        return "MOD";
    default:
        return "?";
    }
}

const char *result_text(int rc) noexcept
{
    return rc < 0 ? std::strerror(-rc) : "ok";
}

} // namespace

int route_create(const char *call, int flags) noexcept
{
    ErrnoGuard keep_errno;
    int error = 0;
    int rc = 0;
    if (UniqueFd dev = open_device(&error); dev) {
        rc = device_create(dev.get(), flags);
        count(Counter::Create);
    } else {
        rc = -error;
        count(Counter::NoDevice);
    }
    if (verbose())
        log_line("%s(flags=%#x) -> myepoll: %d (%s)", call, static_cast<unsigned>(flags), rc,
                 result_text(rc));
    return rc;
}

std::optional<int> route_ctl(const char *call, int epfd, int op, int fd, const void *event) noexcept
{
    ErrnoGuard keep_errno;
    const int rc = instance_ctl(epfd, op, fd, event);
    if (rc < 0 && !is_instance(epfd)) {
        count(Counter::NativeCtl);
        if (verbose())
            log_line("%s(%d, %s, %d) -> native", call, epfd, op_name(op), fd);
        return std::nullopt;
    }
    count(Counter::Ctl);
    if (verbose())
        log_line("%s(%d, %s, %d) -> myepoll: %d (%s)", call, epfd, op_name(op), fd, rc,
                 result_text(rc));
    return rc;
}

std::optional<int> route_wait(const char *call, int epfd, void *events, int maxevents,
                              int64_t timeout_ns, const void *sigmask,
                              std::size_t sigsetsize) noexcept
{
    ErrnoGuard keep_errno;
    const int rc = instance_wait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
    if (rc < 0 && !is_instance(epfd)) {
        count(Counter::NativeWait);
        if (verbose())
            log_line("%s(%d, maxevents=%d) -> native", call, epfd, maxevents);
        return std::nullopt;
    }
    count(Counter::Wait);
    if (verbose())
        log_line("%s(%d, maxevents=%d, timeout_ns=%lld%s) -> myepoll: %d (%s)", call, epfd,
                 maxevents, static_cast<long long>(timeout_ns), sigmask ? ", sigmask" : "", rc,
                 result_text(rc));
    return rc;
}

} // namespace myepoll::shim
