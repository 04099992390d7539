// The three myepoll ioctls, one call each.  Results follow the kernel's
// convention: the value (>= 0) or -errno.
//
// This header includes neither <sys/epoll.h> nor <linux/myepoll.h>, so both
// kinds of translation unit can use it; pointers are passed untyped and go to
// the kernel unread, so that bad ones give EFAULT as natively.
#pragma once

#include <cstddef>
#include <cstdint>

namespace myepoll::shim
{

// MYEPOLL_IOC_CREATE on the device fd `dev`: a new instance fd.
int device_create(int dev, int flags) noexcept;

// MYEPOLL_IOC_CTL on `epfd`.
int instance_ctl(int epfd, int op, int fd, const void *event) noexcept;

// MYEPOLL_IOC_WAIT on `epfd`; timeout_ns < 0 waits without limit.  sigsetsize
// is passed as given when sigmask is set.
int instance_wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const void *sigmask,
                  std::size_t sigsetsize) noexcept;

// MYEPOLL_IOC_VERSION on `fd`: the ABI version (> 0) if the module answers
// (an instance or the device), else -errno.
int instance_version(int fd) noexcept;

} // namespace myepoll::shim
