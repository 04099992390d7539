// EPOLLONESHOT: one delivery disarms the item (it stays registered, its
// events are cleared) until MOD re-arms it; MOD re-polls, so an item that
// is already ready fires at once.
#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>
#include <vector>

#include "later.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;

MYEPOLL_SCENARIO_GROUP(OneShot);

namespace
{

constexpr uint32_t kInOnce = EPOLLIN | EPOLLONESHOT;

} // namespace

MYEPOLL_SCENARIO(OneShot, DeliversOnceThenSilence)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 1)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "first delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "unread, disarmed", 8, 0).rc, 0);
    send_text(client.get(), "b");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "new data, still disarmed", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(OneShot, ModOnAReadyItemFiresAtOnce)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 1)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "disarmed", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod IN|ONESHOT, data 2", ep.mod(server.get(), kInOnce, 2)), 0);
    EXPECT_EQ(run.wait(ep, "re-armed, still readable", 8, 0).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "disarmed again", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(OneShot, ModOnAnIdleItemWaitsForTheNextEvent)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 1)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("drained", static_cast<long>(drain(server.get()))), 1);
    ASSERT_EQ(run.note("mod IN|ONESHOT", ep.mod(server.get(), kInOnce, 3)), 0);
    EXPECT_EQ(run.wait(ep, "re-armed, nothing to read", 8, 0).rc, 0);
    send_text(client.get(), "b");
    EXPECT_EQ(run.wait(ep, "next arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 3}}));
    send_text(client.get(), "c");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "and disarmed after it", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(OneShot, WithEdgeTriggered)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const uint32_t mask = EPOLLIN | EPOLLET | EPOLLONESHOT;
    ASSERT_EQ(run.note("add IN|ET|ONESHOT", ep.add(server.get(), mask, 4)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "first arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 4}}));
    send_text(client.get(), "b");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "second arrival, disarmed", 8, ms(20)).rc, 0);
    ASSERT_EQ(run.note("mod IN|ET|ONESHOT", ep.mod(server.get(), mask, 5)), 0);
    EXPECT_EQ(run.wait(ep, "re-armed: ready at once", 8, 0).events, (Events{{EPOLLIN, 5}}));
    EXPECT_EQ(run.wait(ep, "disarmed", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod IN|ET (no ONESHOT)", ep.mod(server.get(), EPOLLIN | EPOLLET, 6)), 0);
    EXPECT_EQ(run.wait(ep, "edge-triggered: the MOD's poll", 8, 0).events, (Events{{EPOLLIN, 6}}));
    send_text(client.get(), "c");
    EXPECT_EQ(run.wait(ep, "and each new arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 6}}));
    EXPECT_EQ(run.wait(ep, "but no repeat", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(OneShot, DisarmedItemIgnoresHangupToo)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 7)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 7}}));
    close_with_reset(std::move(client));
    ASSERT_TRUE(wait_poll_bits(server.get(), POLLHUP | POLLERR, kEventDeadline));
    EXPECT_EQ(run.wait(ep, "reset while disarmed: not even ERR|HUP", 8, ms(20)).rc, 0);
    ASSERT_EQ(run.note("mod IN|ONESHOT", ep.mod(server.get(), kInOnce, 8)), 0);
    EXPECT_EQ(run.wait(ep, "re-armed", 8, 0).events, (Events{{EPOLLIN | EPOLLERR | EPOLLHUP, 8}}));
}

MYEPOLL_SCENARIO(OneShot, DisarmedItemStaysRegistered)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add OUT|ONESHOT", ep.add(server.get(), EPOLLOUT | EPOLLONESHOT, 9)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, ms(1000)).events, (Events{{EPOLLOUT, 9}}));
    EXPECT_EQ(run.wait(ep, "disarmed", 8, 0).rc, 0);
    EXPECT_EQ(run.note("ADD again", ep.add(server.get(), EPOLLOUT, 10)), -EEXIST);
    EXPECT_EQ(run.note("DEL", ep.del(server.get())), 0);
    EXPECT_EQ(run.note("DEL again", ep.del(server.get())), -ENOENT);
    EXPECT_EQ(run.note("MOD after DEL", ep.mod(server.get(), EPOLLOUT, 10)), -ENOENT);
}

MYEPOLL_SCENARIO(OneShot, ModWithoutOneshotMakesItLevelTriggered)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 1)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "disarmed", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod IN", ep.mod(server.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(ep, "level-triggered", 8, 0).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "repeats", 8, 0).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "and repeats", 8, 0).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(OneShot, BlockedWaitSeesNothingWhileDisarmed)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(server.get(), kInOnce, 1)), 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "delivery", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    {
        Later writer(20ms, [fd = client.get()] { send_text(fd, "b"); });
        EXPECT_EQ(run.wait(ep, "100 ms wait, data arrives after 20 ms", 8, ms(100)).rc, 0);
    }
    ASSERT_EQ(run.note("mod IN|ONESHOT", ep.mod(server.get(), kInOnce, 2)), 0);
    EXPECT_EQ(run.wait(ep, "re-armed", 8, 0).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(OneShot, EachItemDisarmsOnItsOwn)
{
    constexpr int kItems = 3;
    std::vector<UniqueFd> efds;
    Instance ep = run.instance();
    for (int i = 0; i < kItems; ++i) {
        efds.push_back(make_eventfd(1));
        ASSERT_EQ(run.note("add IN|ONESHOT", ep.add(efds.back().get(), kInOnce, i)), 0);
    }
    EXPECT_EQ(run.wait(ep, "two slots", 2, 0, Order::AsReturned).events,
              (Events{{EPOLLIN, 0}, {EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "the third", 2, 0).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "all disarmed", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod the second", ep.mod(efds[1].get(), kInOnce, 11)), 0);
    EXPECT_EQ(run.wait(ep, "only the re-armed one", 8, 0).events, (Events{{EPOLLIN, 11}}));
    eventfd_add(efds[0].get(), 1);
    EXPECT_EQ(run.wait(ep, "a write to a disarmed one", 8, 0).rc, 0);
}
