// Byte-level socket helpers (see socket_io.hpp).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>
#include <vector>

#include "socket_io.hpp"

namespace myepoll::test
{

namespace
{

[[noreturn]] void throw_errno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

} // namespace

void send_text(int fd, std::string_view text, int flags)
{
    while (!text.empty()) {
        const ssize_t n = ::send(fd, text.data(), text.size(), flags | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw_errno("send");
        text.remove_prefix(static_cast<size_t>(n));
    }
}

size_t read_some(int fd, size_t max)
{
    std::vector<char> buffer(max);
    ssize_t n;
    do
        n = ::recv(fd, buffer.data(), buffer.size(), 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        throw_errno("recv");
    return static_cast<size_t>(n);
}

size_t drain(int fd)
{
    std::vector<char> buffer(64 * 1024);
    size_t total = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n > 0) {
            total += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
            return total;
        throw_errno("recv");
    }
}

size_t fill_send_buffer(int fd)
{
    const std::vector<char> chunk(16 * 1024, 'f');
    size_t total = 0;
    // Write until EAGAIN; then, after a pause that lets in-flight segments
    // be acknowledged, until a write fails at once: the queue is then full
    // and stays so while the peer does not read.
    for (int quiet_rounds = 0; quiet_rounds < 2;) {
        bool wrote = false;
        for (;;) {
            const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n > 0) {
                total += static_cast<size_t>(n);
                wrote = true;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            throw_errno("send");
        }
        quiet_rounds = wrote ? 0 : quiet_rounds + 1;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return total;
}

bool wait_readable(int fd, std::chrono::milliseconds deadline)
{
    pollfd p{fd, POLLIN, 0};
    int rc;
    do
        rc = ::poll(&p, 1, static_cast<int>(deadline.count()));
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        throw_errno("poll");
    return rc == 1;
}

bool wait_poll_bits(int fd, short bits, std::chrono::milliseconds deadline)
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        pollfd p{fd, bits, 0};
        if (::poll(&p, 1, 0) < 0 && errno != EINTR)
            throw_errno("poll");
        if ((p.revents & bits) == bits)
            return true;
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void close_with_reset(UniqueFd fd)
{
    const linger lg{1, 0};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
        throw_errno("setsockopt(SO_LINGER)");
}

int socket_error(int fd)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        throw_errno("getsockopt(SO_ERROR)");
    return err;
}

unsigned accept_backlog(int listen_fd)
{
    tcp_info info{};
    socklen_t len = sizeof(info);
    if (::getsockopt(listen_fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
        throw_errno("getsockopt(TCP_INFO)");
    return info.tcpi_unacked; // for a listener: the accept queue's length
}

bool wait_accept_backlog(int listen_fd, unsigned count, std::chrono::milliseconds deadline)
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (accept_backlog(listen_fd) < count) {
        if (std::chrono::steady_clock::now() > end)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

} // namespace myepoll::test
