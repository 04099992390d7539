// Close: a registration disappears, with no DEL, when the last reference to
// the watched open file goes away, and only then; the file really closes at
// that moment (a TCP peer sees FIN at once).  Sockets, eventfd (all
// anon-inode files share one inode), pipes (both ends share one inode),
// timerfd and signalfd (whose wait queue can be freed under a watcher:
// POLLFREE).
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "blocked_waiters.hpp"
#include "child_process.hpp"
#include "fd_passing.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "signals.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(Close);

namespace
{

// A new eventfd that gets descriptor `number` (which must be free).
UniqueFd eventfd_at(int number)
{
    UniqueFd efd = make_eventfd(1);
    if (efd.get() == number)
        return efd;
    UniqueFd moved(::dup2(efd.get(), number));
    return moved.get() == number ? std::move(moved) : UniqueFd();
}

} // namespace

MYEPOLL_SCENARIO(Close, PeerSeesFinAtOnceWithoutDel)
{
    auto [client, server] = tcp_pair();
    Instance a = run.instance();
    Instance b = run.instance();
    ASSERT_EQ(run.note("a: add IN|ET", a.add(server.get(), EPOLLIN | EPOLLET, 1)), 0);
    ASSERT_EQ(run.note("b: add IN|OUT", b.add(server.get(), EPOLLIN | EPOLLOUT, 2)), 0);
    const auto start = Clock::now();
    server.reset(); // watched by two instances, never deleted
    ASSERT_TRUE(wait_readable(client.get(), kEventDeadline));
    EXPECT_LT(Clock::now() - start, 500ms) << "FIN was late";
    EXPECT_EQ(run.note("peer reads EOF", static_cast<long>(read_some(client.get(), 8))), 0);
    EXPECT_EQ(run.wait(a, "a: nothing", 8, 0).rc, 0);
    EXPECT_EQ(run.wait(b, "b: nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Close, ReadyItemClosedBeforeTheWaitIsNotReported)
{
    auto [client, server] = tcp_pair();
    auto [client2, server2] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add 1", ep.add(server.get(), EPOLLOUT, 1)), 0);
    ASSERT_EQ(run.note("add 2", ep.add(server2.get(), EPOLLOUT, 2)), 0);
    server.reset(); // queued as ready, then closed
    EXPECT_EQ(run.wait(ep, "only the open one", 8, 0).events, (Events{{EPOLLOUT, 2}}));
}

MYEPOLL_SCENARIO(Close, ReusedNumberIsNotReportedUnderTheOldData)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const int number = server.get();
    ASSERT_EQ(run.note("add", ep.add(number, EPOLLIN, 0x01d)), 0);
    send_text(client.get(), "x");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    server.reset();                       // ready and closed
    UniqueFd reused = eventfd_at(number); // readable at once
    ASSERT_TRUE(reused);
    EXPECT_EQ(run.wait(ep, "new file on the old number", 8, ms(20)).rc, 0);
    EXPECT_EQ(run.note("MOD number", ep.mod(number, EPOLLIN, 0x2)), -ENOENT);
    EXPECT_EQ(run.note("ADD number", ep.add(number, EPOLLIN, 0x2)), 0);
    EXPECT_EQ(run.wait(ep, "only the new data", 8, 0).events, (Events{{EPOLLIN, 0x2}}));
}

MYEPOLL_SCENARIO(Close, PeerSeesFinOnlyWhenTheLastDupCloses)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLOUT, 3)), 0);
    UniqueFd copy(::dup(server.get()));
    server.reset();
    EXPECT_EQ(run.note("one of two closed: peer sees nothing", wait_readable(client.get(), 20ms)),
              0);
    EXPECT_EQ(run.wait(ep, "registration alive", 8, 0).events, (Events{{EPOLLOUT, 3}}));
    copy.reset();
    ASSERT_TRUE(wait_readable(client.get(), kEventDeadline));
    EXPECT_EQ(run.note("last closed: EOF", static_cast<long>(read_some(client.get(), 8))), 0);
    EXPECT_EQ(run.wait(ep, "registration gone", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Close, UnixSocketPeerSeesEofWithoutDel)
{
    auto [a, b] = unix_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(b.get(), EPOLLIN | EPOLLOUT, 4)), 0);
    b.reset();
    ASSERT_TRUE(wait_readable(a.get(), kEventDeadline));
    EXPECT_EQ(run.note("peer reads EOF", static_cast<long>(read_some(a.get(), 8))), 0);
    EXPECT_EQ(run.wait(ep, "nothing", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Close, EventfdCloseWithoutDel)
{
    UniqueFd efd = make_eventfd(1);
    Instance ep = run.instance();
    const int number = efd.get();
    ASSERT_EQ(run.note("add", ep.add(number, EPOLLIN, 0xE1)), 0);
    EXPECT_EQ(run.wait(ep, "readable", 8, 0).events, (Events{{EPOLLIN, 0xE1}}));
    efd.reset();
    EXPECT_EQ(run.wait(ep, "closed", 8, 0).rc, 0);
    UniqueFd reused = eventfd_at(number);
    ASSERT_TRUE(reused);
    EXPECT_EQ(run.wait(ep, "another eventfd on the number", 8, 0).rc, 0);
    EXPECT_EQ(run.note("ADD it", ep.add(number, EPOLLIN, 0xE2)), 0);
    EXPECT_EQ(run.wait(ep, "the new registration", 8, 0).events, (Events{{EPOLLIN, 0xE2}}));
}

MYEPOLL_SCENARIO(Close, ClosingOneAnonInodeFileKeepsTheOthers)
{
    // eventfds, a timerfd and an instance all live on one anon inode.
    UniqueFd first = make_eventfd(1);
    UniqueFd second = make_eventfd(1);
    UniqueFd timer = make_timerfd();
    Instance inner = run.instance();
    UniqueFd inner_item = make_eventfd(1);
    ASSERT_EQ(run.note("inner: add", inner.add(inner_item.get(), EPOLLIN, 9)), 0);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add first", ep.add(first.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add second", ep.add(second.get(), EPOLLIN, 2)), 0);
    ASSERT_EQ(run.note("add timer", ep.add(timer.get(), EPOLLIN, 3)), 0);
    ASSERT_EQ(run.note("add instance", ep.add(inner.fd(), EPOLLIN, 4)), 0);
    EXPECT_EQ(run.wait(ep, "all", 8, 0).events, (Events{{EPOLLIN, 1}, {EPOLLIN, 2}, {EPOLLIN, 4}}));
    first.reset();
    EXPECT_EQ(run.wait(ep, "first closed", 8, 0).events, (Events{{EPOLLIN, 2}, {EPOLLIN, 4}}));
    inner_item.reset(); // closes inside the inner instance only
    EXPECT_EQ(run.wait(ep, "inner's item closed", 8, 0).events, (Events{{EPOLLIN, 2}}));
    arm_timer(timer.get(), 1);
    EXPECT_EQ(run.wait_for(ep, "timer expired", {{EPOLLIN, 2}, {EPOLLIN, 3}}).events,
              (Events{{EPOLLIN, 2}, {EPOLLIN, 3}}));
    second.reset();
    EXPECT_EQ(run.wait(ep, "second closed", 8, 0).events, (Events{{EPOLLIN, 3}}));
}

MYEPOLL_SCENARIO(Close, TimerfdFiresThenClosesWithoutDel)
{
    UniqueFd timer = make_timerfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(timer.get(), EPOLLIN, 0x71)), 0);
    arm_timer(timer.get(), ms(1));
    EXPECT_EQ(run.wait(ep, "1 ms timer", 8, ms(1000)).events, (Events{{EPOLLIN, 0x71}}));
    EXPECT_EQ(run.note("expirations", static_cast<long>(timer_expirations(timer.get()))), 1);
    EXPECT_EQ(run.wait(ep, "read", 8, 0).rc, 0);
    arm_timer(timer.get(), ms(5));
    timer.reset(); // armed, watched, closed
    EXPECT_EQ(run.wait(ep, "closed before it fired", 8, ms(30)).rc, 0);
}

MYEPOLL_SCENARIO(Close, PipeWriteEndCloseKeepsTheReadEndRegistered)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add read end", ep.add(pipe.read.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add write end", ep.add(pipe.write.get(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, 0).events, (Events{{EPOLLOUT, 2}}));
    pipe.write.reset(); // same inode as the read end
    EXPECT_EQ(run.wait(ep, "read end: HUP", 8, 0).events, (Events{{EPOLLHUP, 1}}));
    EXPECT_EQ(run.note("MOD read end", ep.mod(pipe.read.get(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.wait(ep, "still registered", 8, 0).events, (Events{{EPOLLHUP, 3}}));
}

MYEPOLL_SCENARIO(Close, PipeReadEndCloseKeepsTheWriteEndRegistered)
{
    Pipe pipe = make_pipe();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add read end", ep.add(pipe.read.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add write end", ep.add(pipe.write.get(), EPOLLOUT, 2)), 0);
    ASSERT_EQ(::write(pipe.write.get(), "x", 1), 1);
    EXPECT_EQ(run.wait(ep, "both", 8, 0).events, (Events{{EPOLLIN, 1}, {EPOLLOUT, 2}}));
    pipe.read.reset();
    EXPECT_EQ(run.wait(ep, "write end: OUT|ERR", 8, 0).events, (Events{{EPOLLOUT | EPOLLERR, 2}}));
}

MYEPOLL_SCENARIO(Close, SignalfdReportsASignalThenClosesWithoutDel)
{
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    UniqueFd sfd = make_signalfd(signal_set(SIGUSR1));
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(sfd.get(), EPOLLIN, 0x5f)), 0);
    EXPECT_EQ(run.wait(ep, "no signal", 8, 0).rc, 0);
    ::pthread_kill(::pthread_self(), SIGUSR1);
    EXPECT_EQ(run.wait(ep, "SIGUSR1 pending", 8, ms(1000)).events, (Events{{EPOLLIN, 0x5f}}));
    sfd.reset();
    EXPECT_EQ(run.wait(ep, "closed", 8, 0).rc, 0);
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(Close, SignalfdOfAnExitedProcessIsDetachedByPollfree)
{
    // A child adds its own signalfd (hooked on the child's signal wait
    // queue) to the shared instance and hands the file to the parent.  When
    // the child is reaped its signal handlers, and that wait queue, are
    // freed: POLLFREE.  The registration stays, hooked on nothing; re-polls
    // see the parent's signals (signalfd polls the caller's).
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    Instance ep = run.instance();
    auto [parent_end, child_end] = unix_pair();
    UniqueFd sfd;
    {
        ChildProcess child([&](ChildReport &r) {
            UniqueFd own = make_signalfd(signal_set(SIGUSR1));
            r.put(ep.add(own.get(), EPOLLIN, 0x5f));
            send_fd(child_end.get(), own.get());
            char go = 0;
            if (::read(child_end.get(), &go, 1) != 1)
                return 2;
            ::kill(::getpid(), SIGUSR1); // pending in the child: its signalfd wakes
            Event events[4];
            r.put(ep.wait(events, 4, 0)); // the child sees it
            return 0;
        });
        sfd = receive_fd(parent_end.get());
        EXPECT_EQ(run.wait(ep, "parent: nothing yet", 8, 0).rc, 0);
        ::pthread_kill(::pthread_self(), SIGUSR1); // pending in the parent too
        ASSERT_EQ(::write(parent_end.get(), "g", 1), 1);
        EXPECT_EQ(run.note("child: exit status", child.wait()), 0); // reaped: POLLFREE
        const std::vector<long> reports = child.reports();
        for (long value : reports)
            run.note("child: report", value);
        // The child's ADD succeeded and its signal made the item ready.
        EXPECT_EQ(reports, (std::vector<long>{0, 1}));
    }
    EXPECT_EQ(run.wait(ep, "after POLLFREE: parent's signal, level", 8, 0).events,
              (Events{{EPOLLIN, 0x5f}}));
    discard_pending(SIGUSR1);
    EXPECT_EQ(run.wait(ep, "consumed: idle, dropped", 8, 0).rc, 0);
    ::pthread_kill(::pthread_self(), SIGUSR1);
    EXPECT_EQ(run.wait(ep, "a new signal: no wait queue, no wakeup", 8, ms(20)).rc, 0);
    discard_pending(SIGUSR1);
    sfd.reset(); // the last reference: the registration goes
    EXPECT_EQ(run.wait(ep, "closed", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Close, CloseDuringABlockedWaitEndsQuietly)
{
    auto [client, server] = tcp_pair();
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add socket", ep.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add eventfd", ep.add(efd.get(), EPOLLIN, 2)), 0);
    std::vector<Instance *> one{&ep};
    BlockedWaiters waiter(run, one, 8, ms(150));
    EXPECT_TRUE(waiter.wait_until_blocked());
    server.reset();
    efd.reset();
    const std::vector<WaitResult> results = waiter.join();
    run.record("the waiter", results[0]);
    EXPECT_EQ(results[0].rc, 0);
    ASSERT_TRUE(wait_readable(client.get(), kEventDeadline));
    EXPECT_EQ(run.note("peer reads EOF", static_cast<long>(read_some(client.get(), 8))), 0);
}
