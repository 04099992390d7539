// Timeouts are nanoseconds (epoll_pwait2 takes a timespec): sub-millisecond
// timeouts block for at least their duration and are not rounded down to
// milliseconds.  Only lower bounds are checked (timer slack and a slow VM
// make the upper bound meaningless).
#include <sys/epoll.h>

#include <chrono>
#include <string>

#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(NanoTimeout);

namespace
{

// A wait on an idle item with `timeout_ns`: recorded (0 events expected);
// the elapsed time must be at least the timeout.
void expect_full_timeout(Run &run, Instance &ep, int64_t timeout_ns)
{
    const auto start = Clock::now();
    const WaitResult got =
        run.wait(ep, "timeout " + std::to_string(timeout_ns) + " ns", 8, timeout_ns);
    const auto elapsed = Clock::now() - start;
    EXPECT_EQ(got.rc, 0);
    EXPECT_GE(elapsed, std::chrono::nanoseconds(timeout_ns)) << "timeout " << timeout_ns << " ns";
}

} // namespace

MYEPOLL_SCENARIO(NanoTimeout, SubMillisecondTimeoutsLastAtLeastTheirDuration)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add idle eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    for (int64_t timeout : {int64_t{1'000'000}, int64_t{100'000}, int64_t{10'000}, int64_t{1}})
        expect_full_timeout(run, ep, timeout);
}

MYEPOLL_SCENARIO(NanoTimeout, FractionsOfMillisecondsAreKept)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add idle eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    for (int64_t timeout : {int64_t{1'900'000}, int64_t{2'999'999}, int64_t{999'999}})
        expect_full_timeout(run, ep, timeout);
}

MYEPOLL_SCENARIO(NanoTimeout, OneNanosecondStillHarvestsReadyEvents)
{
    UniqueFd efd = make_eventfd(1);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add ready eventfd", ep.add(efd.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.wait(ep, "timeout 1 ns", 8, 1).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.note("read", static_cast<long>(eventfd_take(efd.get()))), 1);
    EXPECT_EQ(run.wait(ep, "timeout 1 ns, idle", 8, 1).rc, 0);
}
