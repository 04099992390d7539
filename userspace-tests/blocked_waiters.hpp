// BlockedWaiters: several threads, each blocked in one wait, to see which
// of them an event wakes (several waiters on one instance, EPOLLEXCLUSIVE
// across instances).  Thread i waits once on instances[i] (the same
// instance may be listed several times) with a finite timeout, so a thread
// that is never woken ends with 0 instead of hanging.  Scenarios end the
// waits that an event did not end with a "release" registration (an
// eventfd every instance watches, written once the outcome is settled), so
// that the timeout is only a safety net; its events are not counted.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "backend.hpp"
#include "run.hpp"

namespace myepoll::test
{

class BlockedWaiters
{
  public:
    BlockedWaiters(const Run &run, const std::vector<Instance *> &instances, int maxevents,
                   int64_t timeout_ns);
    BlockedWaiters(const BlockedWaiters &) = delete;
    BlockedWaiters &operator=(const BlockedWaiters &) = delete;
    ~BlockedWaiters() = default; // jthreads join

    // True once every thread sleeps inside its wait system call (ioctl or
    // epoll_pwait2, seen in /proc/self/task/<tid>/{stat,syscall}); false if
    // that did not happen within the deadline.
    bool wait_until_blocked(std::chrono::milliseconds deadline = std::chrono::seconds(5)) const;

    // Threads whose wait has returned so far.
    [[nodiscard]] size_t finished() const noexcept { return finished_.load(); }

    // Joins every thread; the results in thread order.
    std::vector<WaitResult> join();

  private:
    struct Slot {
        std::atomic<pid_t> tid{0};
        WaitResult result{};
    };

    std::vector<std::unique_ptr<Slot>> slots_;
    std::atomic<size_t> finished_{0};
    std::vector<std::jthread> threads_;
};

// Data of the release registration, which the counts below ignore.
constexpr uint64_t kReleaseData = 0x7e1ea5e;

// How many of the results report at least one event other than the
// release, and how many such events they report together.
size_t woken_count(const std::vector<WaitResult> &results);
size_t event_count(const std::vector<WaitResult> &results);

} // namespace myepoll::test
