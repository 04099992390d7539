// Timeouts of the epoll calls converted to myepoll's timeout_ns
// (< 0: infinite, 0: do not block, > 0: relative nanoseconds).
#pragma once

#include <time.h>

#include <cstdint>

namespace myepoll::shim
{

// epoll_wait / epoll_pwait: milliseconds, negative = infinite.
int64_t timeout_from_ms(int ms) noexcept;

// epoll_pwait2: a timespec, NULL = infinite.  Checked as native does before
// anything else: an unreadable pointer gives -EFAULT, a timespec that is not
// valid (tv_sec < 0, tv_nsec outside [0, 1e9)) -EINVAL.
struct TimespecTimeout {
    int64_t ns;
    int error; // 0 or -errno
};
TimespecTimeout timeout_from_timespec(const struct timespec *ts) noexcept;

} // namespace myepoll::shim
