// Case 1, a stall must not reach another user.  A WAIT that stalls in its
// copy-out (the events buffer is a userfaultfd page nobody supplies) holds
// its instance; a close of a file that instance watches then waits for it
// (natively too: eventpoll_release_file() takes ep->mtx).  None of that
// may hold up another user: uid 65534 closing its own watched eventfd, or
// an inotify fd with one watch, must return while the WAIT is still
// stalled.  (myepoll's close handler used to hold the global myep_mutex and
// fsnotify's SRCU read lock while it waited: the other user's closes took
// as long as the stall.)  The stall is built the same way on both backends;
// the page is supplied at the end, and the WAIT, the blocked close and the
// victim must then all finish and leave the instance empty.
#include <sys/epoll.h>
#include <sys/inotify.h>

#include <chrono>
#include <optional>
#include <string>

#include "child_process.hpp"
#include "identity.hpp"
#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "stalled_wait.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

MYEPOLL_SCENARIO_GROUP(Stall);

namespace
{

// How long a victim's close may take before it counts as held up by the
// stall (which lasts until the page is supplied, i.e. forever if the close
// waits for it).
constexpr std::chrono::seconds kCloseWatchdog{5};

// A victim: runs as kNobody in a forked child, reports 0 once its close has
// returned (exits with a non-zero status if its setup failed).
using Victim = int (*)(Backend &backend, ChildReport &report);

int close_watched_eventfd(Backend &backend, ChildReport &report)
{
    Instance own(backend);
    UniqueFd eventfd = make_eventfd();
    if (own.add(eventfd.get(), EPOLLIN, 7) != 0)
        return 4;
    eventfd.reset();
    report.put(0);
    return 0; // own's release may wait for the stall: the parent reaps later
}

int close_inotify_with_a_watch(Backend &, ChildReport &report)
{
    UniqueFd inotify(::inotify_init1(IN_CLOEXEC));
    if (!inotify || ::inotify_add_watch(inotify.get(), "/tmp", IN_CREATE) < 0)
        return 4;
    inotify.reset();
    report.put(0);
    return 0;
}

void stall_then(Run &run, const std::string &what, Victim victim)
{
    UniqueFd x = make_eventfd(1);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD the ready eventfd X", ep.add(x.get(), EPOLLIN, 1)), 0);
    // Declared before the stall so that they are destroyed after it, once
    // the page is supplied: until then they may be blocked in the kernel.
    std::optional<Closer> closer;
    std::optional<ChildProcess> other_user;
    StalledWait stall(ep, 1);
    ASSERT_EQ(run.note("the WAIT stalls in its copy-out", stall.wait_stalled()), 1)
        << "no userfaultfd fault on the events buffer within 5 s";
    closer.emplace(std::move(x));
    ASSERT_EQ(run.note("the last close of X is blocked in its release (or done)",
                       closer->blocked_or_done()),
              1);

    Backend &backend = run.backend();
    other_user.emplace([&backend, victim](ChildReport &report) {
        return become_user(kNobody) ? victim(backend, report) : 3;
    });
    const bool returned = other_user->next_report(kCloseWatchdog) == 0L;
    EXPECT_EQ(run.note(what + " returned while the WAIT is stalled", returned), 1)
        << "uid " << kNobody << ": " << what << " did not return within " << kCloseWatchdog.count()
        << " s, held up by a stall it has nothing to do with (or "
        << "its setup failed: see its exit status below)";
    EXPECT_EQ(run.note("the WAIT is still stalled", !stall.returned()), 1);

    const WaitResult waited = stall.result();
    run.record("the WAIT once the page is supplied", waited);
    EXPECT_EQ(waited.rc, 1);
    closer.reset();
    run.note("the close of X returned", 1);
    EXPECT_EQ(run.note("the other user's exit status", other_user->wait()), 0);
    run.wait(ep, "X is gone from the instance", 8, 0);
}

} // namespace

MYEPOLL_SCENARIO(Stall, OtherUsersCloseOfItsWatchedEventfdReturns)
{
    stall_then(run, "another user's close of its own watched eventfd", close_watched_eventfd);
}

MYEPOLL_SCENARIO(Stall, OtherUsersCloseOfAnInotifyFdReturns)
{
    stall_then(run, "another user's close of an inotify fd with one watch",
               close_inotify_with_a_watch);
}
