// Watchdog (see watchdog.hpp).
#include <signal.h>

#include <condition_variable>
#include <mutex>

#include "watchdog.hpp"

namespace myepoll::test
{

namespace
{

void ignore_signal(int) {}

// Sleeps for d unless stop is requested first; true when stop was requested.
bool sleep_or_stop(std::stop_token stop, std::chrono::milliseconds d)
{
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_for(lock, stop, d, [] { return false; });
    return stop.stop_requested();
}

} // namespace

void install_watchdog_handler()
{
    struct sigaction sa {
    };
    sa.sa_handler = ignore_signal;
    sa.sa_flags = 0; // no SA_RESTART: the interrupted wait must return
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGUSR2, &sa, nullptr);
}

Watchdog::Watchdog(std::chrono::milliseconds after)
    : target_(::pthread_self()), thread_([this, after](std::stop_token stop) {
          if (sleep_or_stop(stop, after))
              return;
          fired_.store(true);
          do
              ::pthread_kill(target_, SIGUSR2);
          while (!sleep_or_stop(stop, std::chrono::milliseconds(100)));
      })
{
}

} // namespace myepoll::test
