// recv_some: the one receive step both sides of a workload use.
#pragma once

#include <cstddef>

namespace myepoll::trace
{

// recv() retried on EINTR.  Returns the bytes read (> 0), 0 when nothing is
// there (EAGAIN: a drained non-blocking socket, or SO_RCVTIMEO expired);
// throws std::runtime_error "<who>: the peer closed the connection" at EOF
// and std::system_error on any other error.
std::size_t recv_some(int fd, void *buf, std::size_t len, const char *who);

} // namespace myepoll::trace
