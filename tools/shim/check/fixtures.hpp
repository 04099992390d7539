// What the cases build on: instances made through the shim and natively,
// eventfds, and what /proc says an fd is.
#pragma once

#include <string>

#include "check.hpp"
#include "unique_fd.hpp"

namespace myepoll::shim_check
{

// /proc/self/fd/FD's link ("?" if there is none).
std::string fd_link(int fd);
bool is_myepoll(int fd);
bool is_native_epoll(int fd);

// epoll_create1(flags) through the shim, expected to be a myepoll instance.
UniqueFd shim_instance(Check &c, int flags = 0);
// glibc's epoll_create1(0), expected to be native epoll.
UniqueFd native_instance(Check &c);

// A non-blocking eventfd, readable if `ready`.
UniqueFd eventfd_ready(bool ready);
// Adds 1 to the eventfd's counter (makes it readable).
void signal_eventfd(int fd);

} // namespace myepoll::shim_check
