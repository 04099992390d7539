// The interest list: level-triggered delivery, ADD / MOD / DEL, data, and
// what a registration is keyed on (the open file and the descriptor).
#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Interest);

MYEPOLL_SCENARIO(Interest, LevelTriggeredRepeatsUntilRead)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN, 1)), 0);
    send_text(client.get(), "abc");
    EXPECT_EQ(run.wait(ep, "first wait", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "second wait, unread", 8, 0).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "third wait, unread", 8, 0).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("drained bytes", static_cast<long>(drain(server.get()))), 3);
    EXPECT_EQ(run.wait(ep, "after reading", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Interest, AddOfReadyFdReportsAtOnce)
{
    auto [client, server] = tcp_pair();
    send_text(client.get(), "queued before ADD");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add readable server", ep.add(server.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(ep, "timeout 0 right after ADD", 8, 0).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(Interest, ModChangesMask)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(server.get(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.wait(ep, "writable, IN asked", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod OUT", ep.mod(server.get(), EPOLLOUT, 3)), 0);
    EXPECT_EQ(run.wait(ep, "OUT at once after MOD", 8, 0).events, (Events{{EPOLLOUT, 3}}));
    send_text(client.get(), "x");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "readable, OUT asked", 8, 0).events, (Events{{EPOLLOUT, 3}}));
    ASSERT_EQ(run.note("mod IN|OUT", ep.mod(server.get(), EPOLLIN | EPOLLOUT, 3)), 0);
    EXPECT_EQ(run.wait(ep, "both", 8, 0).events, (Events{{EPOLLIN | EPOLLOUT, 3}}));
    ASSERT_EQ(run.note("mod IN", ep.mod(server.get(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.wait(ep, "IN only", 8, 0).events, (Events{{EPOLLIN, 3}}));
}

MYEPOLL_SCENARIO(Interest, ModChangesData)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add data 1", ep.add(server.get(), EPOLLIN, 1)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "reported with 1", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    ASSERT_EQ(run.note("mod data 2", ep.mod(server.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(ep, "reported with 2", 8, 0).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(Interest, ModToEmptyMaskSilences)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|OUT", ep.add(server.get(), EPOLLIN | EPOLLOUT, 4)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait_for(ep, "readable and writable", {{EPOLLIN | EPOLLOUT, 4}}).events,
              (Events{{EPOLLIN | EPOLLOUT, 4}}));
    ASSERT_EQ(run.note("mod 0", ep.mod(server.get(), 0, 4)), 0);
    EXPECT_EQ(run.wait(ep, "nothing asked", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod IN again", ep.mod(server.get(), EPOLLIN, 4)), 0);
    EXPECT_EQ(run.wait(ep, "asked again", 8, 0).events, (Events{{EPOLLIN, 4}}));
}

MYEPOLL_SCENARIO(Interest, DelStopsDelivery)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 5)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "readable", 8, ms(1000)).events, (Events{{EPOLLIN, 5}}));
    ASSERT_EQ(run.note("del", ep.del(server.get())), 0);
    EXPECT_EQ(run.wait(ep, "after DEL", 8, 0).rc, 0);
    send_text(client.get(), "more");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "new data after DEL", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(Interest, DelThenAddAgain)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 6)), 0);
    send_text(client.get(), "x");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    ASSERT_EQ(run.note("del", ep.del(server.get())), 0);
    EXPECT_EQ(run.wait(ep, "after DEL", 8, 0).rc, 0);
    ASSERT_EQ(run.note("add again, new data", ep.add(server.get(), EPOLLIN, 66)), 0);
    EXPECT_EQ(run.wait(ep, "registered again", 8, 0).events, (Events{{EPOLLIN, 66}}));
}

MYEPOLL_SCENARIO(Interest, DataRoundTripsAll64Bits)
{
    constexpr std::array<uint64_t, 6> values{0,
                                             1,
                                             0xffffffffffffffffull,
                                             0x8000000000000001ull,
                                             0x0123456789abcdefull,
                                             0xfedcba9800000000ull};
    std::vector<std::pair<UniqueFd, UniqueFd>> pairs;
    Instance ep = run.instance();
    Events expected;
    for (uint64_t value : values) {
        pairs.push_back(tcp_pair());
        ASSERT_EQ(run.note("add", ep.add(pairs.back().second.get(), EPOLLIN, value)), 0);
        send_text(pairs.back().first.get(), "x");
        expected.push_back({EPOLLIN, value});
    }
    sort_by_data(expected);
    EXPECT_EQ(run.wait_for(ep, "all readable", expected).events, expected);
}

MYEPOLL_SCENARIO(Interest, SameSocketInTwoInstances)
{
    auto [client, server] = tcp_pair();
    Instance a = run.instance();
    Instance b = run.instance();
    ASSERT_EQ(run.note("add to a", a.add(server.get(), EPOLLIN, 0xa)), 0);
    ASSERT_EQ(run.note("add to b", b.add(server.get(), EPOLLIN, 0xb)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(a, "a", 8, ms(1000)).events, (Events{{EPOLLIN, 0xa}}));
    EXPECT_EQ(run.wait(b, "b", 8, ms(1000)).events, (Events{{EPOLLIN, 0xb}}));
    ASSERT_EQ(run.note("del from a", a.del(server.get())), 0);
    EXPECT_EQ(run.wait(a, "a after DEL", 8, 0).rc, 0);
    EXPECT_EQ(run.wait(b, "b unaffected", 8, 0).events, (Events{{EPOLLIN, 0xb}}));
}

MYEPOLL_SCENARIO(Interest, DupIsASeparateRegistration)
{
    auto [client, server] = tcp_pair();
    UniqueFd copy(::dup(server.get()));
    ASSERT_TRUE(copy);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add fd", ep.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add its dup", ep.add(copy.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.note("add fd again", ep.add(server.get(), EPOLLIN, 3)), -EEXIST);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "both registrations", 8, ms(1000)).events,
              (Events{{EPOLLIN, 1}, {EPOLLIN, 2}}));
    ASSERT_EQ(run.note("del the dup", ep.del(copy.get())), 0);
    EXPECT_EQ(run.wait(ep, "one left", 8, 0).events, (Events{{EPOLLIN, 1}}));
}

MYEPOLL_SCENARIO(Interest, RegistrationSurvivesCloseWhileADupIsOpen)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const int number = server.get();
    ASSERT_EQ(run.note("add", ep.add(number, EPOLLIN, 0x5eed)), 0);
    UniqueFd copy(::dup(number));
    ASSERT_TRUE(copy);
    server.reset(); // not the last reference: the registration stays
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "still reported after close", 8, ms(1000)).events,
              (Events{{EPOLLIN, 0x5eed}}));
    EXPECT_EQ(run.note("del closed number", ep.del(number)), -EBADF);
    EXPECT_EQ(run.note("del the dup (not registered)", ep.del(copy.get())), -ENOENT);
    copy.reset(); // the last reference: the registration goes
    EXPECT_EQ(run.wait(ep, "after the last close", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Interest, CloseWithoutDelRemovesRegistration)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const int number = server.get();
    ASSERT_EQ(run.note("add", ep.add(number, EPOLLIN | EPOLLRDHUP, 1)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "readable", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(drain(server.get()), 1u); // unread data would turn the close into a RST
    server.reset();                     // the last reference, no DEL

    // The socket really closed: the peer sees the end of the stream.
    ASSERT_TRUE(wait_readable(client.get(), kEventDeadline));
    EXPECT_EQ(run.note("peer reads EOF", static_cast<long>(read_some(client.get(), 16))), 0);
    EXPECT_EQ(run.wait(ep, "nothing from the closed socket", 8, ms(20)).rc, 0);

    // A new socket on the same descriptor number is a new registration.
    auto [client2, server2] = tcp_pair();
    UniqueFd renumbered(::dup2(server2.get(), number));
    ASSERT_TRUE(renumbered);
    ASSERT_EQ(renumbered.get(), number);
    server2.reset();
    EXPECT_EQ(run.note("add the reused number", ep.add(number, EPOLLIN, 2)), 0);
    send_text(client2.get(), "y");
    EXPECT_EQ(run.wait(ep, "the new socket", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(Interest, ClosingAnInstanceLeavesItsSocketsUsable)
{
    auto [client, server] = tcp_pair();
    {
        Instance first = run.instance();
        ASSERT_EQ(run.note("add to first", first.add(server.get(), EPOLLIN, 1)), 0);
        send_text(client.get(), "x");
        EXPECT_EQ(run.wait(first, "first", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    } // closed with the socket still registered
    Instance second = run.instance();
    ASSERT_EQ(run.note("add to second", second.add(server.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(second, "second", 8, 0).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.note("socket still reads", static_cast<long>(drain(server.get()))), 1);
}
