// Many registrations: exactly the ready set is reported, and when it does
// not fit in one wait the rest comes on the next ones, round-robin.
#include <sys/epoll.h>

#include <random>
#include <set>
#include <thread>
#include <vector>

#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Scale);

namespace
{

struct Connection {
    UniqueFd client;
    UniqueFd server;
};

std::vector<Connection> connect_many(size_t count)
{
    Listener listener = listen_loopback(static_cast<int>(count));
    std::vector<Connection> connections;
    connections.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        UniqueFd client = connect_loopback(listener.port);
        UniqueFd server = accept_connection(listener.fd.get(), true);
        connections.push_back({std::move(client), std::move(server)});
    }
    return connections;
}

} // namespace

MYEPOLL_SCENARIO(Scale, ThousandConnectionsReportExactlyTheActiveSet)
{
    constexpr size_t kConnections = 1000;
    constexpr double kActiveShare[] = {0.01, 0.1, 0.5, 1.0, 0.0, 0.25, 0.03};
    std::vector<Connection> connections = connect_many(kConnections);
    Instance ep = run.instance();
    for (size_t i = 0; i < kConnections; ++i)
        ASSERT_EQ(ep.add(connections[i].server.get(), EPOLLIN, 1000 + i), 0) << "connection " << i;
    run.note("added", kConnections);

    std::mt19937 random(20240601); // fixed: the same sets on every backend
    for (size_t round = 0; round < std::size(kActiveShare); ++round) {
        std::bernoulli_distribution active(kActiveShare[round]);
        Events expected;
        for (size_t i = 0; i < kConnections; ++i) {
            if (active(random)) {
                send_text(connections[i].client.get(), "r");
                expected.push_back({EPOLLIN, 1000 + i});
            }
        }
        const std::string label =
            "round " + std::to_string(round) + ", " + std::to_string(expected.size()) + " active";
        WaitResult got = expected.empty() ? run.wait(ep, label, 1024, ms(20))
                                          : run.wait_for(ep, label, expected);
        EXPECT_EQ(got.rc, static_cast<int>(expected.size())) << label;
        EXPECT_EQ(got.events, expected) << label;
        for (const Reported &r : expected)
            EXPECT_EQ(drain(connections[r.data - 1000].server.get()), 1u);
        EXPECT_EQ(run.wait(ep, label + ", all read", 1024, 0).rc, 0);
    }
}

MYEPOLL_SCENARIO(Scale, MaxeventsSmallerThanReadyCount)
{
    constexpr int kReady = 10;
    constexpr int kMax = 3;
    std::vector<std::pair<UniqueFd, UniqueFd>> pairs;
    for (int i = 0; i < kReady; ++i) {
        pairs.push_back(tcp_pair());
        send_text(pairs.back().first.get(), "x");
    }
    for (auto &[client, server] : pairs)
        ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    // Already readable when added: the ready list is in ADD order.
    Instance ep = run.instance();
    for (int i = 0; i < kReady; ++i)
        ASSERT_EQ(run.note("add", ep.add(pairs[i].second.get(), EPOLLIN, i)), 0);

    // ceil(10 / 3) = 4 waits of at most 3 cover everything; the order
    // (round-robin, delivered items go to the tail) is compared by the
    // Differential test.
    std::set<uint64_t> seen;
    for (int w = 0; w < 4; ++w) {
        WaitResult got =
            run.wait(ep, "wait " + std::to_string(w), kMax, ms(1000), Order::AsReturned);
        EXPECT_EQ(got.rc, kMax) << "wait " << w;
        for (const Reported &r : got.events) {
            EXPECT_EQ(r.events, static_cast<uint32_t>(EPOLLIN));
            seen.insert(r.data);
        }
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(kReady));
    EXPECT_EQ(run.wait(ep, "all ten at once", 16, 0).rc, kReady);
}
