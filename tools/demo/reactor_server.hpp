// ReactorServer: a single-threaded echo server in the pattern of the Redis
// event loop (ae): non-blocking sockets, one readiness call per loop turn
// through a Backend, level-triggered.  The listener is registered for
// EPOLLIN and accepted until EAGAIN; a connection is registered for EPOLLIN,
// plus EPOLLOUT only while it has output pending (EPOLL_CTL_MOD), and is
// deleted and closed on EOF or error.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "backend.hpp"
#include "unique_fd.hpp"

namespace myepoll::demo
{

struct ServerStats {
    std::uint64_t accepted = 0;
    std::uint64_t closed = 0;
    std::uint64_t peak_open = 0;    // most connections open at once
    std::uint64_t open_at_stop = 0; // still open when the loop stopped
    std::uint64_t loop_turns = 0;   // readiness calls
    std::uint64_t events = 0;       // events those calls returned
    std::uint64_t bytes_echoed = 0;
    std::uint64_t errors = 0; // failed backend calls, accept errors
    std::string first_error;  // describes the first of them
};

class ReactorServer
{
  public:
    // Creates an instance of the backend and registers listener (a
    // non-blocking listening socket) and a wake-up eventfd.  Throws
    // std::system_error when that fails.
    ReactorServer(Backend &backend, UniqueFd listener, int max_events);
    ReactorServer(const ReactorServer &) = delete;
    ReactorServer &operator=(const ReactorServer &) = delete;

    // The event loop; returns once request_stop() was called (or after a
    // fatal backend error).  Call from one thread only.
    void run() noexcept;

    // Any thread: makes run() return after its current turn.
    void request_stop() noexcept;

    // Any thread: connections accepted and not yet closed.
    [[nodiscard]] std::uint64_t open_connections() const noexcept
    {
        return open_.load(std::memory_order_relaxed);
    }

    // Any thread: whether run() returned (after a stop or a fatal error).
    [[nodiscard]] bool finished() const noexcept { return finished_.load(); }

    // After run() returned.
    [[nodiscard]] const ServerStats &stats() const noexcept { return stats_; }

  private:
    struct Connection {
        UniqueFd fd;
        std::vector<char> out; // pending output
        std::size_t out_sent = 0;
        std::uint32_t interest = 0; // events registered with the instance
    };

    void turn();
    void accept_all();
    void on_event(int fd, std::uint32_t events);
    // Each returns false when it dropped the connection.
    bool read_some(Connection &conn);
    bool flush(Connection &conn);
    bool update_interest(Connection &conn);
    // Deletes conn from the instance and closes it.
    void close_connection(Connection &conn);
    // close_connection(), then forgets conn.
    void drop(Connection &conn);
    void record_error(const char *what, int err);

    Instance instance_;
    UniqueFd listener_;
    UniqueFd wake_;
    std::vector<Event> events_;
    std::vector<char> read_buffer_;
    std::unordered_map<int, Connection> connections_; // by fd, like ae's fd-indexed table
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> open_{0};
    std::atomic<bool> finished_{false};
    bool fatal_ = false;
    ServerStats stats_;
};

} // namespace myepoll::demo
