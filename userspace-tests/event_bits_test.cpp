// Event bits: what is reported is the file's poll() result masked by the
// registered events, EPOLLERR | EPOLLHUP always included (ADD and MOD).
// TCP, UDP, AF_UNIX, pipes and eventfd.
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(EventBits);

namespace
{

// A connected UDP socket whose peer port has nothing bound: a datagram sent
// to it comes back as ICMP port unreachable (ECONNREFUSED on the socket).
UniqueFd udp_to_closed_port()
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    {
        UniqueFd probe(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!probe || ::bind(probe.get(), reinterpret_cast<sockaddr *>(&addr), len) < 0 ||
            ::getsockname(probe.get(), reinterpret_cast<sockaddr *>(&addr), &len) < 0)
            return UniqueFd();
    } // the port is free again
    UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd && ::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), len) < 0)
        return UniqueFd();
    return fd;
}

} // namespace

MYEPOLL_SCENARIO(EventBits, RdhupAloneReportsPeerShutdown)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add RDHUP only", ep.add(server.get(), EPOLLRDHUP, 1)), 0);
    EXPECT_EQ(run.wait(ep, "open", 8, 0).rc, 0);
    ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
    EXPECT_EQ(run.wait_for(ep, "peer shut down writing", {{EPOLLRDHUP, 1}}).events,
              (Events{{EPOLLRDHUP, 1}}));
}

MYEPOLL_SCENARIO(EventBits, ResetWithEmptyMaskReportsErrAndHup)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add, mask 0", ep.add(server.get(), 0, 2)), 0);
    send_text(client.get(), "unread"); // readable: not asked for
    close_with_reset(std::move(client));
    EXPECT_EQ(run.wait_for(ep, "peer reset", {{EPOLLERR | EPOLLHUP, 2}}).events,
              (Events{{EPOLLERR | EPOLLHUP, 2}}));
    EXPECT_EQ(run.note("SO_ERROR", socket_error(server.get())), ECONNRESET);
    EXPECT_EQ(run.wait(ep, "SO_ERROR read: HUP stays", 8, 0).events, (Events{{EPOLLHUP, 2}}));
}

MYEPOLL_SCENARIO(EventBits, ModAlsoAddsErrAndHup)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(server.get(), EPOLLIN, 3)), 0);
    ASSERT_EQ(run.note("mod, mask 0", ep.mod(server.get(), 0, 4)), 0);
    close_with_reset(std::move(client));
    EXPECT_EQ(run.wait_for(ep, "peer reset", {{EPOLLERR | EPOLLHUP, 4}}).events,
              (Events{{EPOLLERR | EPOLLHUP, 4}}));
}

MYEPOLL_SCENARIO(EventBits, UrgentDataBehindNormalDataReportsInAndPri)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|PRI", ep.add(server.get(), EPOLLIN | EPOLLPRI, 5)), 0);
    send_text(client.get(), "ab", MSG_OOB); // 'b' is the urgent byte
    EXPECT_EQ(run.wait_for(ep, "normal and urgent data", {{EPOLLIN | EPOLLPRI, 5}}).events,
              (Events{{EPOLLIN | EPOLLPRI, 5}}));
    char byte = 0;
    EXPECT_EQ(run.note("recv MSG_OOB", ::recv(server.get(), &byte, 1, MSG_OOB)), 1);
    EXPECT_EQ(run.note("urgent byte", byte), 'b');
    EXPECT_EQ(run.wait(ep, "urgent byte read: PRI gone", 8, 0).events, (Events{{EPOLLIN, 5}}));
    EXPECT_EQ(run.note("normal data", static_cast<long>(drain(server.get()))), 1);
    EXPECT_EQ(run.wait(ep, "all read", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EventBits, NormBandBitsAreReportedWhenAsked)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const uint32_t mask = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLRDBAND;
    ASSERT_EQ(run.note("add IN|RDNORM|RDBAND|OUT|WRNORM", ep.add(server.get(), mask, 6)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, ms(1000)).events, (Events{{EPOLLOUT | EPOLLWRNORM, 6}}));
    send_text(client.get(), "x");
    const uint32_t readable = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
    EXPECT_EQ(run.wait_for(ep, "readable too", {{readable, 6}}).events, (Events{{readable, 6}}));
    ASSERT_EQ(run.note("mod RDNORM only", ep.mod(server.get(), EPOLLRDNORM, 7)), 0);
    EXPECT_EQ(run.wait(ep, "RDNORM alone", 8, 0).events, (Events{{EPOLLRDNORM, 7}}));
}

MYEPOLL_SCENARIO(EventBits, UdpIcmpErrorReportsErrUntilRead)
{
    UniqueFd udp = udp_to_closed_port();
    ASSERT_TRUE(udp);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add UDP, mask 0", ep.add(udp.get(), 0, 8)), 0);
    EXPECT_EQ(run.wait(ep, "nothing yet", 8, 0).rc, 0);
    ASSERT_EQ(::send(udp.get(), "x", 1, 0), 1);
    EXPECT_EQ(run.wait_for(ep, "port unreachable", {{EPOLLERR, 8}}).events,
              (Events{{EPOLLERR, 8}}));
    EXPECT_EQ(run.note("SO_ERROR", socket_error(udp.get())), ECONNREFUSED);
    EXPECT_EQ(run.wait(ep, "error consumed", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(EventBits, PipeReaderGetsHupWhenTheWriterCloses)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add read end, IN", ep.add(pipe.read.get(), EPOLLIN, 9)), 0);
    ASSERT_EQ(::write(pipe.write.get(), "z", 1), 1);
    EXPECT_EQ(run.wait(ep, "data", 8, 0).events, (Events{{EPOLLIN, 9}}));
    pipe.write.reset();
    EXPECT_EQ(run.wait(ep, "writer gone, data left", 8, 0).events,
              (Events{{EPOLLIN | EPOLLHUP, 9}}));
    char byte;
    EXPECT_EQ(run.note("read", ::read(pipe.read.get(), &byte, 1)), 1);
    EXPECT_EQ(run.wait(ep, "writer gone, empty", 8, 0).events, (Events{{EPOLLHUP, 9}}));
}

MYEPOLL_SCENARIO(EventBits, PipeWriterGetsErrWhenTheReaderCloses)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add write end, mask 0", ep.add(pipe.write.get(), 0, 10)), 0);
    UniqueFd copy(::dup(pipe.write.get()));
    ASSERT_EQ(run.note("add its dup, OUT", ep.add(copy.get(), EPOLLOUT, 11)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, 0).events, (Events{{EPOLLOUT, 11}}));
    pipe.read.reset();
    EXPECT_EQ(run.wait(ep, "reader gone", 8, 0).events,
              (Events{{EPOLLERR, 10}, {EPOLLOUT | EPOLLERR, 11}}));
}

MYEPOLL_SCENARIO(EventBits, UnixStreamHalfCloseThenClose)
{
    auto [a, b] = unix_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|RDHUP", ep.add(b.get(), EPOLLIN | EPOLLRDHUP, 12)), 0);
    EXPECT_EQ(run.wait(ep, "open", 8, 0).rc, 0);
    ASSERT_EQ(::shutdown(a.get(), SHUT_WR), 0);
    EXPECT_EQ(run.wait(ep, "peer shut down writing", 8, 0).events,
              (Events{{EPOLLIN | EPOLLRDHUP, 12}}));
    a.reset();
    EXPECT_EQ(run.wait(ep, "peer closed", 8, 0).events,
              (Events{{EPOLLIN | EPOLLRDHUP | EPOLLHUP, 12}}));
}

MYEPOLL_SCENARIO(EventBits, EventfdCounterBounds)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|OUT", ep.add(efd.get(), EPOLLIN | EPOLLOUT, 13)), 0);
    EXPECT_EQ(run.wait(ep, "counter 0", 8, 0).events, (Events{{EPOLLOUT, 13}}));
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(run.wait(ep, "counter 1", 8, 0).events, (Events{{EPOLLIN | EPOLLOUT, 13}}));
    EXPECT_EQ(run.wait(ep, "still 1", 8, 0).events, (Events{{EPOLLIN | EPOLLOUT, 13}}));
    eventfd_add(efd.get(), 0xfffffffffffffffdull);
    EXPECT_EQ(run.wait(ep, "counter at its maximum", 8, 0).events, (Events{{EPOLLIN, 13}}));
    EXPECT_EQ(run.note("read", eventfd_take(efd.get()) == 0xfffffffffffffffeull), 1);
    EXPECT_EQ(run.wait(ep, "read: counter 0", 8, 0).events, (Events{{EPOLLOUT, 13}}));
}
