/*
 * myepoll_timeout_ns(): epoll_pwait2()'s timespec, checked and converted.
 *
 * The timespec is first handed to the kernel by a FUTEX_WAIT that cannot
 * sleep (the futex word never holds the expected value): the kernel copies
 * and checks the timeout first, so an unreadable pointer gives EFAULT and an
 * invalid timespec EINVAL, exactly as epoll_pwait2()'s own check, with no
 * SIGSEGV and no side effect.  (Without futexes, ENOSYS, it is read
 * directly.)
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libmyepoll.h"

#define NS_PER_SEC 1000000000LL

/* 0, or -1 with errno EFAULT or EINVAL; errno untouched on success. */
static int check_timespec(const struct timespec *ts)
{
    const int saved = errno;
    int word = 0;

    if (syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, ts, NULL, 0) == 0 || errno == EAGAIN ||
        errno == ENOSYS || (errno != EFAULT && errno != EINVAL)) {
        errno = saved;
        return 0;
    }
    return -1;
}

int myepoll_timeout_ns(const struct timespec *timeout, long long *timeout_ns)
{
    if (timeout == NULL) {
        *timeout_ns = MYEPOLL_TIMEOUT_INFINITE;
        return 0;
    }
    if (check_timespec(timeout) < 0)
        return -1;
    const struct timespec ts = *timeout;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NS_PER_SEC) {
        errno = EINVAL; /* already checked, unless futexes are missing */
        return -1;
    }
    /* Saturate like the kernel's timespec64_to_ktime(): practically infinite. */
    if (ts.tv_sec >= (INT64_MAX - ts.tv_nsec) / NS_PER_SEC)
        *timeout_ns = INT64_MAX;
    else
        *timeout_ns = ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
    return 0;
}
