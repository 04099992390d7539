// epoll_pwait2 errors: maxevents range, bad epfd, and what happens when the
// events buffer cannot be written (EFAULT if nothing was copied, else a
// partial count with the rest kept ready).
#include <sys/epoll.h>
#include <sys/mman.h>

#include <cerrno>
#include <climits>

#include "files.hpp"
#include "memory.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(WaitError);

namespace
{

// INT_MAX / sizeof(struct epoll_event), native's EP_MAX_EVENTS.
constexpr int kMaxEvents = static_cast<int>(INT_MAX / sizeof(Event));

// One connection whose server side is readable, registered with data 1.
struct ReadyConnection {
    std::pair<UniqueFd, UniqueFd> pair = tcp_pair();
    UniqueFd &server() { return pair.second; }
};

::testing::AssertionResult make_ready(Run &run, Instance &ep, ReadyConnection &c, uint64_t data)
{
    if (run.note("ADD", ep.add(c.server().get(), EPOLLIN, data)) != 0)
        return ::testing::AssertionFailure() << "ADD failed";
    send_text(c.pair.first.get(), "x");
    if (!wait_readable(c.server().get(), kEventDeadline))
        return ::testing::AssertionFailure() << "data did not arrive";
    return ::testing::AssertionSuccess();
}

} // namespace

MYEPOLL_SCENARIO(WaitError, MaxeventsOutOfRangeIsEinval)
{
    Instance ep = run.instance();
    ReadyConnection c;
    ASSERT_TRUE(make_ready(run, ep, c, 1)); // even with an event ready
    Event events[4];
    for (int max : {0, -1, INT_MIN, kMaxEvents + 1, INT_MAX}) {
        EXPECT_EQ(run.note("maxevents " + std::to_string(max),
                           run.backend().wait(ep.fd(), events, max, 0)),
                  -EINVAL)
            << "maxevents " << max;
    }
    // EINVAL comes before EFAULT.
    EXPECT_EQ(run.note("maxevents 0, NULL buffer", run.backend().wait(ep.fd(), nullptr, 0, 0)),
              -EINVAL);
    EXPECT_EQ(run.wait(ep, "the event is still there", 4, 0).events, (Events{{EPOLLIN, 1}}));
}

MYEPOLL_SCENARIO(WaitError, MaxeventsAtTheLimitIsAccepted)
{
    Instance ep = run.instance();
    // Nothing ready and timeout 0: nothing is written, so no buffer is needed.
    EXPECT_EQ(run.note("maxevents EP_MAX_EVENTS, NULL buffer",
                       run.backend().wait(ep.fd(), nullptr, kMaxEvents, 0)),
              0);
}

MYEPOLL_SCENARIO(WaitError, ClosedEpfdIsEbadf)
{
    Event events[4];
    const int dead = closed_fd();
    EXPECT_EQ(run.note("wait on a closed fd", run.backend().wait(dead, events, 4, 0)), -EBADF);
}

MYEPOLL_SCENARIO(WaitError, NullBufferWithNothingReadyReturnsZero)
{
    Instance ep = run.instance();
    auto [client, server] = tcp_pair();
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("NULL buffer, timeout 0", run.backend().wait(ep.fd(), nullptr, 4, 0)), 0);
}

MYEPOLL_SCENARIO(WaitError, NullBufferWithReadyEventIsEfaultAndKeepsIt)
{
    Instance ep = run.instance();
    ReadyConnection c;
    ASSERT_TRUE(make_ready(run, ep, c, 1));
    EXPECT_EQ(run.note("NULL buffer", run.backend().wait(ep.fd(), nullptr, 4, 0)), -EFAULT);
    EXPECT_EQ(
        run.note("NULL buffer, timeout 100 ms", run.backend().wait(ep.fd(), nullptr, 4, ms(100))),
        -EFAULT);
    EXPECT_EQ(run.wait(ep, "not lost", 4, 0).events, (Events{{EPOLLIN, 1}}));
}

MYEPOLL_SCENARIO(WaitError, UnwritableBufferIsEfault)
{
    Instance ep = run.instance();
    ReadyConnection c;
    ASSERT_TRUE(make_ready(run, ep, c, 1));
    Mapping none(1, PROT_NONE);
    Mapping read_only(1, PROT_READ);
    Backend &b = run.backend();
    EXPECT_EQ(run.note("PROT_NONE buffer", b.wait(ep.fd(), none.data(), 4, 0)), -EFAULT);
    EXPECT_EQ(run.note("read-only buffer", b.wait(ep.fd(), read_only.data(), 4, 0)), -EFAULT);
    EXPECT_EQ(run.note("kernel address", b.wait(ep.fd(), kernel_address(), 4, 0)), -EFAULT);
    EXPECT_EQ(run.wait(ep, "not lost", 4, 0).events, (Events{{EPOLLIN, 1}}));
}

MYEPOLL_SCENARIO(WaitError, PartialCopyReturnsCountAndKeepsTheRest)
{
    Instance ep = run.instance();
    ReadyConnection c[3];
    for (uint64_t i = 0; i < 3; ++i)
        ASSERT_TRUE(make_ready(run, ep, c[i], i + 1));
    // Room for exactly one event before an inaccessible page.
    Mapping pages(2, PROT_READ | PROT_WRITE);
    pages.protect(1, 1, PROT_NONE);
    auto *last_slot =
        reinterpret_cast<Event *>(pages.data() + Mapping::page_size() - sizeof(Event));
    EXPECT_EQ(run.note("3 ready, room for 1", run.backend().wait(ep.fd(), last_slot, 3, 0)), 1);
    Event copied = *last_slot;
    EXPECT_EQ(run.note("copied event's bits", copied.events), EPOLLIN);
    EXPECT_EQ(run.note("copied event's data", static_cast<long>(copied.data)), 1);
    EXPECT_EQ(run.wait(ep, "all three still ready", 8, 0).events,
              (Events{{EPOLLIN, 1}, {EPOLLIN, 2}, {EPOLLIN, 3}}));
}
