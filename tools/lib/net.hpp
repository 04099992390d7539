// Loopback TCP helpers shared by the tests, the demo and the benchmarks.
// Every function throws std::system_error on failure.
#pragma once

#include <cstdint>
#include <utility>

#include "unique_fd.hpp"

namespace myepoll
{

// 127.0.0.1 in host byte order; any 127.x.y.z works on lo (the benchmarks
// spread many connections over several addresses).
constexpr uint32_t kLoopback = 0x7f000001;

struct Listener {
    UniqueFd fd;
    uint16_t port; // host byte order, on `address`
    uint32_t address = kLoopback;
};

// A TCP listener on a loopback address, on an ephemeral port unless one is
// given.
Listener listen_loopback(int backlog = 1024, bool nonblocking = false, uint16_t port = 0,
                         uint32_t address = kLoopback);

// A client socket connected to address:port (connect may still be in
// progress when nonblocking is set).
UniqueFd connect_loopback(uint16_t port, bool nonblocking = false, uint32_t address = kLoopback);

// Sets TCP_NODELAY: every write leaves at once.
void set_nodelay(int fd);

// The next connection queued on a listener (blocks unless the listener is
// non-blocking).  The accepted socket is non-blocking when asked.
UniqueFd accept_connection(int listen_fd, bool nonblocking = false);

// One established connection over loopback: {client, server side}, both
// blocking, with TCP_NODELAY so that every write leaves at once.
std::pair<UniqueFd, UniqueFd> tcp_pair();
// The same through an existing listener: every server side then has the
// listener's port as its local port (the tracer filters on it).
std::pair<UniqueFd, UniqueFd> tcp_pair(const Listener &listener);

void set_nonblocking(int fd, bool on = true);

// Shrinks SO_SNDBUF / SO_RCVBUF (to fill send buffers quickly in tests).
void set_buffer_sizes(int fd, int sndbuf, int rcvbuf);

} // namespace myepoll
