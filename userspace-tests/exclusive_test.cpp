// EPOLLEXCLUSIVE: ADD only, with a short list of companion bits, never on
// an instance; the exclusive wait entries make one wakeup of the watched
// file wake one waiting instance instead of all of them.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "blocked_waiters.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;

MYEPOLL_SCENARIO_GROUP(Exclusive);

namespace
{

// A waiter that nothing wakes gives up after this long (a safety net: the
// release ends the waits first).
constexpr int64_t kWaiterTimeout = ms(5000);
// How long the wakeups get to happen before the release.
constexpr auto kSettle = 50ms;

std::string hex(uint32_t value)
{
    char text[16];
    std::snprintf(text, sizeof(text), "%#x", value);
    return text;
}

// `count` instances each watching `fd` with `events` (data = index), one
// waiting thread per instance; `trigger` is called `rounds` times once all
// are blocked, then the waiters still waiting are released.  Records how
// many waiters the triggers woke (returned) and what each waiter got.
template <typename Trigger>
size_t count_wakeups(Run &run, int fd, uint32_t events, size_t count, int rounds, Trigger trigger)
{
    UniqueFd release = make_eventfd();
    std::vector<Instance> instances;
    for (size_t i = 0; i < count; ++i) {
        instances.push_back(run.instance());
        if (run.note("add to instance " + std::to_string(i), instances[i].add(fd, events, i)) !=
                0 ||
            instances[i].add(release.get(), EPOLLIN, kReleaseData) != 0) {
            ADD_FAILURE() << "ADD failed";
            return 0;
        }
    }
    std::vector<Instance *> each;
    for (Instance &instance : instances)
        each.push_back(&instance);
    BlockedWaiters waiters(run, each, 8, kWaiterTimeout);
    EXPECT_TRUE(waiters.wait_until_blocked()) << "the waiters did not block";
    for (int round = 0; round < rounds; ++round) {
        trigger(round);
        std::this_thread::sleep_for(20ms); // let the woken waiter leave its wait
    }
    std::this_thread::sleep_for(kSettle);
    eventfd_add(release.get(), 1);
    const std::vector<WaitResult> results = waiters.join();
    const size_t woken = woken_count(results);
    run.note("waiters woken", static_cast<long>(woken));
    for (size_t i = 0; i < results.size(); ++i)
        run.record("waiter " + std::to_string(i), results[i]);
    return woken;
}

} // namespace

MYEPOLL_SCENARIO(Exclusive, AllowedCompanionBitsAreAccepted)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const uint32_t allowed[] = {0,
                                EPOLLIN,
                                EPOLLOUT,
                                EPOLLIN | EPOLLOUT,
                                EPOLLIN | EPOLLET,
                                EPOLLIN | EPOLLERR | EPOLLHUP,
                                EPOLLIN | EPOLLWAKEUP,
                                EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLET | EPOLLWAKEUP};
    std::vector<UniqueFd> keys; // each ADD on its own descriptor: its own registration
    for (uint32_t events : allowed) {
        keys.emplace_back(::dup(server.get()));
        EXPECT_EQ(run.note("EXCLUSIVE|" + hex(events),
                           ep.add(keys.back().get(), events | EPOLLEXCLUSIVE, events)),
                  0)
            << hex(events);
    }
}

MYEPOLL_SCENARIO(Exclusive, OtherCompanionBitsAreEinval)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    const uint32_t refused[] = {
        EPOLLIN | EPOLLONESHOT, EPOLLIN | EPOLLPRI,    EPOLLIN | EPOLLRDHUP,
        EPOLLIN | EPOLLRDNORM,  EPOLLIN | EPOLLRDBAND, EPOLLOUT | EPOLLWRNORM,
        EPOLLOUT | EPOLLWRBAND, EPOLLIN | EPOLLMSG,    EPOLLIN | (1u << 20)};
    for (uint32_t events : refused) {
        EXPECT_EQ(run.note("EXCLUSIVE|" + hex(events),
                           ep.add(server.get(), events | EPOLLEXCLUSIVE, events)),
                  -EINVAL)
            << hex(events);
    }
    EXPECT_EQ(run.note("nothing was registered", ep.del(server.get())), -ENOENT);
}

MYEPOLL_SCENARIO(Exclusive, ModWithExclusiveIsEinval)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    // Before the lookup: EINVAL, not ENOENT, for an unregistered fd.
    EXPECT_EQ(run.note("MOD EXCLUSIVE, not registered",
                       ep.mod(server.get(), EPOLLIN | EPOLLEXCLUSIVE, 1)),
              -EINVAL);
    ASSERT_EQ(run.note("ADD OUT", ep.add(server.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.note("MOD OUT|EXCLUSIVE", ep.mod(server.get(), EPOLLOUT | EPOLLEXCLUSIVE, 2)),
              -EINVAL);
    EXPECT_EQ(run.wait(ep, "registration unchanged", 8, ms(1000)).events, (Events{{EPOLLOUT, 1}}));
}

MYEPOLL_SCENARIO(Exclusive, ModOfAnExclusiveItemIsEinval)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD OUT|EXCLUSIVE", ep.add(server.get(), EPOLLOUT | EPOLLEXCLUSIVE, 1)), 0);
    EXPECT_EQ(run.note("MOD IN", ep.mod(server.get(), EPOLLIN, 2)), -EINVAL);
    EXPECT_EQ(run.note("MOD OUT, same mask", ep.mod(server.get(), EPOLLOUT, 2)), -EINVAL);
    EXPECT_EQ(run.wait(ep, "registration unchanged", 8, ms(1000)).events, (Events{{EPOLLOUT, 1}}));
    EXPECT_EQ(run.note("DEL", ep.del(server.get())), 0);
    ASSERT_EQ(run.note("ADD IN, not exclusive", ep.add(server.get(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.note("MOD OUT", ep.mod(server.get(), EPOLLOUT, 4)), 0);
    EXPECT_EQ(run.wait(ep, "modified", 8, 0).events, (Events{{EPOLLOUT, 4}}));
}

MYEPOLL_SCENARIO(Exclusive, InstanceTargetIsEinval)
{
    Instance outer = run.instance();
    Instance inner = run.instance();
    EXPECT_EQ(
        run.note("ADD instance IN|EXCLUSIVE", outer.add(inner.fd(), EPOLLIN | EPOLLEXCLUSIVE, 1)),
        -EINVAL);
    EXPECT_EQ(run.note("ADD instance IN", outer.add(inner.fd(), EPOLLIN, 1)), 0);
}

MYEPOLL_SCENARIO(Exclusive, EinvalComesBeforeEexist)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD IN", ep.add(server.get(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("ADD IN|EXCLUSIVE|ONESHOT again",
                       ep.add(server.get(), EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 2)),
              -EINVAL);
    EXPECT_EQ(run.note("ADD IN|EXCLUSIVE again", ep.add(server.get(), EPOLLIN | EPOLLEXCLUSIVE, 2)),
              -EEXIST);
}

MYEPOLL_SCENARIO(Exclusive, ExclusiveItemsReportLikeOthers)
{
    auto [client, server] = tcp_pair();
    auto [client2, server2] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD IN|EXCLUSIVE", ep.add(server.get(), EPOLLIN | EPOLLEXCLUSIVE, 1)), 0);
    ASSERT_EQ(run.note("ADD IN|ET|EXCLUSIVE",
                       ep.add(server2.get(), EPOLLIN | EPOLLET | EPOLLEXCLUSIVE, 2)),
              0);
    send_text(client.get(), "a");
    send_text(client2.get(), "b");
    // One wait only: an edge-triggered event is gone once reported.
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    ASSERT_TRUE(wait_readable(server2.get(), kEventDeadline));
    EXPECT_EQ(run.wait(ep, "both readable", 8, 0).events, (Events{{EPOLLIN, 1}, {EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(ep, "level-triggered one repeats", 8, 0).events, (Events{{EPOLLIN, 1}}));
    close_with_reset(std::move(client));
    EXPECT_EQ(
        run.wait_for(ep, "reset: ERR|HUP always", {{EPOLLIN | EPOLLERR | EPOLLHUP, 1}}).events,
        (Events{{EPOLLIN | EPOLLERR | EPOLLHUP, 1}}));
}

MYEPOLL_SCENARIO(Exclusive, OneWaiterWokenPerConnection)
{
    Listener listener = listen_loopback(16, true);
    std::vector<UniqueFd> clients;
    const size_t woken =
        count_wakeups(run, listener.fd.get(), EPOLLIN | EPOLLEXCLUSIVE, 4, 2, [&](int round) {
            clients.push_back(connect_loopback(listener.port));
            wait_accept_backlog(listener.fd.get(), round + 1, kEventDeadline);
        });
    EXPECT_EQ(woken, 2u) << "two connections, four exclusive waiters";
}

MYEPOLL_SCENARIO(Exclusive, EveryWaiterWokenWithoutExclusive)
{
    Listener listener = listen_loopback(16, true);
    std::vector<UniqueFd> clients;
    const size_t woken = count_wakeups(run, listener.fd.get(), EPOLLIN, 4, 1, [&](int round) {
        clients.push_back(connect_loopback(listener.port));
        wait_accept_backlog(listener.fd.get(), round + 1, kEventDeadline);
    });
    EXPECT_EQ(woken, 4u) << "one connection, four waiters";
}

MYEPOLL_SCENARIO(Exclusive, OneWaiterWokenPerEventfdWrite)
{
    UniqueFd efd = make_eventfd();
    const size_t woken = count_wakeups(run, efd.get(), EPOLLIN | EPOLLEXCLUSIVE, 3, 1,
                                       [&](int) { eventfd_add(efd.get(), 1); });
    EXPECT_EQ(woken, 1u) << "one write, three exclusive waiters";
}
