// Case 4, a close finds its own items, not every item of its inode.  Every
// eventfd, epoll and myepoll file shares one anonymous inode, so its close
// tracking sees the close of any of them.  The handler must look at the
// items of the closing file only (O(items of that file)): another user's
// close of an unrelated eventfd must examine as few entries with 100,000
// items on the inode (1 eventfd x 1,000 fds x 100 instances) as with one.
// (With a list per inode it walked all 100,000: 11 us became 18.4 ms.)
//
// Deterministic: the count comes from the module's myepoll:myepoll_close
// tracepoint (examined: index entries and items the handler looked at for
// this close; removed: items it removed), not from a clock.  A module
// without the tracepoint fails the case.
#include <sys/epoll.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "backend.hpp"
#include "child_process.hpp"
#include "identity.hpp"
#include "local_fds.hpp"
#include "tracefs.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

namespace
{

constexpr int kFds = 1000;
constexpr int kInstances = 100;
constexpr long long kBucket = 8; // "one hash bucket's worth"

struct CloseCount {
    std::string error;
    long long examined = 0;
    long long removed = 0;
    size_t events = 0;
};

// kNobody creates an eventfd and closes it: what the close handler
// reported for that close (every myepoll_close event of the child's pid).
CloseCount unrelated_close(TraceInstance &trace)
{
    trace.clear();
    ChildProcess victim([](ChildReport &) {
        if (!become_user(kNobody))
            return 3;
        UniqueFd mine = make_eventfd();
        mine.reset();
        return 0;
    });
    if (const int status = victim.wait(); status != 0)
        return {"the victim exited with status " + std::to_string(status)};
    CloseCount count;
    for (const TraceEvent &e : trace.events("myepoll_close")) {
        if (e.pid != victim.pid())
            continue;
        const auto examined = e.number("examined");
        const auto removed = e.number("removed");
        if (!examined || !removed)
            return {"a myepoll_close event without numeric examined= and removed= fields"};
        count.examined += *examined;
        count.removed += *removed;
        ++count.events;
    }
    if (count.events == 0)
        return {"no myepoll_close event for the victim's close of its eventfd"};
    return count;
}

TEST(SharedInodeClose, UnrelatedCloseExaminesNoMoreWith100kItemsOnTheInode)
{
    TraceInstance trace("hostile-close-" + std::to_string(::getpid()));
    const std::string why = trace.enable("myepoll", "myepoll_close");
    ASSERT_TRUE(why.empty()) << why << ": the close handler's cost cannot be read";
    const std::string format = trace.format("myepoll", "myepoll_close");
    ASSERT_NE(format.find(" examined;"), std::string::npos) << "no field 'examined':\n" << format;
    ASSERT_NE(format.find(" removed;"), std::string::npos) << "no field 'removed':\n" << format;

    Backend &tested = backend(BackendKind::MyEpoll);
    UniqueFd watched = make_eventfd();
    CloseCount one;
    {
        Instance ep(tested);
        ASSERT_EQ(ep.add(watched.get(), EPOLLIN, 0), 0);
        one = unrelated_close(trace);
        ASSERT_TRUE(one.error.empty()) << "with 1 item on the inode: " << one.error;
    }

    std::vector<UniqueFd> fds; // before the instances: closed after them
    for (int i = 0; i < kFds; ++i) {
        fds.emplace_back(::dup(watched.get()));
        ASSERT_TRUE(fds.back()) << "dup " << i;
    }
    std::vector<std::unique_ptr<Instance>> instances;
    for (int n = 0; n < kInstances; ++n) {
        instances.push_back(std::make_unique<Instance>(tested));
        for (int i = 0; i < kFds; ++i)
            ASSERT_EQ(instances.back()->add(fds[i].get(), EPOLLIN, i), 0)
                << "ADD " << i << " to instance " << n;
    }
    const CloseCount many = unrelated_close(trace);
    ASSERT_TRUE(many.error.empty()) << "with 100,000 items on the inode: " << many.error;

    const std::string counts = "examined " + std::to_string(one.examined) + " with 1 item, " +
                               std::to_string(many.examined) + " with 100,000 items";
    EXPECT_LE(one.examined, kBucket) << counts;
    EXPECT_LE(many.examined, kBucket) << counts;
    EXPECT_LE(many.examined, one.examined + kBucket) << counts;
    EXPECT_EQ(one.removed + many.removed, 0) << "the unrelated closes removed items";
}

} // namespace
