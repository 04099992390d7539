#include "ring_backend.hpp"

#include <unistd.h>

#include <cerrno>

namespace myepoll::bench
{

RingBackend::RingBackend(unsigned entries)
    : myepoll_(backend(BackendKind::MyEpoll)), entries_(entries)
{
}

int RingBackend::create(int flags)
{
    const int fd = myepoll_.create(flags);
    if (fd < 0)
        return fd;
    rings_.erase(fd); // a closed instance's ring on this number
    std::unique_ptr<myepoll_ring, Destroy> ring(myepoll_ring_create(fd, entries_));
    if (!ring) {
        const int err = errno;
        ::close(fd);
        return -err;
    }
    rings_.emplace(fd, std::move(ring));
    return fd;
}

int RingBackend::ctl(int epfd, int op, int fd, const void *event)
{
    return myepoll_.ctl(epfd, op, fd, event);
}

int RingBackend::wait(int epfd, void *events, int maxevents, int64_t timeout_ns,
                      const sigset_t *sigmask, size_t sigsetsize)
{
    const auto it = rings_.find(epfd);
    if (it == rings_.end())
        return -EINVAL;
    const int n = myepoll_ring_wait(
        it->second.get(), static_cast<myepoll_event *>(events), maxevents,
        timeout_ns < 0 ? MYEPOLL_TIMEOUT_INFINITE : timeout_ns, sigmask, sigsetsize);
    return n < 0 ? -errno : n;
}

} // namespace myepoll::bench
