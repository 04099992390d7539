// Run: one scenario's view of one backend.  Every call through it is
// recorded into the trace that the Differential tests compare.
#pragma once

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "backend.hpp"
#include "trace.hpp"

namespace myepoll::test
{

constexpr int64_t ms(int64_t n)
{
    return n * 1'000'000;
} // milliseconds as timeout_ns

// How long a scenario waits for an event it expects (loopback delivery is
// usually synchronous, but a slow emulated VM must not make tests flaky).
constexpr std::chrono::milliseconds kEventDeadline{1000};

enum class Order {
    Sorted,     // compare the reported events as a set (sorted by data)
    AsReturned, // the order itself is part of the contract
};

struct WaitResult {
    int rc;        // count or -errno
    Events events; // the rc reported events (empty on error)
};

class Run
{
  public:
    explicit Run(Backend &backend) : backend_(&backend) {}

    [[nodiscard]] Backend &backend() const noexcept { return *backend_; }
    [[nodiscard]] const Trace &trace() const noexcept { return trace_; }

    // A new instance (throws std::system_error when create fails).
    [[nodiscard]] Instance instance(int flags = 0) const { return Instance(*backend_, flags); }

    // Records a result (a return value, -errno or any observed value).
    long note(std::string what, long result);

    // One wait with a buffer of maxevents entries, recorded.
    WaitResult wait(Instance &instance, std::string what, int maxevents, int64_t timeout_ns,
                    Order order = Order::Sorted, const sigset_t *sigmask = nullptr);

    // One wait that is not recorded (for loops whose length is not part of
    // the contract); record() the result that matters.
    WaitResult probe(Instance &instance, int maxevents, int64_t timeout_ns,
                     Order order = Order::Sorted, const sigset_t *sigmask = nullptr) const;
    void record(std::string what, const WaitResult &result);

    // Waits until the reported set equals `expected` or the deadline passes,
    // re-polling; records only the last result.
    WaitResult wait_for(Instance &instance, std::string what, const Events &expected,
                        std::chrono::milliseconds deadline = kEventDeadline);

  private:
    Backend *backend_;
    Trace trace_;
};

} // namespace myepoll::test
