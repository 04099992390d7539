// The gauntlet's calls on /dev/myepoll, through libmyepoll: every call is one
// ioctl and returns the result or -errno, with no checking of its own, so
// that the gauntlet can pass anything (bad pointers, unknown ops, reserved
// bits).  Malformed argument structs (the fuzzer) go through raw_ioctl()
// with the uapi header's own structs and numbers.
#pragma once

#include <signal.h>

#include <climits>
#include <cstdint>

#include <libmyepoll.h>

#include "backend.hpp" // Event
#include "unique_fd.hpp"

namespace gauntlet
{

using myepoll::Event;
using myepoll::UniqueFd;

// The module's MYEP_MAX_EVENTS: INT_MAX / sizeof(struct myepoll_event).
constexpr int kMaxEvents = static_cast<int>(INT_MAX / sizeof(struct myepoll_event));
constexpr uint64_t kKernelSigsetSize = 8; // the kernel's sigset_t: 64 signals

// ioctl(fd, cmd, arg): result or -errno.
long raw_ioctl(int fd, unsigned long cmd, unsigned long arg) noexcept;

inline uint64_t user_ptr(const void *p) noexcept
{
    return reinterpret_cast<uintptr_t>(p);
}

// The device, opened O_RDWR | O_CLOEXEC: the fd, or an empty UniqueFd with
// errno set.
UniqueFd open_device() noexcept;

// MYEPOLL_IOC_CREATE on dev: the new fd or -errno.
int create(int dev, int flags) noexcept;

// MYEPOLL_IOC_CTL: 0 or -errno.  DEL passes no event.
int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) noexcept;

// MYEPOLL_IOC_WAIT: the count or -errno.  timeout_ns < 0 waits without limit.
int wait(int epfd, Event *events, int maxevents, int64_t timeout_ns,
         const sigset_t *sigmask = nullptr) noexcept;

} // namespace gauntlet
