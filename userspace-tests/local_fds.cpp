// Pollable files other than TCP sockets (see local_fds.hpp).
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "local_fds.hpp"

namespace myepoll::test
{

namespace
{

[[noreturn]] void throw_errno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

UniqueFd checked(int fd, const char *what)
{
    if (fd < 0)
        throw_errno(what);
    return UniqueFd(fd);
}

// One 8-byte counter read, 0 when the file has nothing (EAGAIN).
uint64_t read_counter(int fd, const char *what)
{
    uint64_t value = 0;
    const ssize_t n = ::read(fd, &value, sizeof(value));
    if (n == sizeof(value))
        return value;
    if (n < 0 && errno == EAGAIN)
        return 0;
    throw_errno(what);
}

} // namespace

Pipe make_pipe(bool nonblocking)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0)) < 0)
        throw_errno("pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd make_eventfd(unsigned initial)
{
    return checked(::eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd");
}

void eventfd_add(int fd, uint64_t value)
{
    if (::write(fd, &value, sizeof(value)) != sizeof(value))
        throw_errno("write(eventfd)");
}

uint64_t eventfd_take(int fd)
{
    return read_counter(fd, "read(eventfd)");
}

std::pair<UniqueFd, UniqueFd> unix_pair()
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        throw_errno("socketpair(AF_UNIX)");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd make_timerfd()
{
    return checked(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), "timerfd_create");
}

void arm_timer(int fd, int64_t delay_ns)
{
    itimerspec spec{};
    spec.it_value.tv_sec = static_cast<time_t>(delay_ns / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(delay_ns % 1'000'000'000);
    if (::timerfd_settime(fd, 0, &spec, nullptr) < 0)
        throw_errno("timerfd_settime");
}

uint64_t timer_expirations(int fd)
{
    return read_counter(fd, "read(timerfd)");
}

UniqueFd make_signalfd(const sigset_t &mask)
{
    return checked(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK), "signalfd");
}

UniqueFd make_pidfd(pid_t pid)
{
    // glibc 2.36 has no pidfd_open() wrapper; a pidfd is close-on-exec.
    return checked(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)), "pidfd_open");
}

} // namespace myepoll::test
