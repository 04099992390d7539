// Case 5, one watch budget for native epoll and myepoll.  An instance
// charges its creator's user_struct->epoll_watches, as native ep_insert()
// does, against fs.epoll.max_user_watches, so that a user's native and
// myepoll watches together stay under the one limit and the ADD that
// crosses it fails with ENOSPC on either API.  (The module reads the limit
// at load and again when more than a second has passed since it last did:
// the case waits 1.1 s after changing it.)
//
// As root the limit is lowered to kLimit; a dedicated uid with no watches
// of its own fills kLimit - 5 with one API, then ADDs with the other: the
// sixth must fail with ENOSPC, and no earlier one.
#include <sys/epoll.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "backend.hpp"
#include "child_process.hpp"
#include "identity.hpp"
#include "local_fds.hpp"
#include "sysfs_file.hpp"
#include "trace.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

namespace
{

constexpr const char *kMaxUserWatches = "/proc/sys/fs/epoll/max_user_watches";
constexpr long kLimit = 40;
constexpr long kRoom = 5;
constexpr long kTries = 20; // ADDs on the second API at most
// More than the module's re-read interval of one second.
constexpr std::chrono::milliseconds kSettle{1100};

// Lowers max_user_watches for its scope; after setting and after restoring
// it waits kSettle, so that the module has read the value either way.
class LowWatchLimit
{
  public:
    explicit LowWatchLimit(long limit) : old_(gauntlet::read_first_line(kMaxUserWatches))
    {
        ok_ = old_ && gauntlet::write_value(kMaxUserWatches, std::to_string(limit));
        std::this_thread::sleep_for(kSettle);
    }
    LowWatchLimit(const LowWatchLimit &) = delete;
    LowWatchLimit &operator=(const LowWatchLimit &) = delete;
    ~LowWatchLimit()
    {
        if (!ok_)
            return;
        gauntlet::write_value(kMaxUserWatches, *old_);
        std::this_thread::sleep_for(kSettle);
    }
    [[nodiscard]] bool ok() const noexcept { return ok_; }

  private:
    std::optional<std::string> old_;
    bool ok_;
};

// In a child as `uid`: kLimit - kRoom watches on `fill`, then ADDs on
// `probe` until one fails (kTries at most).  Reports the fill ADDs that
// succeeded, the probe ADDs that succeeded, and the first failed probe
// ADD's result (0 if none failed).
int fill_then_probe(ChildReport &report, uid_t uid, BackendKind fill, BackendKind probe)
{
    if (!become_user(uid))
        return 3;
    std::vector<UniqueFd> files;
    Instance filled(backend(fill));
    long filled_ok = 0;
    for (long i = 0; i < kLimit - kRoom; ++i) {
        files.push_back(make_eventfd());
        filled_ok += filled.add(files.back().get(), EPOLLIN, i) == 0 ? 1 : 0;
    }
    report.put(filled_ok);
    Instance probed(backend(probe));
    long probed_ok = 0;
    long failure = 0;
    for (long i = 0; i < kTries && failure == 0; ++i) {
        files.push_back(make_eventfd());
        const int rc = probed.add(files.back().get(), EPOLLIN, i);
        if (rc == 0)
            ++probed_ok;
        else
            failure = rc;
    }
    report.put(probed_ok);
    report.put(failure);
    return 0;
}

void check_shared_budget(uid_t uid, BackendKind fill, BackendKind probe)
{
    LowWatchLimit limit(kLimit);
    ASSERT_TRUE(limit.ok()) << "cannot set " << kMaxUserWatches;
    const char *fill_name = fill == BackendKind::Native ? "native" : "myepoll";
    const char *probe_name = probe == BackendKind::Native ? "native" : "myepoll";
    ChildProcess child([uid, fill, probe](ChildReport &report) {
        return fill_then_probe(report, uid, fill, probe);
    });
    ASSERT_EQ(child.wait(), 0) << "the child (uid " << uid << ") failed";
    const std::vector<long> reports = child.reports();
    ASSERT_EQ(reports.size(), 3u);
    ASSERT_EQ(reports[0], kLimit - kRoom)
        << fill_name << " took " << reports[0] << " of " << kLimit - kRoom
        << " watches under max_user_watches=" << kLimit;
    EXPECT_EQ(reports[1], kRoom) << probe_name << " accepted " << reports[1] << " ADDs (of "
                                 << kTries << " tried) after " << kLimit - kRoom << " " << fill_name
                                 << " watches, with max_user_watches=" << kLimit
                                 << ": the two APIs do not share the budget";
    EXPECT_EQ(reports[2], -ENOSPC)
        << "the first refused " << probe_name << " ADD returned " << result_text(reports[2]);
}

TEST(WatchBudget, NativeWatchesCountAgainstMyepollAdds)
{
    check_shared_budget(4242, BackendKind::Native, BackendKind::MyEpoll);
}

TEST(WatchBudget, MyepollWatchesCountAgainstNativeAdds)
{
    check_shared_budget(4243, BackendKind::MyEpoll, BackendKind::Native);
}

} // namespace
