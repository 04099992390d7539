// Later: runs an action on another thread after a delay (a write, a
// connect, a close that must land while the scenario's thread is blocked in
// a wait).  Joins on destruction.
#pragma once

#include <chrono>
#include <thread>
#include <utility>

namespace myepoll::test
{

class Later
{
  public:
    template <typename F>
    Later(std::chrono::milliseconds delay, F action)
        : thread_([delay, action = std::move(action)]() mutable {
              std::this_thread::sleep_for(delay);
              action();
          })
    {
    }

  private:
    std::jthread thread_;
};

} // namespace myepoll::test
