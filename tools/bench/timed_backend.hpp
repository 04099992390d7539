// TimedBackend: a Backend that passes every call to another one and counts
// the guest time spent inside ctl and wait (icount: instructions), for the
// reactor section's epoll share of a request.  A call during which the
// thread was switched out (getrusage(RUSAGE_THREAD): a voluntary switch
// means the wait slept, an involuntary one a preemption) is not timed, only
// counted: its time includes other threads' work.  The getrusage() calls lie
// outside the timed window.
#pragma once

#include <cstdint>

#include "backend.hpp"

namespace myepoll::bench
{

struct CallTimes {
    uint64_t calls = 0;
    uint64_t switched = 0; // calls not timed: the thread was switched out
    double ns = 0;         // in the timed calls
    uint64_t events = 0;   // waits: events returned by all calls
};

class TimedBackend final : public Backend
{
  public:
    explicit TimedBackend(Backend &inner) : inner_(inner) {}

    [[nodiscard]] BackendKind kind() const noexcept override { return inner_.kind(); }
    [[nodiscard]] std::string_view name() const noexcept override { return inner_.name(); }
    int create(int flags) override { return inner_.create(flags); }
    int ctl(int epfd, int op, int fd, const void *event) override;
    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override;

    [[nodiscard]] const CallTimes &ctl_times() const noexcept { return ctl_; }
    [[nodiscard]] const CallTimes &wait_times() const noexcept { return wait_; }

  private:
    Backend &inner_;
    CallTimes ctl_, wait_;
};

} // namespace myepoll::bench
