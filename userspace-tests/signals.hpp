// Signal helpers for the EINTR and sigmask scenarios.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <cstdint>

namespace myepoll::test
{

// Installs a counting handler for one signal for the scope; restores the
// previous action on destruction.
class SignalCatcher
{
  public:
    SignalCatcher(int signo, bool restart);
    SignalCatcher(const SignalCatcher &) = delete;
    SignalCatcher &operator=(const SignalCatcher &) = delete;
    ~SignalCatcher();

    [[nodiscard]] int count() const noexcept;                // deliveries since construction
    [[nodiscard]] int64_t last_delivery_ns() const noexcept; // CLOCK_MONOTONIC, 0 if none

  private:
    int signo_;
    struct sigaction old_ {
    };
};

// Blocks (or unblocks) signals in the calling thread for the scope.
class ThreadSignalMask
{
  public:
    ThreadSignalMask(int how, const sigset_t &set);
    ThreadSignalMask(const ThreadSignalMask &) = delete;
    ThreadSignalMask &operator=(const ThreadSignalMask &) = delete;
    ~ThreadSignalMask();

  private:
    sigset_t old_;
};

sigset_t signal_set(int signo); // {signo}
sigset_t empty_signal_set();    // {}
bool is_blocked_in_this_thread(int signo);
bool is_pending_for_this_thread(int signo);
void discard_pending(int signo); // consumes a blocked pending signo, if any

int64_t monotonic_ns();

} // namespace myepoll::test
