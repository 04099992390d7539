// Loopback TCP helpers (see net.hpp).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "net.hpp"

namespace myepoll
{

namespace
{

[[noreturn]] void throw_errno(const std::string &what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

sockaddr_in loopback_address(uint16_t port, uint32_t address)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(address);
    return addr;
}

std::string describe(uint32_t address, uint16_t port)
{
    return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
           std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff) + ":" +
           std::to_string(port);
}

UniqueFd tcp_socket(bool nonblocking)
{
    UniqueFd fd(
        ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0));
    if (!fd)
        throw_errno("socket");
    return fd;
}

void set_int_option(int fd, int level, int name, int value, const char *what)
{
    if (::setsockopt(fd, level, name, &value, sizeof(value)) < 0)
        throw_errno(what);
}

} // namespace

Listener listen_loopback(int backlog, bool nonblocking, uint16_t port, uint32_t address)
{
    UniqueFd fd = tcp_socket(nonblocking);
    set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
    sockaddr_in addr = loopback_address(port, address);
    if (::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0)
        throw_errno("bind(" + describe(address, port) + ")");
    if (::listen(fd.get(), backlog) < 0)
        throw_errno("listen");
    socklen_t len = sizeof(addr);
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&addr), &len) < 0)
        throw_errno("getsockname");
    return Listener{std::move(fd), ntohs(addr.sin_port), address};
}

UniqueFd connect_loopback(uint16_t port, bool nonblocking, uint32_t address)
{
    UniqueFd fd = tcp_socket(nonblocking);
    sockaddr_in addr = loopback_address(port, address);
    if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 &&
        !(nonblocking && errno == EINPROGRESS))
        throw_errno("connect(" + describe(address, port) + ")");
    return fd;
}

UniqueFd accept_connection(int listen_fd, bool nonblocking)
{
    const int flags = SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
    int fd;
    do
        fd = ::accept4(listen_fd, nullptr, nullptr, flags);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        throw_errno("accept4");
    return UniqueFd(fd);
}

std::pair<UniqueFd, UniqueFd> tcp_pair()
{
    const Listener listener = listen_loopback(1);
    return tcp_pair(listener);
}

std::pair<UniqueFd, UniqueFd> tcp_pair(const Listener &listener)
{
    UniqueFd client = connect_loopback(listener.port);
    UniqueFd server = accept_connection(listener.fd.get());
    set_nodelay(client.get());
    set_nodelay(server.get());
    return {std::move(client), std::move(server)};
}

void set_nodelay(int fd)
{
    set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)");
}

void set_nonblocking(int fd, bool on)
{
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0)
        throw_errno("fcntl(F_GETFL)");
    const int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (wanted != flags && ::fcntl(fd, F_SETFL, wanted) < 0)
        throw_errno("fcntl(F_SETFL)");
}

void set_buffer_sizes(int fd, int sndbuf, int rcvbuf)
{
    set_int_option(fd, SOL_SOCKET, SO_SNDBUF, sndbuf, "setsockopt(SO_SNDBUF)");
    set_int_option(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "setsockopt(SO_RCVBUF)");
}

} // namespace myepoll
