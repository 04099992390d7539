// A pidfd's readiness: the scenario whose native result differs between
// Debian 12's 6.1 and 6.12.  A pidfd polls EPOLLIN once its process has
// exited; from 6.9 (pidfds on pidfs) one whose process has also been reaped
// polls EPOLLIN | EPOLLHUP.  myepoll re-polls the file through its own
// ->poll(), so it reports what the kernel it runs on reports: the
// Differential case checks that on each kernel, the expectations name both.
#include <sys/epoll.h>

#include <cstdint>

#include "child_process.hpp"
#include "kernel_version.hpp"
#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Pidfd);

MYEPOLL_SCENARIO(Pidfd, ReapedChildHangsUpFrom69)
{
    ChildProcess child([](ChildReport &) { return 0; });
    UniqueFd pidfd = make_pidfd(child.pid());
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(pidfd.get(), EPOLLIN, 7)), 0);
    EXPECT_EQ(run.wait_for(ep, "exited, not reaped", {{EPOLLIN, 7}}).events,
              (Events{{EPOLLIN, 7}}));
    EXPECT_EQ(run.note("child's exit status", child.wait()), 0);
    const uint32_t reaped = kernel_at_least(6, 9) ? EPOLLIN | EPOLLHUP : EPOLLIN;
    EXPECT_EQ(run.wait(ep, "reaped (level-triggered: polled again)", 8, 0).events,
              (Events{{reaped, 7}}));
}
