// EPOLLET: an item is reported once per wakeup of the watched file (a new
// arrival), never again while the state that caused it persists; reading
// does not re-arm it, MOD does (it re-polls).
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;

MYEPOLL_SCENARIO_GROUP(EdgeTriggered);

MYEPOLL_SCENARIO(EdgeTriggered, OneEventPerArrival)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(server.get(), EPOLLIN | EPOLLET, 1)), 0);
    EXPECT_EQ(run.wait(ep, "nothing yet", 8, 0).rc, 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(ep, "first arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "unread, no new arrival", 8, 0).rc, 0);
    EXPECT_EQ(run.wait(ep, "nor after 20 ms", 8, ms(20)).rc, 0);
    send_text(client.get(), "b");
    EXPECT_EQ(run.wait(ep, "second arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "once only", 8, 0).rc, 0);
    EXPECT_EQ(run.note("both bytes still queued", static_cast<long>(drain(server.get()))), 2);
    EXPECT_EQ(run.wait(ep, "after reading", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, PartialReadDoesNotRearm)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(server.get(), EPOLLIN | EPOLLET, 2)), 0);
    send_text(client.get(), "0123456789");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
    size_t got = 0;
    while (got < 4)
        got += read_some(server.get(), 4 - got);
    EXPECT_EQ(run.wait(ep, "4 of 10 bytes read", 8, 0).rc, 0);
    EXPECT_EQ(run.note("the rest", static_cast<long>(drain(server.get()))), 6);
    EXPECT_EQ(run.wait(ep, "all read", 8, 0).rc, 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "next arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(EdgeTriggered, WritableAgainAfterFullSendBufferDrains)
{
    auto [client, server] = tcp_pair();
    set_buffer_sizes(client.get(), 4096, 4096);
    set_buffer_sizes(server.get(), 4096, 4096);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add OUT|ET", ep.add(client.get(), EPOLLOUT | EPOLLET, 7)), 0);
    EXPECT_EQ(run.wait(ep, "writable when added", 8, ms(1000)).events, (Events{{EPOLLOUT, 7}}));
    EXPECT_EQ(run.wait(ep, "still writable, reported once", 8, 0).rc, 0);

    EXPECT_GT(fill_send_buffer(client.get()), 0u);
    EXPECT_EQ(run.wait(ep, "send buffer full", 8, ms(20)).rc, 0);

    // The peer reads until the freed space wakes the writer: one event.
    WaitResult back{};
    for (int i = 0; i < 100 && back.rc == 0; ++i) {
        drain(server.get());
        back = run.probe(ep, 8, ms(20));
    }
    run.record("peer drained", back);
    EXPECT_EQ(back.events, (Events{{EPOLLOUT, 7}}));
    EXPECT_EQ(run.wait(ep, "writable, not reported again", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, ListenerAcceptStarvation)
{
    Listener listener = listen_loopback(16, true);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add listener IN|ET", ep.add(listener.fd.get(), EPOLLIN | EPOLLET, 0xA)), 0);
    UniqueFd c1 = connect_loopback(listener.port);
    UniqueFd c2 = connect_loopback(listener.port);
    ASSERT_TRUE(wait_accept_backlog(listener.fd.get(), 2, kEventDeadline));
    EXPECT_EQ(run.wait(ep, "two connections queued", 8, ms(1000)).events, (Events{{EPOLLIN, 0xA}}));

    // The classic bug: accept only one, and the other starves.
    UniqueFd s1 = accept_connection(listener.fd.get(), true);
    EXPECT_EQ(run.note("accept queue", accept_backlog(listener.fd.get())), 1);
    EXPECT_EQ(run.wait(ep, "one left queued, no new event", 8, ms(20)).rc, 0);

    UniqueFd c3 = connect_loopback(listener.port);
    EXPECT_EQ(run.wait(ep, "a third connection", 8, ms(1000)).events, (Events{{EPOLLIN, 0xA}}));
    std::vector<UniqueFd> accepted;
    for (;;) {
        const int fd = ::accept4(listener.fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            break;
        accepted.emplace_back(fd);
    }
    EXPECT_EQ(run.note("accepted until EAGAIN", static_cast<long>(accepted.size())), 2);
    EXPECT_EQ(run.wait(ep, "queue empty", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, PeerShutdownReportedOnce)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|RDHUP|ET", ep.add(server.get(), EPOLLIN | EPOLLRDHUP | EPOLLET, 3)),
              0);
    ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
    EXPECT_EQ(run.wait(ep, "peer shut down writing", 8, ms(1000)).events,
              (Events{{EPOLLIN | EPOLLRDHUP, 3}}));
    EXPECT_EQ(run.wait(ep, "end of stream persists, not reported again", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, ResetReportedOnce)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(server.get(), EPOLLIN | EPOLLET, 4)), 0);
    close_with_reset(std::move(client));
    const uint32_t all = EPOLLIN | EPOLLERR | EPOLLHUP;
    EXPECT_EQ(run.wait(ep, "peer reset", 8, ms(1000)).events, (Events{{all, 4}}));
    EXPECT_EQ(run.wait(ep, "error persists, not reported again", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, ModRearmsAReadyItem)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(server.get(), EPOLLIN | EPOLLET, 5)), 0);
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 5}}));
    EXPECT_EQ(run.wait(ep, "unread", 8, 0).rc, 0);
    ASSERT_EQ(run.note("mod IN|ET, data 6", ep.mod(server.get(), EPOLLIN | EPOLLET, 6)), 0);
    EXPECT_EQ(run.wait(ep, "MOD re-polls: ready at once", 8, 0).events, (Events{{EPOLLIN, 6}}));
    EXPECT_EQ(run.wait(ep, "then edge-triggered again", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, EventfdEveryWriteIsAnEdge)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(efd.get(), EPOLLIN | EPOLLET, 8)), 0);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(run.wait(ep, "first write", 8, 0).events, (Events{{EPOLLIN, 8}}));
    EXPECT_EQ(run.wait(ep, "counter unread", 8, 0).rc, 0);
    eventfd_add(efd.get(), 2);
    EXPECT_EQ(run.wait(ep, "second write, already readable", 8, 0).events, (Events{{EPOLLIN, 8}}));
    EXPECT_EQ(run.note("counter", static_cast<long>(eventfd_take(efd.get()))), 3);
    EXPECT_EQ(run.wait(ep, "after the read", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, PipeEveryWriteIsAnEdge)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add read end IN|ET", ep.add(pipe.read.get(), EPOLLIN | EPOLLET, 9)), 0);
    ASSERT_EQ(::write(pipe.write.get(), "a", 1), 1);
    EXPECT_EQ(run.wait(ep, "first write", 8, 0).events, (Events{{EPOLLIN, 9}}));
    EXPECT_EQ(run.wait(ep, "unread", 8, 0).rc, 0);
    ASSERT_EQ(::write(pipe.write.get(), "b", 1), 1);
    EXPECT_EQ(run.wait(ep, "second write into a non-empty pipe", 8, 0).events,
              (Events{{EPOLLIN, 9}}));
    char buffer[8];
    EXPECT_EQ(run.note("read", ::read(pipe.read.get(), buffer, sizeof(buffer))), 2);
    EXPECT_EQ(run.wait(ep, "after the read", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EdgeTriggered, LevelAndEdgeItemsSideBySide)
{
    auto [tcp_client, tcp_server] = tcp_pair();
    auto [unix_a, unix_b] = unix_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add TCP, level", ep.add(tcp_server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add AF_UNIX, edge", ep.add(unix_b.get(), EPOLLIN | EPOLLET, 2)), 0);
    send_text(tcp_client.get(), "t");
    send_text(unix_a.get(), "u");
    // One wait only: an edge-triggered event is gone once reported.
    ASSERT_TRUE(wait_readable(tcp_server.get(), kEventDeadline));
    ASSERT_TRUE(wait_readable(unix_b.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "both arrived", 8, 0).events, (Events{{EPOLLIN, 1}, {EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "the level item only", 8, 0).events, (Events{{EPOLLIN, 1}}));
    send_text(unix_a.get(), "v");
    EXPECT_EQ(run.wait(ep, "new AF_UNIX data", 8, 0).events, (Events{{EPOLLIN, 1}, {EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(EdgeTriggered, DeliveredItemsLeaveTheReadyList)
{
    constexpr int kItems = 4;
    std::vector<UniqueFd> efds;
    Instance ep = run.instance();
    for (int i = 0; i < kItems; ++i) {
        efds.push_back(make_eventfd(1)); // readable from the start
        ASSERT_EQ(run.note("add", ep.add(efds.back().get(), EPOLLIN | EPOLLET, i)), 0);
    }
    // Two slots per wait: each item once, in ADD order, then nothing.
    EXPECT_EQ(run.wait(ep, "first two", 2, 0, Order::AsReturned).events,
              (Events{{EPOLLIN, 0}, {EPOLLIN, 1}}));
    EXPECT_EQ(run.wait(ep, "the other two", 2, 0, Order::AsReturned).events,
              (Events{{EPOLLIN, 2}, {EPOLLIN, 3}}));
    EXPECT_EQ(run.wait(ep, "none requeued", 2, 0).rc, 0);
}
