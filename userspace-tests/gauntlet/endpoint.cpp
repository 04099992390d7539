// Endpoint: watchable files and their writers (see endpoint.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "endpoint.hpp"
#include "net.hpp"

namespace gauntlet
{

namespace
{

[[noreturn]] void throw_errno(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

Endpoint socket_pair(EndpointKind kind, int type)
{
    int sv[2];
    if (::socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        throw_errno("socketpair");
    return Endpoint{kind, UniqueFd(sv[0]), UniqueFd(sv[1])};
}

} // namespace

std::string_view kind_name(EndpointKind kind) noexcept
{
    switch (kind) {
    case EndpointKind::UnixStream:
        return "unix-stream";
    case EndpointKind::UnixDgram:
        return "unix-dgram";
    case EndpointKind::Tcp:
        return "tcp";
    case EndpointKind::Pipe:
        return "pipe";
    case EndpointKind::EventFd:
        return "eventfd";
    case EndpointKind::SignalFd:
        return "signalfd";
    }
    return "?";
}

Endpoint make_endpoint(EndpointKind kind)
{
    switch (kind) {
    case EndpointKind::UnixStream:
        return socket_pair(kind, SOCK_STREAM);
    case EndpointKind::UnixDgram:
        return socket_pair(kind, SOCK_DGRAM);
    case EndpointKind::Tcp: {
        auto [client, server] = myepoll::tcp_pair();
        myepoll::set_nonblocking(client.get());
        myepoll::set_nonblocking(server.get());
        return Endpoint{kind, std::move(server), std::move(client)};
    }
    case EndpointKind::Pipe: {
        int p[2];
        if (::pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
            throw_errno("pipe2");
        return Endpoint{kind, UniqueFd(p[0]), UniqueFd(p[1])};
    }
    case EndpointKind::EventFd: {
        UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        if (!fd)
            throw_errno("eventfd");
        return Endpoint{kind, std::move(fd), UniqueFd()};
    }
    case EndpointKind::SignalFd: {
        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGUSR1);
        UniqueFd fd(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
        if (!fd)
            throw_errno("signalfd");
        return Endpoint{kind, std::move(fd), UniqueFd()};
    }
    }
    throw std::system_error(EINVAL, std::generic_category(), "make_endpoint");
}

EndpointKind random_kind(Rng &rng) noexcept
{
    switch (rng.below(9)) {
    case 0:
    case 1:
    case 2:
        return EndpointKind::UnixStream;
    case 3:
        return EndpointKind::UnixDgram;
    case 4:
        return EndpointKind::Tcp;
    case 5:
    case 6:
        return EndpointKind::Pipe;
    default:
        return EndpointKind::EventFd;
    }
}

bool Endpoint::poke() const noexcept
{
    if (kind == EndpointKind::SignalFd)
        return ::kill(::getpid(), SIGUSR1) == 0;
    if (kind == EndpointKind::EventFd) {
        const uint64_t one = 1;
        return ::write(watched.get(), &one, sizeof(one)) == sizeof(one);
    }
    if (!peer)
        return false;
    const char byte = 'x';
    return ::write(peer.get(), &byte, 1) == 1;
}

void Endpoint::drain() const noexcept
{
    char buf[4096];
    for (int i = 0; i < 64; ++i)
        if (::read(watched.get(), buf, sizeof(buf)) <= 0)
            return;
}

bool Endpoint::close_peer() noexcept
{
    if (!peer)
        return false;
    peer.reset();
    return true;
}

} // namespace gauntlet
