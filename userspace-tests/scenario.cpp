// Running a scenario body in each mode.
#include <unistd.h>

#include <linux/myepoll.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include "mutant_backend.hpp"
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

} // namespace

std::vector<Mode> active_modes()
{
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
    }
}

} // namespace myepoll::test
