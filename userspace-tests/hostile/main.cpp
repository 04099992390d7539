// build/hostile: the hostile suite (scripts/suites/hostile.sh): a program
// or a user that does what no well-behaved program does — stalls a WAIT in
// its copy-out, closes files under a transfer, builds wakeup paths to the
// limits — and what it must not be able to do to another user, to the
// kernel, or to native epoll's invariants.  GoogleTest, with the console
// protocol of docs/testing.md; each case also announces itself with
//   @@myepoll case-start hostile <TestSuite.TestName>
// so that a panic or a hang is attributed to the case that was running.
//
// Environment:
//   HOSTILE_SKIP="dmabuf iouring"  cases this kernel cannot run: dmabuf (no
//                                  DRM/vgem: the debug kernel), iouring (no
//                                  io_uring); each skipped case is named in a
//                                  note line and in the closing summary
//   MYEPOLL_TEST_VERBOSE=1         keep gtest's own printer
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "console_listener.hpp"
#include "report.hpp"
#include "watchdog.hpp"

namespace
{

// What HOSTILE_SKIP can name: the test suites it removes, and why.
const std::map<std::string, std::pair<std::string, std::string>> kSkippable = {
    {"dmabuf", {"DyingFile", "needs a vgem dma-buf (DRM), which this kernel lacks"}},
    {"iouring", {"UringWake", "needs io_uring, which this kernel lacks"}},
};

class CaseStartListener : public testing::EmptyTestEventListener
{
  public:
    void OnTestStart(const testing::TestInfo &info) override
    {
        gauntlet::write_line(std::string("@@myepoll case-start hostile ") + info.test_suite_name() +
                             "." + info.name());
    }
};

// Adds the suites HOSTILE_SKIP names to gtest's negative filter; returns
// the note lines ("" and false on an unknown name).
bool apply_skips(std::vector<std::string> *notes)
{
    const char *env = std::getenv("HOSTILE_SKIP");
    if (env == nullptr)
        return true;
    std::istringstream words(env);
    std::string word;
    std::string negative;
    const testing::UnitTest &unit = *testing::UnitTest::GetInstance();
    while (words >> word) {
        const auto it = kSkippable.find(word);
        if (it == kSkippable.end()) {
            std::fprintf(stderr, "hostile: HOSTILE_SKIP: unknown '%s' (dmabuf, iouring)\n",
                         word.c_str());
            return false;
        }
        const auto &[suite, why] = it->second;
        for (int i = 0; i < unit.total_test_suite_count(); ++i) {
            const testing::TestSuite &ts = *unit.GetTestSuite(i);
            if (ts.name() != suite)
                continue;
            for (int j = 0; j < ts.total_test_count(); ++j)
                notes->push_back("skipped " + suite + "." + ts.GetTestInfo(j)->name() +
                                 " (HOSTILE_SKIP=" + word + "): " + why);
        }
        negative += (negative.empty() ? "" : ":") + suite + ".*";
    }
    if (negative.empty())
        return true;
    std::string filter = GTEST_FLAG_GET(filter);
    filter += filter.find('-') == std::string::npos ? "-" : ":";
    GTEST_FLAG_SET(filter, filter + negative);
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    testing::InitGoogleTest(&argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    myepoll::test::install_watchdog_handler();
    std::vector<std::string> skipped;
    if (!apply_skips(&skipped))
        return 2;
    gauntlet::Report report("hostile");
    for (const std::string &note : skipped)
        report.note(note);

    const char *verbose = std::getenv("MYEPOLL_TEST_VERBOSE");
    const bool terse = verbose == nullptr || *verbose == '\0' || std::string(verbose) == "0";
    testing::TestEventListeners &listeners = testing::UnitTest::GetInstance()->listeners();
    if (terse) // gtest hands the default printer back to us: dropped here
        std::unique_ptr<testing::TestEventListener>(
            listeners.Release(listeners.default_result_printer()));
    listeners.Append(std::make_unique<CaseStartListener>().release()); // gtest owns it
    listeners.Append(std::make_unique<myepoll::test::ConsoleListener>("hostile", terse).release());
    const int rc = RUN_ALL_TESTS();
    if (!skipped.empty())
        report.say(std::to_string(skipped.size()) +
                   " case(s) skipped by HOSTILE_SKIP, not counted (see the notes above)");
    return rc;
}
