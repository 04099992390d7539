// Readiness of real TCP sockets over loopback: what each state of a
// connection reports, through the registered mask.
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Readiness);

MYEPOLL_SCENARIO(Readiness, ListenerReadableOnConnect)
{
    Listener listener = listen_loopback(16);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add listener", ep.add(listener.fd.get(), EPOLLIN, 0xA1)), 0);
    EXPECT_EQ(run.wait(ep, "no client yet", 8, 0).rc, 0);

    UniqueFd client = connect_loopback(listener.port);
    EXPECT_EQ(run.wait(ep, "client connected", 8, ms(1000)).events, (Events{{EPOLLIN, 0xA1}}));

    UniqueFd server = accept_connection(listener.fd.get());
    EXPECT_EQ(run.wait(ep, "after accept", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Readiness, NonblockingConnectBecomesWritable)
{
    Listener listener = listen_loopback(16);
    UniqueFd client = connect_loopback(listener.port, true);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add connecting client", ep.add(client.get(), EPOLLOUT, 0xC0)), 0);
    EXPECT_EQ(run.wait_for(ep, "connected", {{EPOLLOUT, 0xC0}}).events, (Events{{EPOLLOUT, 0xC0}}));
    EXPECT_EQ(run.note("SO_ERROR", socket_error(client.get())), 0);
}

MYEPOLL_SCENARIO(Readiness, ReadableOnData)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(ep, "no data yet", 8, 0).rc, 0);

    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "data sent", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
}

MYEPOLL_SCENARIO(Readiness, ReadableUntilFullyDrained)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN, 4)), 0);
    send_text(client.get(), "0123456789");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "10 bytes queued", 8, ms(1000)).events, (Events{{EPOLLIN, 4}}));

    size_t got = 0;
    while (got < 4)
        got += read_some(server.get(), 4 - got);
    EXPECT_EQ(run.wait(ep, "6 bytes left", 8, 0).events, (Events{{EPOLLIN, 4}}));

    while (got < 10)
        got += read_some(server.get(), 10 - got);
    EXPECT_EQ(run.wait(ep, "all read", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Readiness, WritableOnFreshConnection)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add client", ep.add(client.get(), EPOLLIN | EPOLLOUT, 1)), 0);
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.wait(ep, "both writable", 8, ms(1000)).events,
              (Events{{EPOLLOUT, 1}, {EPOLLOUT, 2}}));
}

MYEPOLL_SCENARIO(Readiness, WritableLostWhenSendBufferFull)
{
    auto [client, server] = tcp_pair();
    set_buffer_sizes(client.get(), 4096, 4096);
    set_buffer_sizes(server.get(), 4096, 4096);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add client", ep.add(client.get(), EPOLLOUT, 7)), 0);
    EXPECT_EQ(run.wait(ep, "writable at first", 8, ms(1000)).events, (Events{{EPOLLOUT, 7}}));

    EXPECT_GT(fill_send_buffer(client.get()), 0u);
    EXPECT_EQ(run.wait(ep, "send buffer full", 8, 0).rc, 0);
    EXPECT_EQ(run.wait(ep, "still full after 20 ms", 8, ms(20)).rc, 0);

    // The peer reads: acknowledged data frees the send queue.
    // How many rounds that takes is not part of the contract: not recorded.
    WaitResult back{};
    for (int i = 0; i < 100 && back.rc == 0; ++i) {
        drain(server.get());
        back = run.probe(ep, 8, ms(20));
    }
    run.record("peer drained", back);
    EXPECT_EQ(back.events, (Events{{EPOLLOUT, 7}}));
}

MYEPOLL_SCENARIO(Readiness, PeerCloseReportsInAndRdhup)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN | EPOLLRDHUP, 3)), 0);
    EXPECT_EQ(run.wait(ep, "open", 8, 0).rc, 0);
    client.reset();
    EXPECT_EQ(run.wait(ep, "peer closed", 8, ms(1000)).events, (Events{{EPOLLIN | EPOLLRDHUP, 3}}));
    EXPECT_EQ(run.wait(ep, "still reported", 8, 0).events, (Events{{EPOLLIN | EPOLLRDHUP, 3}}));
}

MYEPOLL_SCENARIO(Readiness, PeerCloseWithoutRdhupInMaskReportsInOnly)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN, 3)), 0);
    client.reset();
    EXPECT_EQ(run.wait(ep, "peer closed", 8, ms(1000)).events, (Events{{EPOLLIN, 3}}));
}

MYEPOLL_SCENARIO(Readiness, PeerShutdownWriteIsHalfClose)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN | EPOLLOUT | EPOLLRDHUP, 5)), 0);
    EXPECT_EQ(run.wait(ep, "open", 8, ms(1000)).events, (Events{{EPOLLOUT, 5}}));
    ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
    EXPECT_EQ(
        run.wait_for(ep, "peer shut down writing", {{EPOLLIN | EPOLLOUT | EPOLLRDHUP, 5}}).events,
        (Events{{EPOLLIN | EPOLLOUT | EPOLLRDHUP, 5}}));
    // The other direction still works: the server can write to the client.
    send_text(server.get(), "still open");
    EXPECT_TRUE(wait_readable(client.get(), kEventDeadline));
}

MYEPOLL_SCENARIO(Readiness, BothDirectionsShutDownReportsUnrequestedHup)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    // Only EPOLLIN is asked for; EPOLLHUP is always reported.
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN, 6)), 0);
    ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
    EXPECT_EQ(run.wait_for(ep, "peer shut down writing", {{EPOLLIN, 6}}).events,
              (Events{{EPOLLIN, 6}}));
    ASSERT_EQ(::shutdown(server.get(), SHUT_WR), 0);
    EXPECT_EQ(run.wait_for(ep, "both directions shut down", {{EPOLLIN | EPOLLHUP, 6}}).events,
              (Events{{EPOLLIN | EPOLLHUP, 6}}));
}

MYEPOLL_SCENARIO(Readiness, PeerResetReportsErrAndHup)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server", ep.add(server.get(), EPOLLIN | EPOLLRDHUP, 8)), 0);
    close_with_reset(std::move(client));
    const uint32_t all = EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP;
    EXPECT_EQ(run.wait_for(ep, "peer reset", {{all, 8}}).events, (Events{{all, 8}}));
}

MYEPOLL_SCENARIO(Readiness, RefusedConnectReportsErrHupWithEmptyMask)
{
    // A port that is bound but not listening: a connect to it gets a RST.
    UniqueFd bound(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(bound);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::bind(bound.get(), reinterpret_cast<sockaddr *>(&addr), len), 0);
    ASSERT_EQ(::getsockname(bound.get(), reinterpret_cast<sockaddr *>(&addr), &len), 0);
    UniqueFd client = connect_loopback(ntohs(addr.sin_port), true);
    Instance ep = run.instance();
    // An empty mask: only EPOLLERR | EPOLLHUP, which are always reported.
    ASSERT_EQ(run.note("add client, mask 0", ep.add(client.get(), 0, 12)), 0);
    EXPECT_EQ(run.wait_for(ep, "refused", {{EPOLLERR | EPOLLHUP, 12}}).events,
              (Events{{EPOLLERR | EPOLLHUP, 12}}));
    EXPECT_EQ(run.note("SO_ERROR", socket_error(client.get())), ECONNREFUSED);
}

MYEPOLL_SCENARIO(Readiness, UrgentDataReportsPri)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server, PRI only", ep.add(server.get(), EPOLLPRI, 9)), 0);
    EXPECT_EQ(run.wait(ep, "nothing urgent", 8, 0).rc, 0);
    send_text(client.get(), "!", MSG_OOB);
    EXPECT_EQ(run.wait_for(ep, "urgent byte", {{EPOLLPRI, 9}}).events, (Events{{EPOLLPRI, 9}}));
}

MYEPOLL_SCENARIO(Readiness, EmptyMaskIgnoresReadableAndWritable)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add server, mask 0", ep.add(server.get(), 0, 10)), 0);
    send_text(client.get(), "data");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline)); // readable and writable now
    EXPECT_EQ(run.wait(ep, "readable, writable, not asked", 8, 0).rc, 0);
    EXPECT_EQ(run.wait(ep, "nor after 20 ms", 8, ms(20)).rc, 0);
}
