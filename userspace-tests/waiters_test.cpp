// Several threads waiting on one instance: waiters sleep exclusively, so
// one wakeup wakes one of them; ready items left after a transfer (or put
// back, level-triggered) wake the next one.
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "blocked_waiters.hpp"
#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Waiters);

namespace
{

// A safety net: the release (a level-triggered eventfd in the instance,
// which wakes the remaining waiters one after the other) ends the waits.
constexpr int64_t kWaiterTimeout = ms(5000);
constexpr auto kSettle = std::chrono::milliseconds(50);

// `threads` waiters on `ep` (maxevents each); `trigger` once all are
// blocked, then the release.  Records how many the trigger woke and how
// many events they got together.
template <typename Trigger>
std::vector<WaitResult> waiters_on_one_instance(Run &run, Instance &ep, size_t threads,
                                                int maxevents, Trigger trigger)
{
    UniqueFd release = make_eventfd();
    EXPECT_EQ(ep.add(release.get(), EPOLLIN, kReleaseData), 0);
    std::vector<Instance *> each(threads, &ep);
    BlockedWaiters waiters(run, each, maxevents, kWaiterTimeout);
    EXPECT_TRUE(waiters.wait_until_blocked()) << "the waiters did not block";
    trigger();
    std::this_thread::sleep_for(kSettle);
    eventfd_add(release.get(), 1);
    std::vector<WaitResult> results = waiters.join();
    run.note("waiters woken", static_cast<long>(woken_count(results)));
    run.note("events delivered", static_cast<long>(event_count(results)));
    return results;
}

} // namespace

MYEPOLL_SCENARIO(Waiters, LevelTriggeredItemWakesEveryWaiterInTurn)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(efd.get(), EPOLLIN, 1)), 0);
    // One wakeup: the first waiter gets the event and puts the item back;
    // the item left on the ready list wakes the second, which wakes the
    // third (the leftover path of the transfer).
    const auto results = waiters_on_one_instance(run, ep, 3, 8, [&] { eventfd_add(efd.get(), 1); });
    for (size_t i = 0; i < results.size(); ++i)
        EXPECT_EQ(results[i].events, (Events{{EPOLLIN, 1}})) << "waiter " << i;
}

MYEPOLL_SCENARIO(Waiters, EdgeTriggeredItemWakesOneWaiter)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN|ET", ep.add(efd.get(), EPOLLIN | EPOLLET, 1)), 0);
    const auto results = waiters_on_one_instance(run, ep, 3, 8, [&] { eventfd_add(efd.get(), 1); });
    EXPECT_EQ(woken_count(results), 1u);
}

MYEPOLL_SCENARIO(Waiters, EachReadyItemWakesOneWaiter)
{
    // Three edge-triggered registrations of one eventfd (three descriptors):
    // one write makes all three ready.  Four waiters with one slot each:
    // three get one event each, the fourth times out.
    UniqueFd efd = make_eventfd();
    std::vector<UniqueFd> keys;
    Instance ep = run.instance();
    for (uint64_t i = 0; i < 3; ++i) {
        keys.emplace_back(::dup(efd.get()));
        ASSERT_EQ(run.note("add IN|ET", ep.add(keys.back().get(), EPOLLIN | EPOLLET, i)), 0);
    }
    const auto results = waiters_on_one_instance(run, ep, 4, 1, [&] { eventfd_add(efd.get(), 1); });
    EXPECT_EQ(woken_count(results), 3u);
    EXPECT_EQ(event_count(results), 3u);
}

MYEPOLL_SCENARIO(Waiters, EdgeItemsAreDeliveredOnceAcrossWaiters)
{
    // One write to a pipe watched through two descriptors makes both items
    // ready; two waiters with one slot each get one item each, never the
    // same one twice.
    Pipe pipe = make_pipe();
    UniqueFd copy(::dup(pipe.read.get()));
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add read end IN|ET", ep.add(pipe.read.get(), EPOLLIN | EPOLLET, 1)), 0);
    ASSERT_EQ(run.note("add its dup IN|ET", ep.add(copy.get(), EPOLLIN | EPOLLET, 2)), 0);
    const auto results = waiters_on_one_instance(
        run, ep, 2, 1, [&] { ASSERT_EQ(::write(pipe.write.get(), "x", 1), 1); });
    EXPECT_EQ(woken_count(results), 2u);
    Events got;
    for (const WaitResult &r : results)
        got.insert(got.end(), r.events.begin(), r.events.end());
    sort_by_data(got);
    run.record("both items, one per waiter", {static_cast<int>(got.size()), got});
    EXPECT_EQ(got, (Events{{EPOLLIN, 1}, {EPOLLIN, 2}}));
}
