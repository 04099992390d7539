// Workloads the tracer drives itself on one backend: a waiter thread (the
// traced one) serves TCP connections through an Instance, the calling
// thread is the client and waits for a one-byte ack per message, so every
// run has a known number of messages.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "backend.hpp"

namespace myepoll::trace
{

enum class WorkloadKind {
    PingPong, // one connection, one message, wait for its ack, repeat
    Fanout,   // N connections, K of them get a message per round
    Burst,    // one connection, B messages back to back, then B acks
};

struct WorkloadSpec {
    WorkloadKind kind = WorkloadKind::PingPong;
    bool edge = false;        // EPOLLET; the server then drains each socket
    int rounds = 1000;        // rounds of the workload
    int connections = 64;     // fanout: N
    int active = 8;           // fanout: K
    int burst = 16;           // burst: B
    std::size_t size = 1;     // bytes per message
    int stall_timeout_s = 10; // a wait or an ack read that takes longer fails

    [[nodiscard]] std::string label() const; // e.g. "pingpong-et"
    [[nodiscard]] std::uint64_t messages() const;
};

// Called on the client thread once the waiter thread exists and before it
// registers its sockets: start counting for it.
using ArmFn = std::function<void(pid_t waiter_tid, std::uint16_t port)>;

// Runs the workload to the end; throws std::runtime_error (or
// std::system_error) with the reason when it fails or stalls.
void run_workload(Backend &backend, const WorkloadSpec &spec, const ArmFn &arm);

} // namespace myepoll::trace
