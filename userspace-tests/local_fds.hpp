// Pollable files other than TCP sockets, for the scenarios that need them:
// pipes, eventfd, AF_UNIX socket pairs, timerfd, signalfd and pidfd.  Every
// function throws std::system_error on failure; all descriptors are
// close-on-exec.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <utility>

#include "unique_fd.hpp"

namespace myepoll::test
{

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe make_pipe(bool nonblocking = true);

UniqueFd make_eventfd(unsigned initial = 0); // non-blocking
void eventfd_add(int fd, uint64_t value);    // write(2) of the 8-byte value
uint64_t eventfd_take(int fd);               // read(2): the counter, 0 when it was 0

std::pair<UniqueFd, UniqueFd> unix_pair(); // SOCK_STREAM socketpair, blocking

UniqueFd make_timerfd();                  // CLOCK_MONOTONIC, non-blocking
void arm_timer(int fd, int64_t delay_ns); // one expiry after delay_ns
uint64_t timer_expirations(int fd);       // read(2): expirations, 0 if none

UniqueFd make_signalfd(const sigset_t &mask); // non-blocking

UniqueFd make_pidfd(pid_t pid); // pidfd_open(2): readable once the process has exited

} // namespace myepoll::test
