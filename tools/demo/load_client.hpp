// LoadClient: the load generator.  Opens `connections` connections to the
// server (at most connect_batch connects in progress at once) and holds
// them all open; once every connect finished, each connection sends
// `requests` requests of `size` bytes, one at a time, waits for the whole
// echo and verifies it.  It multiplexes with native epoll (<sys/epoll.h>)
// on its own thread, independent of the backend under test.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace myepoll::demo
{

struct LoadConfig {
    std::uint16_t port = 0; // server on 127.0.0.1
    int connections = 0;
    int requests = 0;
    std::size_t size = 0;
    int connect_batch = 1;
    std::chrono::steady_clock::time_point deadline;
    // Polled about once a second at least: true gives up early (the server
    // is gone, waiting for the deadline would only take time).
    std::function<bool()> give_up = [] { return false; };
};

// Connections that failed, by first failure.
struct LoadErrors {
    std::uint64_t connect = 0;     // socket/connect failed or was refused
    std::uint64_t bad_data = 0;    // echo differs from the request
    std::uint64_t early_close = 0; // EOF or reset before the last echo
    std::uint64_t io = 0;          // other read/write/epoll_ctl failure
    std::uint64_t timeout = 0;     // unfinished at the deadline
    std::uint64_t abandoned = 0;   // unfinished when give_up() said so

    [[nodiscard]] std::uint64_t total() const noexcept
    {
        return connect + bad_data + early_close + io + timeout + abandoned;
    }
};

struct LoadResult {
    std::uint64_t established = 0;        // connections open at once before the echo phase
    std::uint64_t completed_requests = 0; // fully echoed and verified
    LoadErrors errors;
    double connect_seconds = 0;
    double echo_seconds = 0;
    std::string first_error; // describes the first failure, if any
};

// Runs the load; throws std::system_error only if the client's own epoll
// instance cannot be created.
LoadResult run_load(const LoadConfig &config);

} // namespace myepoll::demo
