// Running a scenario body in each mode.
#include <unistd.h>

#include <linux/myepoll.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include <gtest/gtest-spi.h>

#include "mutant_backend.hpp"
#include "ring_relation.hpp"
#include "ring_skips.hpp"
#include "run.hpp"
#include "scenario.hpp"

namespace myepoll::test
{

namespace
{

bool env_is_set(const char *name)
{
    const char *value = std::getenv(name);
    return value != nullptr && *value != '\0' && std::string(value) != "0";
}

// The backend under test: /dev/myepoll, or a deliberately broken wrapper of
// native epoll when MYEPOLL_TEST_MUTANT names one (to prove that the suite
// catches a broken backend).  Null, with the reason, when unavailable.
Backend *tested_backend(std::string *why)
{
    if (const char *mutant = std::getenv("MYEPOLL_TEST_MUTANT"); mutant != nullptr && *mutant) {
        Backend *b = mutant_backend(mutant);
        if (b == nullptr)
            *why = std::string("unknown MYEPOLL_TEST_MUTANT '") + mutant + "'";
        return b;
    }
    if (::access(MYEPOLL_DEVICE, R_OK | W_OK) != 0) {
        *why = MYEPOLL_DEVICE " is not available (" + std::string(strerrorname_np(errno)) +
               "): is the myepoll module loaded?  On a host without it, set "
               "MYEPOLL_HOST_NATIVE_ONLY=1 to run the native backend only.";
        return nullptr;
    }
    return &backend(BackendKind::MyEpoll);
}

// MYEPOLL_TEST_TRACE=1 prints every run's trace (for debugging a backend).
void maybe_print(const char *backend_name, const Trace &trace)
{
    if (!env_is_set("MYEPOLL_TEST_TRACE"))
        return;
    std::ostringstream os;
    os << "trace (" << backend_name << "):\n";
    for (const Step &step : trace) {
        os << "  ";
        PrintTo(step, &os);
        os << "\n";
    }
    std::fputs(os.str().c_str(), stdout);
    std::fflush(stdout);
}

// The ring run's own expectations, for the report of a failed relation:
// they compare exact bits and so may fail where the relation holds.
std::string expectations_text(const testing::TestPartResultArray &results)
{
    std::string text;
    constexpr int kShown = 3;
    for (int i = 0; i < results.size() && i < kShown; ++i)
        text += std::string("\n  ring run: ") + results.GetTestPartResult(i).summary();
    if (results.size() > kShown)
        text += "\n  ring run: " + std::to_string(results.size() - kShown) + " more";
    return text;
}

// Mode::RingDifferential: the oracle's expectations hold on native epoll;
// on the ring, whose bits may be fewer, the relation replaces them.
void run_ring_differential(Backend &native, ScenarioBody body)
{
    if (::access(MYEPOLL_DEVICE, R_OK | W_OK) != 0)
        FAIL() << MYEPOLL_DEVICE " is not available: is the myepoll module loaded?";
    Run oracle(native);
    {
        SCOPED_TRACE("on the native backend (oracle run)");
        body(oracle);
    }
    Backend &ring_backend = backend(BackendKind::MyEpollRing);
    Run run(ring_backend);
    testing::TestPartResultArray ring_expectations;
    {
        const testing::ScopedFakeTestPartResultReporter intercept(
            testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &ring_expectations);
        body(run);
    }
    maybe_print("native", oracle.trace());
    maybe_print(ring_backend.name().data(), run.trace());
    const std::string difference = ring_difference(oracle.trace(), run.trace());
    EXPECT_TRUE(difference.empty()) << difference << expectations_text(ring_expectations);
    EXPECT_FALSE(oracle.trace().empty()) << "the scenario recorded nothing to compare";
}

} // namespace

std::vector<Mode> active_modes()
{
    if (ring_suite())
        return {Mode::RingDifferential};
    if (env_is_set("MYEPOLL_HOST_NATIVE_ONLY") && !env_is_set("MYEPOLL_TEST_MUTANT"))
        return {Mode::Native};
    return {Mode::Native, Mode::MyEpoll, Mode::Differential};
}

std::string mode_name(const testing::TestParamInfo<Mode> &info)
{
    switch (info.param) {
    case Mode::Native:
        return "Native";
    case Mode::MyEpoll:
        return "MyEpoll";
    case Mode::Differential:
        return "Differential";
    case Mode::RingDifferential:
        return "RingDifferential";
    }
    return "Unknown";
}

void run_scenario(Mode mode, ScenarioBody body)
{
    Backend &native = backend(BackendKind::Native);
    std::string why;
    switch (mode) {
    case Mode::Native: {
        Run run(native);
        body(run);
        maybe_print("native", run.trace());
        return;
    }
    case Mode::MyEpoll: {
        Backend *tested = tested_backend(&why);
        if (tested == nullptr)
            FAIL() << why;
        Run run(*tested);
        body(run);
        maybe_print(tested->name().data(), run.trace());
        return;
    }
    case Mode::Differential: {
        Backend *tested = tested_backend(&why);
        if (tested == nullptr)
            FAIL() << why;
        Run oracle(native);
        {
            SCOPED_TRACE("on the native backend (oracle run)");
            body(oracle);
        }
        Run run(*tested);
        {
            SCOPED_TRACE("on the myepoll backend");
            body(run);
        }
        maybe_print("native", oracle.trace());
        maybe_print(tested->name().data(), run.trace());
        const std::string difference = trace_difference(oracle.trace(), run.trace());
        EXPECT_TRUE(difference.empty()) << difference;
        EXPECT_FALSE(oracle.trace().empty()) << "the scenario recorded nothing to compare";
        return;
    }
    case Mode::RingDifferential:
        run_ring_differential(native, body);
        return;
    }
}

} // namespace myepoll::test
