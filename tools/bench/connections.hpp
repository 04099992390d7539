// Connections: n established TCP connections over loopback, spread over
// several listeners on 127.0.0.x so that more than one ephemeral port range
// is available (100,000 connections do not fit in one).
#pragma once

#include <cstddef>
#include <vector>

#include "unique_fd.hpp"

namespace myepoll::bench
{

class Connections
{
  public:
    // Connects n pairs; clients have TCP_NODELAY, servers are non-blocking.
    // Throws std::system_error on failure.
    explicit Connections(std::size_t n);

    [[nodiscard]] std::size_t size() const noexcept { return servers_.size(); }
    [[nodiscard]] int client(std::size_t i) const noexcept { return clients_[i].get(); }
    [[nodiscard]] int server(std::size_t i) const noexcept { return servers_[i].get(); }

  private:
    std::vector<UniqueFd> clients_, servers_;
};

} // namespace myepoll::bench
