// Passing a descriptor between processes over an AF_UNIX socket
// (SCM_RIGHTS): a file created by a child can outlive it in the parent.
// Both throw std::system_error on failure.
#pragma once

#include "unique_fd.hpp"

namespace myepoll::test
{

void send_fd(int socket, int fd);
UniqueFd receive_fd(int socket); // blocks until a descriptor arrives

} // namespace myepoll::test
