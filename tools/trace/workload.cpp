#include "workload.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "net.hpp"
#include "socket_io.hpp"
#include "waiter.hpp"

namespace myepoll::trace
{

std::string WorkloadSpec::label() const
{
    const char *name = kind == WorkloadKind::PingPong ? "pingpong"
                       : kind == WorkloadKind::Fanout ? "fanout"
                                                      : "burst";
    return std::string(name) + (edge ? "-et" : "-lt");
}

std::uint64_t WorkloadSpec::messages() const
{
    const auto per_round = kind == WorkloadKind::Fanout  ? active
                           : kind == WorkloadKind::Burst ? burst
                                                         : 1;
    return static_cast<std::uint64_t>(rounds) * static_cast<std::uint64_t>(per_round);
}

namespace
{

[[noreturn]] void throw_errno(const std::string &what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

void write_all(int fd, const std::vector<char> &data)
{
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno != EINTR)
            throw_errno("client send");
        done += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
}

// Reads exactly `count` ack bytes (the socket has SO_RCVTIMEO set).
void read_acks(int fd, std::size_t count)
{
    char buf[256];
    while (count > 0) {
        const std::size_t n = recv_some(fd, buf, std::min(count, sizeof(buf)), "client");
        if (n == 0)
            throw std::runtime_error("client: no ack within the stall timeout");
        count -= n;
    }
}

// One round of the client side.
void client_round(const WorkloadSpec &spec, const std::vector<int> &clients, int round)
{
    const std::vector<char> message(spec.size, 'm');
    switch (spec.kind) {
    case WorkloadKind::PingPong:
        write_all(clients[0], message);
        read_acks(clients[0], 1);
        break;
    case WorkloadKind::Fanout: {
        std::vector<int> targets;
        for (int i = 0; i < spec.active; ++i)
            targets.push_back(clients[(round * spec.active + i) % spec.connections]);
        for (const int fd : targets)
            write_all(fd, message);
        for (const int fd : targets)
            read_acks(fd, 1);
        break;
    }
    case WorkloadKind::Burst:
        for (int i = 0; i < spec.burst; ++i)
            write_all(clients[0], message);
        read_acks(clients[0], static_cast<std::size_t>(spec.burst));
        break;
    }
}

} // namespace

void run_workload(Backend &backend, const WorkloadSpec &spec, const ArmFn &arm)
{
    const Listener listener = listen_loopback();
    const int count = spec.kind == WorkloadKind::Fanout ? spec.connections : 1;
    std::vector<UniqueFd> client_fds;
    std::vector<UniqueFd> server_fds;
    std::vector<int> clients;
    const timeval stall{spec.stall_timeout_s, 0};
    for (int i = 0; i < count; ++i) {
        auto [client, server] = tcp_pair(listener);
        if (::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &stall, sizeof(stall)) < 0)
            throw_errno("setsockopt(SO_RCVTIMEO)");
        set_nonblocking(server.get());
        clients.push_back(client.get());
        client_fds.push_back(std::move(client));
        server_fds.push_back(std::move(server));
    }

    Waiter waiter(backend, spec, server_fds);
    try {
        arm(waiter.tid(), listener.port);
        waiter.start();
        for (int round = 0; round < spec.rounds; ++round)
            client_round(spec, clients, round);
    } catch (...) {
        // Wake the waiter with EOF so that it ends, then report the first
        // problem: the waiter's if it has one.
        for (const int fd : clients)
            ::shutdown(fd, SHUT_RDWR);
        waiter.join();
        throw;
    }
    waiter.join();
}

} // namespace myepoll::trace
