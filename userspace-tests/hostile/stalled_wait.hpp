// StalledWait: a WAIT whose copy-out of events stalls, deterministically.
//
// The events buffer is one page registered with userfaultfd for missing
// pages and never touched: the kernel's first write of an event to it
// faults, and the faulting thread sleeps in handle_userfault() until the
// page is supplied (resolve()).  Both backends hold the instance's mutex
// across that copy-out, so while the wait is stalled the instance is
// held, which is what the hostile cases build on.
//
// The wait runs on a thread of its own with a zero timeout (the instance
// has ready items, so it goes straight to the transfer).  Kernel-mode
// faults are handled only by a userfaultfd without UFFD_USER_MODE_ONLY:
// root (vm.unprivileged_userfaultfd=0 allows no one else).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "backend.hpp"
#include "run.hpp"
#include "unique_fd.hpp"

namespace myepoll::hostile
{

class StalledWait
{
  public:
    // Starts the wait of up to maxevents events into the page; throws
    // std::system_error if userfaultfd or the page cannot be set up.
    StalledWait(Instance &instance, int maxevents);
    StalledWait(const StalledWait &) = delete;
    StalledWait &operator=(const StalledWait &) = delete;
    ~StalledWait(); // resolve(), then joins the thread

    // True once the copy-out has faulted on the page (the wait is stalled);
    // false if no fault came within the deadline.
    bool wait_stalled(std::chrono::milliseconds deadline = std::chrono::seconds(5));
    [[nodiscard]] bool returned() const noexcept { return returned_.load(); }
    // Supplies the page (a zeroed one): the copy-out goes on.  Idempotent.
    void resolve();
    // resolve(), then the wait's result and the events it wrote.
    test::WaitResult result();

  private:
    UniqueFd uffd_;
    void *page_ = nullptr;
    size_t page_size_;
    bool resolved_ = false;
    std::atomic<bool> returned_{false};
    int rc_ = 0;
    int maxevents_;
    std::jthread thread_;
};

// Closer: closes one descriptor on a thread of its own, for a close that
// may block in the kernel (the last close of a file that a stalled
// instance watches).  Joins on destruction, i.e. once the close returned.
class Closer
{
  public:
    explicit Closer(UniqueFd fd);
    Closer(const Closer &) = delete;
    Closer &operator=(const Closer &) = delete;
    ~Closer() = default; // jthread joins

    [[nodiscard]] bool done() const noexcept { return done_.load(); }
    // True once the close is blocked in the file's release (see
    // blocked_in_fput()) or has returned; false if neither within the
    // deadline.
    bool blocked_or_done(std::chrono::milliseconds deadline = std::chrono::seconds(5)) const;

  private:
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> done_{false};
    std::jthread thread_;
};

// The thread sleeps uninterruptibly ('D') inside the release of a file
// (__fput on its kernel stack, when /proc/<tid>/stack is readable): its
// close got as far as the release path and is blocked there.
bool blocked_in_fput(pid_t tid);

// Polls `done` (every millisecond) until it holds or the deadline passes.
template <typename Predicate>
bool wait_until(Predicate done, std::chrono::milliseconds deadline = std::chrono::seconds(5))
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

} // namespace myepoll::hostile
