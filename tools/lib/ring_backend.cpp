// The ring backend: /dev/myepoll with a shared ready ring (libmyepoll's
// myepoll_ring_*) on every instance it creates.  create, ctl and the
// batched ctl are the myepoll backend's; wait takes the events the module
// published into the ring, and calls WAIT only when the ring is empty.
//
// The ring of an instance lives as long as its mapping, and the mapping
// holds a reference to the instance's file: it must go when the instance
// fd is closed, or a closed instance would live on (and its items with it).
// Instance::~Instance() calls forget() first.  An fd closed behind the
// backend's back may come back as another file under the same number, so
// each ring also keeps a duplicate of its instance fd, and a wait uses the
// ring only when kcmp(KCMP_FILE) finds the waited fd to be that very file
// (all instances share one anonymous inode: fstat() cannot tell them
// apart).  The duplicate costs no lifetime the mapping does not already
// hold; it sits high in the fd table, out of the numbers tests reuse.
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <map>
#include <memory>
#include <mutex>

#include <libmyepoll.h>

#include "backend.hpp"
#include "backends.hpp"

namespace myepoll
{

namespace
{

// Above the ready count of any differential scenario (1,000 connections),
// so that one wait can return what native's returns; a full ring is the
// direct ring tests' business.
constexpr unsigned kRingEntries = 4096;
// The kernel's sigset_t, the one size epoll_pwait2() takes.
constexpr size_t kSigsetSize = 8;
// epoll_wait()'s bound on maxevents (EP_MAX_EVENTS).
constexpr int kMaxEvents = static_cast<int>(INT_MAX / sizeof(Event));

// Whether a and b are the same open file: kcmp(), or (without it) trust
// in the number.
bool same_file(int a, int b) noexcept
{
    const pid_t pid = ::getpid();
    const long rc = ::syscall(SYS_kcmp, pid, pid, KCMP_FILE, a, b);
    if (rc < 0)
        return errno == ENOSYS || errno == EPERM;
    return rc == 0;
}

// A duplicate of fd, close-on-exec, in the upper half of the fd table when
// there is room there.
int high_dup(int fd) noexcept
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= 64) {
        const long low = static_cast<long>(std::min<rlim_t>(limit.rlim_cur / 2, 4096));
        const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, low);
        if (dup >= 0)
            return dup;
    }
    return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

// One instance's ring: the mapping and the duplicate that names its file.
class Ring
{
  public:
    Ring(myepoll_ring *ring, UniqueFd file) noexcept : ring_(ring), file_(std::move(file)) {}
    Ring(const Ring &) = delete;
    Ring &operator=(const Ring &) = delete;
    ~Ring() { myepoll_ring_destroy(ring_); }

    [[nodiscard]] myepoll_ring *get() const noexcept { return ring_; }
    [[nodiscard]] bool is(int epfd) const noexcept { return same_file(epfd, file_.get()); }

  private:
    myepoll_ring *ring_;
    UniqueFd file_;
};

class RingBackend final : public Backend
{
  public:
    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::MyEpollRing; }
    [[nodiscard]] std::string_view name() const noexcept override { return "myepoll-ring"; }

    int create(int flags) override
    {
        const int epfd = plain().create(flags);
        if (epfd < 0)
            return epfd;
        UniqueFd fd(epfd);
        UniqueFd file(high_dup(epfd));
        if (!file)
            return -errno;
        myepoll_ring *ring = myepoll_ring_create(epfd, kRingEntries);
        if (ring == nullptr)
            return -errno;
        const std::lock_guard lock(mutex_);
        rings_[epfd] = std::make_shared<Ring>(ring, std::move(file));
        return fd.release();
    }

    int ctl(int epfd, int op, int fd, const void *event) override
    {
        return plain().ctl(epfd, op, fd, event);
    }

    int ctl_batch(int epfd, CtlOp *ops, unsigned nr) override
    {
        return plain().ctl_batch(epfd, ops, nr);
    }

    // epoll_pwait2() over the ring, with its first checks (the sigset's
    // size, maxevents), which a wait that finds entries makes no system
    // call to have done; the buffer is written in user space (a bad one
    // faults here, no EFAULT), the sigmask is read by WAIT only when the
    // ring is empty.  An fd without a ring
    // of ours gets MYEPOLL_IOC_WAIT as it is, and so native epoll's errors.
    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override
    {
        const std::shared_ptr<Ring> ring = find(epfd);
        if (!ring)
            return plain().wait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
        if (sigmask != nullptr && sigsetsize != kSigsetSize)
            return -EINVAL;
        if (maxevents <= 0 || maxevents > kMaxEvents)
            return -EINVAL;
        const int n = myepoll_ring_wait(ring->get(), static_cast<Event *>(events), maxevents,
                                        timeout_ns < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout_ns,
                                        sigmask, sigsetsize);
        return n < 0 ? -errno : n;
    }

    void forget(int epfd) noexcept override
    {
        std::shared_ptr<Ring> gone; // unmapped outside the lock
        const std::lock_guard lock(mutex_);
        if (auto it = rings_.find(epfd); it != rings_.end()) {
            gone = std::move(it->second);
            rings_.erase(it);
        }
    }

  private:
    static Backend &plain() { return myepoll_backend(); }

    // The ring of epfd's file: under its number, or (a duplicate, a passed
    // fd) under another.  A ring whose number now names another file is
    // dropped.
    std::shared_ptr<Ring> find(int epfd)
    {
        std::shared_ptr<Ring> stale;
        const std::lock_guard lock(mutex_);
        if (auto it = rings_.find(epfd); it != rings_.end()) {
            if (it->second->is(epfd))
                return it->second;
            stale = std::move(it->second);
            rings_.erase(it);
        }
        for (const auto &[fd, ring] : rings_)
            if (ring->is(epfd))
                return ring;
        return nullptr;
    }

    std::mutex mutex_;
    std::map<int, std::shared_ptr<Ring>> rings_;
};

} // namespace

Backend &ring_backend()
{
    static RingBackend instance;
    return instance;
}

} // namespace myepoll
