// Case 7, myepoll_wait_return marks every return of MYEPOLL_IOC_WAIT
// (docs/tracing.md), the early failures included: a bad sigsetsize,
// non-zero flags, an unreadable argument structure or signal mask.  Each
// failed call must show exactly one event, with its error as the result.
// (A zero maxevents, which was always traced, is the control.)
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "backend.hpp"
#include "calls.hpp"
#include "format.hpp"
#include "tracefs.hpp"

using namespace myepoll;
using namespace myepoll::hostile;

namespace
{

enum class Early { BadSigsetSize, NonZeroFlags, UnreadableArgs, UnreadableSigmask, ZeroMaxevents };

struct EarlyCase {
    Early kind;
    const char *name;
    int error; // the errno the call fails with
};

constexpr uint64_t kUnmapped = 8; // the first page is never mapped

// The failing WAIT: its result (-errno).
long failing_wait(const EarlyCase &c, int epfd)
{
    Event events[4] = {};
    sigset_t mask;
    sigemptyset(&mask);
    struct myepoll_wait args {
    };
    args.events = gauntlet::user_ptr(events);
    args.maxevents = 4;
    args.timeout_ns = 0;
    switch (c.kind) {
    case Early::BadSigsetSize:
        args.sigmask = gauntlet::user_ptr(&mask);
        args.sigsetsize = gauntlet::kKernelSigsetSize - 1;
        break;
    case Early::NonZeroFlags:
        args.flags = 1;
        break;
    case Early::UnreadableArgs:
        return gauntlet::raw_ioctl(epfd, MYEPOLL_IOC_WAIT, kUnmapped);
    case Early::UnreadableSigmask:
        args.sigmask = kUnmapped;
        args.sigsetsize = gauntlet::kKernelSigsetSize;
        break;
    case Early::ZeroMaxevents:
        args.maxevents = 0;
        break;
    }
    return gauntlet::raw_ioctl(epfd, MYEPOLL_IOC_WAIT, gauntlet::user_ptr(&args));
}

class WaitReturnTrace : public testing::TestWithParam<EarlyCase>
{
};

TEST_P(WaitReturnTrace, EarlyFailureFiresOneEventWithTheError)
{
    const EarlyCase c = GetParam();
    Instance ep(backend(BackendKind::MyEpoll));
    TraceInstance trace("hostile-waitret-" + std::to_string(::getpid()));
    const long tid = ::syscall(SYS_gettid);
    const std::string why =
        trace.enable("myepoll", "myepoll_wait_return", "common_pid == " + std::to_string(tid));
    ASSERT_TRUE(why.empty()) << why;
    trace.clear();
    const long rc = failing_wait(c, ep.fd());
    ASSERT_EQ(rc, -c.error) << "the WAIT returned " << gauntlet::rc_name(rc);
    const auto events = trace.events("myepoll_wait_return");
    ASSERT_EQ(events.size(), 1u) << "myepoll_wait_return events for one WAIT failing with "
                                 << gauntlet::rc_name(rc);
    EXPECT_EQ(events[0].number("result"), rc)
        << "the event's result field: '"
        << (events[0].fields.count("result") ? events[0].fields.at("result") : "(none)") << "'";
}

INSTANTIATE_TEST_SUITE_P(
    , WaitReturnTrace,
    testing::Values(EarlyCase{Early::BadSigsetSize, "BadSigsetSize", EINVAL},
                    EarlyCase{Early::NonZeroFlags, "NonZeroFlags", EINVAL},
                    EarlyCase{Early::UnreadableArgs, "UnreadableArgs", EFAULT},
                    EarlyCase{Early::UnreadableSigmask, "UnreadableSigmask", EFAULT},
                    EarlyCase{Early::ZeroMaxevents, "ZeroMaxevents", EINVAL}),
    [](const testing::TestParamInfo<EarlyCase> &info) { return std::string(info.param.name); });

} // namespace
