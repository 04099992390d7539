// Timeout conversions.  epoll_pwait2's timespec is first handed to the
// kernel by a FUTEX_WAIT that cannot sleep (the futex word never holds the
// expected value): the kernel copies and checks the timeout first, so a bad
// pointer gives EFAULT and a bad timespec EINVAL, exactly as epoll_pwait2's
// own check, without a SIGSEGV in the shim and with no side effect.  (The
// timespec is read directly only if futexes are missing.  process_vm_readv()
// would need CONFIG_CROSS_MEMORY_ATTACH, which the debug kernel lacks.)
#include <linux/futex.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <limits>

#include "real_calls.hpp"
#include "timeout.hpp"

namespace myepoll::shim
{

namespace
{

constexpr int64_t kNsPerMs = 1'000'000;
constexpr int64_t kNsPerSec = 1'000'000'000;

// Is *ts readable and a valid timespec?  0, -EFAULT or -EINVAL, as the
// kernel's get_timespec64() + timespec64_valid() say.
int check_timespec(const struct timespec *ts) noexcept
{
    int word = 0;
    const long rc = real::syscall6(SYS_futex, reinterpret_cast<long>(&word), FUTEX_WAIT_PRIVATE, 1,
                                   reinterpret_cast<long>(ts), 0, 0);
    if (rc == 0 || errno == EAGAIN || errno == ENOSYS)
        return 0;
    return errno == EFAULT || errno == EINVAL ? -errno : 0;
}

} // namespace

int64_t timeout_from_ms(int ms) noexcept
{
    return ms < 0 ? -1 : ms * kNsPerMs;
}

TimespecTimeout timeout_from_timespec(const struct timespec *ts) noexcept
{
    if (ts == nullptr)
        return {-1, 0};
    const int saved_errno = errno;
    const int error = check_timespec(ts);
    errno = saved_errno;
    if (error != 0)
        return {0, error};
    const struct timespec value = *ts;
    if (value.tv_sec < 0 || value.tv_nsec < 0 || value.tv_nsec >= kNsPerSec)
        return {0, -EINVAL}; // already checked, unless futexes are missing
    // Saturate like the kernel's timespec64_to_ktime(): practically infinite.
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    if (value.tv_sec >= (kMax - value.tv_nsec) / kNsPerSec)
        return {kMax, 0};
    return {value.tv_sec * kNsPerSec + value.tv_nsec, 0};
}

} // namespace myepoll::shim
