// Events that arrive while a transfer is copying events out are not lost
// (native keeps them on ovflist and queues them when the transfer ends).
// Writers on other threads race an edge-triggered waiter that reads
// whatever an event announces: with a lost event, data would stay unread
// with no event left to announce it, and the totals would differ.
#include <sys/epoll.h>

#include <atomic>
#include <thread>
#include <vector>

#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(CopyOut);

namespace
{

constexpr int kWriters = 2;
constexpr int kRounds = 300;

// Waits (few slots, so transfers are many) and consumes what each event
// announces until `expected` units are consumed or, once the writers are
// done, a wait times out.  Returns the units consumed.
template <typename Consume>
long consume_until_quiet(const Run &run, Instance &ep, long expected,
                         const std::atomic<int> &writers_left, Consume consume)
{
    long total = 0;
    while (total < expected) {
        const bool writers_done = writers_left.load() == 0;
        const WaitResult got = run.probe(ep, 2, ms(writers_done ? 300 : 50));
        if (got.rc < 0)
            break;
        if (got.rc == 0 && writers_done)
            break;
        for (const Reported &r : got.events)
            total += consume(r.data);
    }
    return total;
}

} // namespace

MYEPOLL_SCENARIO(CopyOut, TcpWritersRacingAnEdgeTriggeredWaiterLoseNothing)
{
    constexpr int kConnections = 8; // kWriters share them
    std::vector<std::pair<UniqueFd, UniqueFd>> pairs;
    Instance ep = run.instance();
    for (int i = 0; i < kConnections; ++i) {
        pairs.push_back(tcp_pair());
        ASSERT_EQ(ep.add(pairs.back().second.get(), EPOLLIN | EPOLLET, i), 0);
    }
    run.note("added", kConnections);
    std::atomic<int> writers_left{kWriters};
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            for (int round = 0; round < kRounds; ++round)
                for (int i = w; i < kConnections; i += kWriters)
                    send_text(pairs[i].first.get(), "x");
            writers_left.fetch_sub(1);
        });
    }
    const long expected = static_cast<long>(kRounds) * kConnections;
    const long total = consume_until_quiet(run, ep, expected, writers_left, [&](uint64_t i) {
        return static_cast<long>(drain(pairs[i].second.get()));
    });
    writers.clear();
    EXPECT_EQ(run.note("bytes consumed", total), expected);
    EXPECT_EQ(run.wait(ep, "nothing left", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CopyOut, EventfdWritersRacingAnEdgeTriggeredWaiterLoseNothing)
{
    constexpr int kEventfds = 4;
    std::vector<UniqueFd> efds;
    Instance ep = run.instance();
    for (int i = 0; i < kEventfds; ++i) {
        efds.push_back(make_eventfd());
        ASSERT_EQ(ep.add(efds.back().get(), EPOLLIN | EPOLLET, i), 0);
    }
    run.note("added", kEventfds);
    std::atomic<int> writers_left{kWriters};
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            for (int round = 0; round < kRounds * 2; ++round)
                eventfd_add(efds[(round + w) % kEventfds].get(), 1);
            writers_left.fetch_sub(1);
        });
    }
    const long expected = static_cast<long>(kRounds) * 2 * kWriters;
    const long total = consume_until_quiet(run, ep, expected, writers_left, [&](uint64_t i) {
        return static_cast<long>(eventfd_take(efds[i].get()));
    });
    writers.clear();
    EXPECT_EQ(run.note("increments consumed", total), expected);
    EXPECT_EQ(run.wait(ep, "nothing left", 8, 0).rc, 0);
}
