#include "timed_backend.hpp"

#include <sys/resource.h>

#include "clock.hpp"

namespace myepoll::bench
{

namespace
{

long switches() noexcept
{
    rusage u{};
    ::getrusage(RUSAGE_THREAD, &u);
    return u.ru_nvcsw + u.ru_nivcsw;
}

// Runs call(), adding its time to t unless the thread was switched out.
template <typename F> int timed(CallTimes &t, F call)
{
    const long before = switches();
    const int64_t t0 = now_ns();
    const int rc = call();
    const int64_t t1 = now_ns();
    ++t.calls;
    if (switches() != before)
        ++t.switched;
    else
        t.ns += static_cast<double>(t1 - t0);
    return rc;
}

} // namespace

int TimedBackend::ctl(int epfd, int op, int fd, const void *event)
{
    return timed(ctl_, [&] { return inner_.ctl(epfd, op, fd, event); });
}

int TimedBackend::wait(int epfd, void *events, int maxevents, int64_t timeout_ns,
                       const sigset_t *sigmask, size_t sigsetsize)
{
    const int n = timed(wait_, [&] {
        return inner_.wait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
    });
    if (n > 0)
        wait_.events += static_cast<uint64_t>(n);
    return n;
}

} // namespace myepoll::bench
