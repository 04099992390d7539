// The per-user watch limit: ADD beyond it is ENOSPC, counted over all the
// user's instances; DEL, the last close of a watched file and closing an
// instance give watches back.  The test lowers the global limit (root, in
// the VM) to what the user holds plus five, and restores it.
#include <sys/epoll.h>

#include <cerrno>
#include <vector>

#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "watch_limit.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(UserWatches);

namespace
{

constexpr unsigned long kRoom = 5;

} // namespace

MYEPOLL_SCENARIO(UserWatches, SixthWatchIsEnospc)
{
    WatchLimit limit(run.backend());
    limit.set(limit.watches_in_use(run.backend()) + kRoom);
    std::vector<UniqueFd> files;
    for (int i = 0; i < 8; ++i)
        files.push_back(make_eventfd());
    Instance ep = run.instance();
    for (unsigned long i = 0; i < kRoom; ++i)
        EXPECT_EQ(run.note("ADD " + std::to_string(i + 1), ep.add(files[i].get(), EPOLLIN, i)), 0);
    EXPECT_EQ(run.note("ADD 6", ep.add(files[5].get(), EPOLLIN, 5)), -ENOSPC);
    EXPECT_EQ(run.note("nothing registered by it", ep.del(files[5].get())), -ENOENT);
    // ENOSPC comes after the other checks: EEXIST for a registered fd.
    EXPECT_EQ(run.note("ADD of a registered fd", ep.add(files[0].get(), EPOLLIN, 0)), -EEXIST);
    EXPECT_EQ(run.note("MOD still works", ep.mod(files[0].get(), EPOLLOUT, 0)), 0);
    EXPECT_EQ(run.note("DEL one", ep.del(files[1].get())), 0);
    EXPECT_EQ(run.note("ADD 6 again", ep.add(files[5].get(), EPOLLIN, 5)), 0);
    EXPECT_EQ(run.note("ADD 7", ep.add(files[6].get(), EPOLLIN, 6)), -ENOSPC);
}

MYEPOLL_SCENARIO(UserWatches, CountsEveryInstanceOfTheUser)
{
    WatchLimit limit(run.backend());
    limit.set(limit.watches_in_use(run.backend()) + kRoom);
    std::vector<UniqueFd> files;
    for (int i = 0; i < 10; ++i)
        files.push_back(make_eventfd());
    Instance b = run.instance();
    {
        Instance a = run.instance();
        for (unsigned long i = 0; i < 3; ++i)
            EXPECT_EQ(run.note("a: ADD", a.add(files[i].get(), EPOLLIN, i)), 0);
        for (unsigned long i = 3; i < 5; ++i)
            EXPECT_EQ(run.note("b: ADD", b.add(files[i].get(), EPOLLIN, i)), 0);
        EXPECT_EQ(run.note("b: ADD 6th of the user", b.add(files[5].get(), EPOLLIN, 5)), -ENOSPC);
        EXPECT_EQ(run.note("a: ADD 6th of the user", a.add(files[5].get(), EPOLLIN, 5)), -ENOSPC);
    } // a closed: its three watches are back
    for (unsigned long i = 5; i < 8; ++i)
        EXPECT_EQ(run.note("b: ADD", b.add(files[i].get(), EPOLLIN, i)), 0);
    EXPECT_EQ(run.note("b: ADD 6th", b.add(files[8].get(), EPOLLIN, 8)), -ENOSPC);
    files[3].reset(); // the last close of a watched file, no DEL
    EXPECT_EQ(run.note("b: ADD after a close", b.add(files[8].get(), EPOLLIN, 8)), 0);
    EXPECT_EQ(run.note("b: ADD 6th", b.add(files[9].get(), EPOLLIN, 9)), -ENOSPC);
}
