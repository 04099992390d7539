// Endpoint: one watchable file and the means to make it ready.
//
//   watched  the fd that gets registered (a socket, a pipe's read end, an
//            eventfd, a signalfd)
//   peer     what writes to it (the other socket, the pipe's write end);
//            empty for an eventfd (written through watched itself) and a
//            signalfd (for SIGUSR1, made ready by sending SIGUSR1 to the
//            process: only for programs that block SIGUSR1 in every thread)
//
// Every fd is non-blocking and close-on-exec.  The calls report failure by
// return value and never throw once the endpoint exists, so that they can be
// used from many threads (each endpoint by one thread at a time).
#pragma once

#include <string_view>

#include "rng.hpp"
#include "unique_fd.hpp"

namespace gauntlet
{

using myepoll::UniqueFd;

enum class EndpointKind { UnixStream, UnixDgram, Tcp, Pipe, EventFd, SignalFd };

std::string_view kind_name(EndpointKind kind) noexcept;

struct Endpoint {
    EndpointKind kind = EndpointKind::UnixStream;
    UniqueFd watched;
    UniqueFd peer;

    // Makes watched readable: true if a byte (or eventfd count) went in.
    bool poke() const noexcept;
    // Reads watched until it would block (or up to a bound).
    void drain() const noexcept;
    // Closes the peer (watched then sees EOF / HUP); false if there is none.
    bool close_peer() noexcept;
    [[nodiscard]] bool peer_open() const noexcept
    {
        return static_cast<bool>(peer) || kind == EndpointKind::EventFd ||
               kind == EndpointKind::SignalFd;
    }
};

// A new endpoint of that kind; throws std::system_error on failure.
Endpoint make_endpoint(EndpointKind kind);
// A kind picked at random (TCP less often: it is the slowest to set up;
// never SignalFd).
EndpointKind random_kind(Rng &rng) noexcept;

} // namespace gauntlet
