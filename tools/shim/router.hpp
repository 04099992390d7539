// Routing: which calls myepoll answers.
//
// Every create goes to /dev/myepoll.  ctl and wait go to myepoll exactly when
// epfd is a myepoll instance, as the kernel says at the moment of the call —
// no table of the fds the shim created, so dup, fork, exec, fds passed over
// unix sockets, close and fd reuse need no tracking:
//  - the myepoll ioctl is issued on epfd first; success can only come from an
//    instance (ioctl magic 0xE9 is assigned to no other driver), so the hot
//    path costs one system call;
//  - if it fails, epfd is asked MYEPOLL_IOC_VERSION, which only the module
//    answers (the device node too, told apart by fstat).  An instance's
//    error is myepoll's answer; for anything else (a native epoll fd, another
//    file, a closed fd) the native call is made, so native errnos come out
//    unchanged (EINVAL for a non-epoll epfd, EBADF, EFAULT in native order).
// An "unknown ioctl" error is not a test of its own: files answer it
// differently (ENOTTY usually, but epoll itself answers EINVAL since 6.9).
//
// Results follow the kernel's convention (value >= 0 or -errno); std::nullopt
// means "not a myepoll instance: make the native call".  errno is left as it
// was on entry.  `call` names the caller's function in verbose logs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace myepoll::shim
{

// epoll_create1(flags) on /dev/myepoll: the instance gets the lowest free fd,
// as natively (router.cpp says what is guaranteed when threads race).  If
// the device cannot be opened the create fails with open()'s errno: there is
// no silent fallback to native.
int route_create(const char *call, int flags) noexcept;

std::optional<int> route_ctl(const char *call, int epfd, int op, int fd,
                             const void *event) noexcept;

// timeout_ns < 0 waits without limit; sigmask may be null.
std::optional<int> route_wait(const char *call, int epfd, void *events, int maxevents,
                              int64_t timeout_ns, const void *sigmask,
                              std::size_t sigsetsize) noexcept;

} // namespace myepoll::shim
