// route_create / route_ctl / route_wait.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <utility>

#include <libmyepoll.h>

#include "log.hpp"
#include "ring_table.hpp"
#include "router.hpp"
#include "stats.hpp"
#include "unique_fd.hpp"

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

// libmyepoll's -1 and errno as the kernel's -errno.
int result(int rc) noexcept
{
    return rc < 0 ? -errno : rc;
}

// After a failed ioctl on epfd: is epfd a myepoll instance?  Only the module
// answers MYEPOLL_IOC_VERSION, on an instance or on the device node.
bool is_instance(int epfd) noexcept
{
    if (myepoll_fd_abi_version(epfd) <= 0)
        return false;
    struct stat st = {};
    return ::fstat(epfd, &st) == 0 && !S_ISCHR(st.st_mode);
}

const char *op_name(int op) noexcept
{
    switch (op) {
    case MYEPOLL_CTL_ADD:
        return "ADD";
    case MYEPOLL_CTL_DEL:
        return "DEL";
    case MYEPOLL_CTL_MOD:
        return "MOD";
    default:
        return "?";
    }
}

const char *result_text(int rc) noexcept
{
    return rc < 0 ? std::strerror(-rc) : "ok";
}

// A new instance on the number native epoll_create1(flags) would give: the
// lowest free one, which the device fd `dev` took when it was opened.
//
// The ioctl needs the device fd, so the instance first lands on the next free
// number, close-on-exec whatever the flags (a fork and exec in another thread
// meanwhile must not inherit it).  dup3() then puts it on the device fd's
// number with the caller's FD_CLOEXEC, closing the device there in the same
// step, and the first number is closed.  A create therefore needs two free
// fds for a moment: with one left it fails with EMFILE (README.md).
//
// Threads: the result is the number that was the lowest free one when the
// device was opened.  The device fd holds it until dup3(), so no other thread
// can get it, and dup3() replaces only the shim's own fd (a thread closing
// fds it did not open is wrong natively too).  Meanwhile another thread's
// open() may get a higher number than natively (the instance's first one), as
// with any library call that opens an fd for a moment.  dup3() fails only if
// another thread lowered RLIMIT_NOFILE to the device fd's number or below:
// its errno is returned, both fds closed.
int instance_on(UniqueFd dev, int flags) noexcept
{
    const int fd = myepoll_device_create(dev.get(), flags | MYEPOLL_CLOEXEC);
    if (fd < 0)
        return -errno;
    const UniqueFd instance(fd);
    const int fd_flags = (flags & MYEPOLL_CLOEXEC) != 0 ? O_CLOEXEC : 0;
    if (::dup3(instance.get(), dev.get(), fd_flags) < 0)
        return -errno;
    return dev.release(); // now the instance's fd
}

// Ring mode: the new instance gets its ring, or the create fails (a run
// that asked for the ring must not silently measure plain WAIT).
int with_ring(int fd) noexcept
{
    if (fd < 0 || !ring_mode())
        return fd;
    const int rc = ring_setup(fd);
    if (rc == 0)
        return fd;
    ::close(fd);
    return rc;
}

// Below mmap_min_addr (64 KiB on Debian) nothing can be mapped, above the
// user address space neither: such an events buffer gets EFAULT.  Any other
// unwritable buffer faults in the shim (README.md, "Ring mode").
bool events_unwritable(const void *events, int maxevents) noexcept
{
    constexpr uintptr_t kLowest = 65536;
    constexpr uintptr_t kUserTop = 0x7ffffffff000; // x86-64 TASK_SIZE_MAX
    const auto p = reinterpret_cast<uintptr_t>(events);
    const uintptr_t bytes = static_cast<uintptr_t>(maxevents) * sizeof(struct epoll_event);
    return p < kLowest || p > kUserTop || bytes > kUserTop - p;
}

// epoll_pwait2() answered from the ring: native's argument checks in its
// order (maxevents, then the buffer), then myepoll_ring_wait().
int ring_wait(myepoll_ring *ring, void *events, int maxevents, int64_t timeout_ns,
              const void *sigmask, std::size_t sigsetsize) noexcept
{
    if (maxevents <= 0 || maxevents > static_cast<int>(INT_MAX / sizeof(struct epoll_event)))
        return -EINVAL;
    if (events_unwritable(events, maxevents))
        return -EFAULT;
    return result(myepoll_ring_wait(ring, static_cast<struct myepoll_event *>(events), maxevents,
                                    timeout_ns, static_cast<const sigset_t *>(sigmask),
                                    sigsetsize));
}

} // namespace

int route_create(const char *call, int flags) noexcept
{
    ErrnoGuard keep_errno;
    int rc = 0;
    if ((flags & ~MYEPOLL_CLOEXEC) != 0) {
        // Native checks the flags before it takes an fd: EINVAL, not EMFILE,
        // when no fd is free.
        rc = -EINVAL;
        count(Counter::Create);
    } else if (UniqueFd dev(myepoll_device_open()); dev) {
        rc = with_ring(instance_on(std::move(dev), flags));
        count(Counter::Create);
    } else {
        rc = -errno;
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
    // The kernel only reads through the pointer.
    auto *ev = static_cast<struct myepoll_event *>(const_cast<void *>(event));
    const int rc = result(myepoll_ctl(epfd, op, fd, ev));
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
    // Ring mode: every fd not yet known may be a ring instance.  Otherwise
    // only an instance that refused a plain WAIT is (one inherited from a
    // process in ring mode, say).
    RingRef ring = ring_mode() ? ring_attach(epfd) : ring_find(epfd);
    int rc = 0;
    if (ring) {
        rc = ring_wait(ring.get(), events, maxevents, timeout_ns, sigmask, sigsetsize);
    } else {
        rc =
            result(myepoll_wait_ns(epfd, static_cast<struct myepoll_event *>(events), maxevents,
                                   timeout_ns, static_cast<const sigset_t *>(sigmask), sigsetsize));
        if (rc == -EINVAL && maxevents > 0 && (ring = ring_attach(epfd)))
            rc = ring_wait(ring.get(), events, maxevents, timeout_ns, sigmask, sigsetsize);
    }
    if (rc < 0 && !ring && !is_instance(epfd)) {
        count(Counter::NativeWait);
        if (verbose())
            log_line("%s(%d, maxevents=%d) -> native", call, epfd, maxevents);
        return std::nullopt;
    }
    count(Counter::Wait);
    if (verbose())
        log_line("%s(%d, maxevents=%d, timeout_ns=%lld%s) -> myepoll%s: %d (%s)", call, epfd,
                 maxevents, static_cast<long long>(timeout_ns), sigmask ? ", sigmask" : "",
                 ring ? " ring" : "", rc, result_text(rc));
    return rc;
}

} // namespace myepoll::shim
