// Timeout conversions.  epoll_pwait2's timespec is checked and converted by
// libmyepoll (myepoll_timeout_ns(): EFAULT for an unreadable pointer, EINVAL
// for an invalid timespec, as natively, without a SIGSEGV in the shim).  Its
// check is a FUTEX_WAIT made through syscall(), which reaches the shim's
// own syscall() and goes on unchanged to glibc's.
#include <cerrno>
#include <cstdint>

#include <libmyepoll.h>

#include "timeout.hpp"

namespace myepoll::shim
{

namespace
{
constexpr int64_t kNsPerMs = 1'000'000;
} // namespace

int64_t timeout_from_ms(int ms) noexcept
{
    return ms < 0 ? -1 : ms * kNsPerMs;
}

TimespecTimeout timeout_from_timespec(const struct timespec *ts) noexcept
{
    const int saved_errno = errno;
    long long ns = 0;
    const int error = myepoll_timeout_ns(ts, &ns) < 0 ? -errno : 0;
    errno = saved_errno;
    return {error != 0 ? 0 : static_cast<int64_t>(ns), error};
}

} // namespace myepoll::shim
