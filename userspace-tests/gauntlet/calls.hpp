// Raw access to /dev/myepoll: every call is one ioctl and returns the
// result or -errno, with no checking of its own, so that the gauntlet can
// pass anything (bad pointers, unknown ops, reserved bits).
//
// CtlArgs and WaitArgs mirror struct myepoll_ctl and struct myepoll_wait
// (uapi.cpp checks size and offsets against <linux/myepoll.h>); this header
// does not include the uapi itself, which cannot share a translation unit
// with glibc's <fcntl.h> or <sys/epoll.h>.
#pragma once

#include <signal.h>

#include <cstdint>

#include "backend.hpp" // Event
#include "unique_fd.hpp"

namespace gauntlet
{

using myepoll::Event;
using myepoll::UniqueFd;

struct CtlArgs {
    int32_t op;
    int32_t fd;
    uint64_t event; // const Event *
};

struct WaitArgs {
    uint64_t events; // Event *
    int32_t maxevents;
    uint32_t flags;
    int64_t timeout_ns;
    uint64_t sigmask; // const sigset_t *
    uint64_t sigsetsize;
};

// The ioctl numbers of <linux/myepoll.h>.
extern const unsigned long kIocVersion;
extern const unsigned long kIocCreate;
extern const unsigned long kIocCtl;
extern const unsigned long kIocWait;
extern const unsigned int kIocMagic;
extern const int kAbiVersion;
extern const int kMaxEvents;              // MYEP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event)
constexpr uint64_t kKernelSigsetSize = 8; // the kernel's sigset_t: 64 signals

// ioctl(fd, cmd, arg): result or -errno.
long raw_ioctl(int fd, unsigned long cmd, unsigned long arg) noexcept;

inline uint64_t user_ptr(const void *p) noexcept
{
    return reinterpret_cast<uintptr_t>(p);
}

// open("/dev/myepoll", O_RDWR | O_CLOEXEC): the fd, or an empty UniqueFd with
// errno set.
UniqueFd open_device() noexcept;

// MYEPOLL_IOC_CREATE on dev: the new fd or -errno.
int create(int dev, unsigned long flags) noexcept;

// MYEPOLL_IOC_CTL: 0 or -errno.  DEL passes no event.
int ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) noexcept;

// MYEPOLL_IOC_WAIT: the count or -errno.
int wait(int epfd, Event *events, int maxevents, int64_t timeout_ns,
         const sigset_t *sigmask = nullptr) noexcept;

} // namespace gauntlet
