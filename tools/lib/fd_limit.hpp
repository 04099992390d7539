// File descriptor limit: the demo and the benchmarks hold two descriptors per
// connection.
#pragma once

#include <cstdint>

namespace myepoll
{

// Raises the RLIMIT_NOFILE soft limit to the hard limit (best effort) and
// returns the soft limit now in force.
std::uint64_t raise_fd_limit() noexcept;

} // namespace myepoll
