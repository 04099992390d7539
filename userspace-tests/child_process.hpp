// ChildProcess: a forked child that runs one function and reports numbers
// back to the parent (the fork scenarios: a child shares the parent's
// instances and files).  The child runs only the function, then _exit()s
// with its return value; it must not use gtest (report instead).  The
// parent reaps it: wait(), or on destruction after SIGKILL.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "unique_fd.hpp"

namespace myepoll::test
{

// The child's end of the report channel.
class ChildReport
{
  public:
    explicit ChildReport(int fd) : fd_(fd) {}
    void put(long value) const; // one value, in order

  private:
    int fd_;
};

class ChildProcess
{
  public:
    using Body = std::function<int(ChildReport &)>;

    explicit ChildProcess(Body body); // forks; throws std::system_error
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;
    ~ChildProcess();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    // Reaps the child: its exit status, or 128 + signal number.
    int wait();

    // Every value the child put(), once it has exited (call after wait()).
    std::vector<long> reports();

    // The next value the child put(), while it runs: nothing if it put none
    // within `deadline` (or exited without one).  A watchdog for a child
    // that may be stuck in the kernel, where no signal reaches it.
    std::optional<long> next_report(std::chrono::milliseconds deadline);

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    UniqueFd reports_; // read end
};

} // namespace myepoll::test
