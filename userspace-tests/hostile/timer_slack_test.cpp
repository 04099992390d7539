// Case 6, the timer slack of a WAIT with a timeout, as native's.  Native
// epoll_pwait2() arms its hrtimer with select_estimate_accuracy() of the
// time left: 1/1000 of it, 1/200 (1000/5) for a task with nice > 0, at
// least the task's timer_slack_ns, at most 100 ms.  The slack is read
// exactly, from the hrtimer_start tracepoint of the waiting task: hard
// expiry (expires) minus soft expiry (softexpires).  No lateness is
// measured.
//
// Native computes the slack from the time left when it estimates, a little
// after the expiry was fixed: its slack is (T - e) / d for some e between 0
// and the time from the start of the wait (softexpires - T) to the
// tracepoint (the event's timestamp on the mono trace clock, to the
// microsecond).  Both backends must land in that window for the divisor d
// of the task's nice value; T = 200 ms keeps the slack above the 50 us
// timer_slack_ns floor and below the 100 ms cap.
#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child_process.hpp"
#include "gate.hpp"
#include "identity.hpp"
#include "run.hpp"
#include "tracefs.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

namespace
{

constexpr int64_t kTimeout = ms(200);

struct Slack {
    std::string error; // why nothing was measured
    long long slack = 0;
    long long low = 0; // the window for divisor d
    long long high = 0;
};

// One WAIT with kTimeout, by a child at `nice` running as kNobody, on
// `kind`: the slack its hrtimer got, and the window of divisor d.
Slack measure(BackendKind kind, int nice, long long divisor)
{
    Slack out;
    TraceInstance trace("hostile-slack-" + std::to_string(::getpid()));
    if (std::string why = trace.set_clock("mono"); !why.empty())
        return {why};
    Gate gate;
    ChildProcess child([&gate, kind, nice](ChildReport &report) {
        if (!become_user(kNobody) || ::setpriority(PRIO_PROCESS, 0, nice) != 0)
            return 3;
        Instance ep(backend(kind)); // nothing to wait for: the timeout ends it
        if (!gate.pass())
            return 4;
        Event event{};
        report.put(ep.wait(&event, 1, kTimeout));
        return 0;
    });
    if (std::string why =
            trace.enable("timer", "hrtimer_start", "common_pid == " + std::to_string(child.pid()));
        !why.empty())
        return {why};
    gate.open();
    const std::optional<long> waited = child.next_report(std::chrono::seconds(5));
    const int status = child.wait();
    if (waited != 0L || status != 0)
        return {"the WAIT returned " + (waited ? result_text(*waited) : "nothing within 5 s") +
                ", exit status " + std::to_string(status) + " (expected 0 after the timeout)"};
    for (const TraceEvent &e : trace.events("hrtimer_start")) {
        const auto expires = e.number("expires");
        const auto soft = e.number("softexpires");
        if (e.fields.count("function") == 0 || e.fields.at("function") != "hrtimer_wakeup" ||
            !expires || !soft)
            continue;
        out.slack = *expires - *soft;
        const long long start = *soft - kTimeout;
        const long long elapsed = static_cast<long long>(e.timestamp_ns) + 999 - start;
        out.low = (kTimeout - elapsed) / divisor - 1; // native floors sec and nsec apart
        out.high = kTimeout / divisor;
        return out;
    }
    return {"no timer:hrtimer_start event of function hrtimer_wakeup from the waiting child"};
}

class TimerSlack : public testing::TestWithParam<int>
{
};

TEST_P(TimerSlack, HrtimerSlackOfAWaitIsNatives)
{
    const int nice = GetParam();
    const long long divisor = nice > 0 ? 1000 / 5 : 1000; // fs/select.c
    const Slack native = measure(BackendKind::Native, nice, divisor);
    ASSERT_TRUE(native.error.empty()) << "native: " << native.error;
    const Slack tested = measure(BackendKind::MyEpoll, nice, divisor);
    ASSERT_TRUE(tested.error.empty()) << "myepoll: " << tested.error;
    std::ostringstream both;
    both << "timeout " << kTimeout << " ns at nice " << nice << ": slack native " << native.slack
         << " ns (window " << native.low << ".." << native.high << "), myepoll " << tested.slack
         << " ns (window " << tested.low << ".." << tested.high << "), i.e. timeout / " << divisor;
    EXPECT_TRUE(native.low <= native.slack && native.slack <= native.high)
        << "native itself is not timeout / " << divisor << ": " << both.str();
    EXPECT_TRUE(tested.low <= tested.slack && tested.slack <= tested.high)
        << "myepoll's slack is not native's: " << both.str() << "; myepoll's divisor is about "
        << (tested.slack > 0 ? kTimeout / tested.slack : 0);
}

INSTANTIATE_TEST_SUITE_P(, TimerSlack, testing::Values(0, 10),
                         [](const testing::TestParamInfo<int> &info) {
                             return "Nice" + std::to_string(info.param);
                         });

} // namespace
