// Fairness when fewer slots than ready items: the items not transferred
// stay at the head of the ready list, delivered level-triggered items go to
// its tail, newly ready items queue behind them, and an item whose re-poll
// is empty drops out.  The order is the contract: compared as returned.
#include <sys/epoll.h>

#include <vector>

#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Fairness);

namespace
{

// `count` eventfds, the first `ready` of them readable, added in order with
// data = index (an item that is ready when added is queued at once, so the
// ready list starts in ADD order).
std::vector<UniqueFd> add_eventfds(Run &run, Instance &ep, int count, int ready)
{
    std::vector<UniqueFd> efds;
    for (int i = 0; i < count; ++i) {
        efds.push_back(make_eventfd(i < ready ? 1 : 0));
        run.note("add", ep.add(efds.back().get(), EPOLLIN, i));
    }
    return efds;
}

Events in(std::initializer_list<uint64_t> data)
{
    Events events;
    for (uint64_t d : data)
        events.push_back({EPOLLIN, d});
    return events;
}

} // namespace

MYEPOLL_SCENARIO(Fairness, RoundRobinOverSuccessiveWaits)
{
    Instance ep = run.instance();
    std::vector<UniqueFd> efds = add_eventfds(run, ep, 6, 6);
    EXPECT_EQ(run.wait(ep, "wait 1", 2, 0, Order::AsReturned).events, in({0, 1}));
    EXPECT_EQ(run.wait(ep, "wait 2", 2, 0, Order::AsReturned).events, in({2, 3}));
    EXPECT_EQ(run.wait(ep, "wait 3", 2, 0, Order::AsReturned).events, in({4, 5}));
    EXPECT_EQ(run.wait(ep, "wait 4: round two", 2, 0, Order::AsReturned).events, in({0, 1}));
    EXPECT_EQ(run.wait(ep, "wait 5: four slots", 4, 0, Order::AsReturned).events, in({2, 3, 4, 5}));
    EXPECT_EQ(run.wait(ep, "wait 6: all", 8, 0, Order::AsReturned).events, in({0, 1, 2, 3, 4, 5}));
}

MYEPOLL_SCENARIO(Fairness, NewlyReadyItemQueuesBehindRequeuedOnes)
{
    Instance ep = run.instance();
    std::vector<UniqueFd> efds = add_eventfds(run, ep, 5, 4);
    EXPECT_EQ(run.wait(ep, "wait 1", 2, 0, Order::AsReturned).events, in({0, 1}));
    eventfd_add(efds[4].get(), 1); // ready list: 2 3 0 1 4
    EXPECT_EQ(run.wait(ep, "wait 2", 2, 0, Order::AsReturned).events, in({2, 3}));
    EXPECT_EQ(run.wait(ep, "wait 3", 2, 0, Order::AsReturned).events, in({0, 1}));
    EXPECT_EQ(run.wait(ep, "wait 4: the newcomer, then round two", 2, 0, Order::AsReturned).events,
              in({4, 2}));
}

MYEPOLL_SCENARIO(Fairness, IdleItemDropsOutOfTheRotation)
{
    Instance ep = run.instance();
    std::vector<UniqueFd> efds = add_eventfds(run, ep, 3, 3);
    EXPECT_EQ(run.wait(ep, "wait 1", 1, 0, Order::AsReturned).events, in({0}));
    eventfd_take(efds[1].get()); // 1 is queued but idle: skipped and dropped
    EXPECT_EQ(run.wait(ep, "wait 2", 1, 0, Order::AsReturned).events, in({2}));
    EXPECT_EQ(run.wait(ep, "wait 3", 1, 0, Order::AsReturned).events, in({0}));
    EXPECT_EQ(run.wait(ep, "wait 4", 1, 0, Order::AsReturned).events, in({2}));
    eventfd_add(efds[1].get(), 1); // ready again: queued behind 0
    EXPECT_EQ(run.wait(ep, "wait 5", 8, 0, Order::AsReturned).events, in({0, 2, 1}));
}

MYEPOLL_SCENARIO(Fairness, EdgeAndOneshotItemsDoNotReturnToTheTail)
{
    Instance ep = run.instance();
    std::vector<UniqueFd> efds;
    const uint32_t modes[] = {EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN | EPOLLONESHOT, EPOLLIN};
    for (uint64_t i = 0; i < 4; ++i) {
        efds.push_back(make_eventfd(1));
        ASSERT_EQ(run.note("add", ep.add(efds.back().get(), modes[i], i)), 0);
    }
    EXPECT_EQ(run.wait(ep, "wait 1", 3, 0, Order::AsReturned).events, in({0, 1, 2}));
    EXPECT_EQ(run.wait(ep, "wait 2: the rest, then the level item", 3, 0, Order::AsReturned).events,
              in({3, 0}));
    EXPECT_EQ(run.wait(ep, "wait 3: level items only", 3, 0, Order::AsReturned).events, in({3, 0}));
}
