// Waiter: the traced thread of a workload.  It serves the server sides of
// the connections through one Instance of the backend: LT reads one message
// per event, ET drains the socket; every complete message gets a one-byte
// ack.  It ends after WorkloadSpec::messages() messages, at EOF, or on an
// error, which join() rethrows.
#pragma once

#include <sys/types.h>

#include <exception>
#include <future>
#include <thread>
#include <vector>

#include "backend.hpp"
#include "workload.hpp"

namespace myepoll::trace
{

class Waiter
{
  public:
    // Starts the thread; it waits for start() before registering anything.
    Waiter(Backend &backend, const WorkloadSpec &spec, const std::vector<UniqueFd> &fds);
    ~Waiter();
    Waiter(const Waiter &) = delete;
    Waiter &operator=(const Waiter &) = delete;

    [[nodiscard]] pid_t tid() const noexcept { return tid_; }
    // Lets it register its sockets; returns once they are registered
    // (throws if that failed).
    void start();
    // Waits for the end; rethrows the waiter's error if it had one.
    void join();

  private:
    void release(); // lets the thread go on, if start() did not
    void run();
    void serve();

    Backend &backend_;
    const WorkloadSpec &spec_;
    std::vector<int> fds_;
    std::promise<pid_t> tid_promise_;
    std::promise<void> go_;
    std::promise<void> registered_;
    std::exception_ptr error_;
    std::thread thread_;
    pid_t tid_ = 0;
};

} // namespace myepoll::trace
