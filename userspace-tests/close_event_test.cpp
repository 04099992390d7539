// Close events, kind by kind: the last close of each kind of file that
// applications watch removes its registration at once, with no DEL (the
// instance's fdinfo lists no item right after close() returns), and nothing
// pins the file: a TCP peer reads EOF (FIN), a pipe's reader reads EOF.
//
// myepoll hears of a last close through fsnotify (FS_CLOSE_* on a mark of
// the file's superblock: sockfs, pipefs, the anon-inode filesystem, and
// pidfs from 6.9).  Which files send those events changed between 6.1 and
// 6.12 (the FMODE_NONOTIFY bits), and a file that sends none would be
// pinned instead: each kind gets its own case, on every kernel.
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "child_process.hpp"
#include "fdinfo.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "signals.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(CloseEvent);

namespace
{

// Records how many items ep's fdinfo lists.
long record_items(Run &run, const Instance &ep, const char *when)
{
    return run.note(when, static_cast<long>(fdinfo_items(ep.fd()).size()));
}

} // namespace

MYEPOLL_SCENARIO(CloseEvent, TcpSocket)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|OUT", ep.add(server.get(), EPOLLIN | EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, 0).events, (Events{{EPOLLOUT, 1}}));
    server.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    ASSERT_TRUE(wait_readable(client.get(), kEventDeadline)) << "no FIN: the socket is pinned";
    EXPECT_EQ(run.note("peer reads EOF", static_cast<long>(read_some(client.get(), 8))), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CloseEvent, Pipe)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add write end", ep.add(pipe.write.get(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, 0).events, (Events{{EPOLLOUT, 2}}));
    pipe.write.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    char byte = 0;
    // No writer left: EOF, not EAGAIN (which a pinned write end would give).
    const long got = ::read(pipe.read.get(), &byte, 1);
    EXPECT_EQ(run.note("reader reads", got < 0 ? -errno : got), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CloseEvent, Eventfd)
{
    UniqueFd efd = make_eventfd(1);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(efd.get(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.wait(ep, "readable", 8, 0).events, (Events{{EPOLLIN, 3}}));
    efd.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CloseEvent, Timerfd)
{
    UniqueFd timer = make_timerfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(timer.get(), EPOLLIN, 4)), 0);
    arm_timer(timer.get(), 1);
    EXPECT_EQ(run.wait_for(ep, "expired", {{EPOLLIN, 4}}).events, (Events{{EPOLLIN, 4}}));
    timer.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CloseEvent, Signalfd)
{
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    UniqueFd sfd = make_signalfd(signal_set(SIGUSR1));
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(sfd.get(), EPOLLIN, 5)), 0);
    ::pthread_kill(::pthread_self(), SIGUSR1);
    EXPECT_EQ(run.wait(ep, "SIGUSR1 pending", 8, ms(1000)).events, (Events{{EPOLLIN, 5}}));
    sfd.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(CloseEvent, Pidfd)
{
    ChildProcess child([](ChildReport &) { return 0; });
    UniqueFd pidfd = make_pidfd(child.pid()); // a zombie still has its pid
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(pidfd.get(), EPOLLIN, 6)), 0);
    EXPECT_EQ(run.wait_for(ep, "child exited", {{EPOLLIN, 6}}).events, (Events{{EPOLLIN, 6}}));
    pidfd.reset();
    EXPECT_EQ(record_items(run, ep, "items after the close"), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
    EXPECT_EQ(run.note("child's exit status", child.wait()), 0);
}
