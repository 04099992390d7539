// The differential suite's main: gtest with the console protocol listener.
//
// Environment:
//   MYEPOLL_HOST_NATIVE_ONLY=1  only the native backend (hosts without the module)
//   MYEPOLL_TEST_MUTANT=<name>  test a deliberately broken backend instead of
//                               /dev/myepoll (see mutant_backend.hpp); "list"
//                               prints the names
//   MYEPOLL_TEST_VERBOSE=1      keep gtest's own printer
//   MYEPOLL_TEST_RING=1         the ring suite: the scenarios over the shared
//                               ready ring only (ring_skips.hpp)
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "console_listener.hpp"
#include "mutant_backend.hpp"
#include "ring_skips.hpp"
#include "watchdog.hpp"

namespace
{

// Room for the 1,000-connection scenario (two sockets each) and more.
void raise_fd_limit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return;
    constexpr rlim_t kWanted = 8192;
    if (limit.rlim_max < kWanted) {
        rlimit raised{kWanted, kWanted};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) // root (the VM) may raise the hard limit
            return;
    }
    limit.rlim_cur = limit.rlim_max < kWanted ? limit.rlim_max : kWanted;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

bool env_is_set(const char *name)
{
    const char *value = std::getenv(name);
    return value != nullptr && *value != '\0' && std::string(value) != "0";
}

} // namespace

int main(int argc, char **argv)
{
    if (const char *mutant = std::getenv("MYEPOLL_TEST_MUTANT");
        mutant != nullptr && std::string(mutant) == "list") {
        for (std::string_view name : myepoll::test::mutant_names())
            std::printf("%.*s\n", static_cast<int>(name.size()), name.data());
        return 0;
    }

    testing::InitGoogleTest(&argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    myepoll::test::install_watchdog_handler();

    const bool ring = myepoll::test::ring_suite();
    if (ring)
        myepoll::test::filter_ring_suite();
    const bool terse = !env_is_set("MYEPOLL_TEST_VERBOSE");
    testing::TestEventListeners &listeners = testing::UnitTest::GetInstance()->listeners();
    if (terse) // gtest hands the default printer back to us: dropped here
        std::unique_ptr<testing::TestEventListener>(
            listeners.Release(listeners.default_result_printer()));
    listeners.Append(
        std::make_unique<myepoll::test::ConsoleListener>(ring ? "ring" : "differential",
                                                         terse)
            .release()); // gtest owns its listeners
    return RUN_ALL_TESTS();
}
