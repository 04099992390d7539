// Byte-level socket helpers for the scenarios.  Each throws
// std::system_error on an unexpected failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "unique_fd.hpp"

namespace myepoll::test
{

void send_text(int fd, std::string_view text, int flags = 0); // the whole text
size_t read_some(int fd, size_t max);                         // up to max bytes, may block
size_t drain(int fd);            // reads what is queued without blocking
size_t fill_send_buffer(int fd); // writes without blocking until the queue stays full
bool wait_readable(int fd, std::chrono::milliseconds deadline); // poll() for POLLIN
// poll() until every bit of `bits` is reported (POLLHUP, POLLERR, ...).
bool wait_poll_bits(int fd, short bits, std::chrono::milliseconds deadline);
void close_with_reset(UniqueFd fd); // SO_LINGER {1, 0} then close: the peer gets a RST
int socket_error(int fd);           // SO_ERROR
// Connections waiting in a listener's accept queue (TCP_INFO's tcpi_unacked).
unsigned accept_backlog(int listen_fd);
// Polls accept_backlog() until it reaches `count`; false at the deadline.
bool wait_accept_backlog(int listen_fd, unsigned count, std::chrono::milliseconds deadline);

} // namespace myepoll::test
