// Watchdog: guards a blocking wait that a broken backend might never end.
// After `after`, it interrupts the owning thread with SIGUSR2 every 100 ms
// until destroyed; main() installs a no-op SIGUSR2 handler without
// SA_RESTART, so the wait returns EINTR and the test fails instead of
// hanging the whole suite.
#pragma once

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace myepoll::test
{

class Watchdog
{
  public:
    explicit Watchdog(std::chrono::milliseconds after);
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;
    ~Watchdog() = default; // jthread: requests stop and joins

    [[nodiscard]] bool fired() const noexcept { return fired_.load(); }

  private:
    pthread_t target_;
    std::atomic<bool> fired_{false};
    std::jthread thread_;
};

void install_watchdog_handler(); // once, from main()

} // namespace myepoll::test
