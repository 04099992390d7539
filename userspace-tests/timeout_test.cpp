// Timeouts: zero, finite, infinite and huge, and the wakeups that end a
// blocked wait early.
#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <thread>

#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"
#include "watchdog.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(Timeout);

// A wakeup 50 ms into a wait must end it well before this (generous for a
// slow emulated VM; a missed wakeup shows up as the full timeout or the
// watchdog).
constexpr auto kWakeBound = 2s;

namespace
{

// Runs `action` on another thread after `delay`; joins on destruction.
class Later
{
  public:
    template <typename F>
    Later(std::chrono::milliseconds delay, F action)
        : thread_([delay, action]() mutable {
              std::this_thread::sleep_for(delay);
              action();
          })
    {
    }

  private:
    std::jthread thread_;
};

} // namespace

MYEPOLL_SCENARIO(Timeout, ZeroReturnsImmediately)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    const auto start = Clock::now();
    EXPECT_EQ(run.wait(ep, "timeout 0, nothing ready", 8, 0).rc, 0);
    EXPECT_LT(Clock::now() - start, 500ms);
}

MYEPOLL_SCENARIO(Timeout, FiniteExpiresAfterAtLeastItsDuration)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    const auto start = Clock::now();
    EXPECT_EQ(run.wait(ep, "timeout 50 ms", 8, ms(50)).rc, 0);
    const auto elapsed = Clock::now() - start;
    EXPECT_GE(elapsed, 50ms);
    EXPECT_LT(elapsed, 5s);
}

MYEPOLL_SCENARIO(Timeout, InfiniteWokenByDataFromAnotherThread)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 7)), 0);
    const auto start = Clock::now();
    Later writer(50ms, [fd = client.get()] { send_text(fd, "wake"); });
    Watchdog watchdog(10s);
    EXPECT_EQ(run.wait(ep, "infinite wait", 8, kInfinite).events, (Events{{EPOLLIN, 7}}));
    EXPECT_GE(Clock::now() - start, 50ms);
    EXPECT_LT(Clock::now() - start, kWakeBound) << "woken late";
    EXPECT_FALSE(watchdog.fired()) << "the wait was not woken by the data";
}

MYEPOLL_SCENARIO(Timeout, FiniteWokenEarlyByData)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 8)), 0);
    const auto start = Clock::now();
    Later writer(50ms, [fd = client.get()] { send_text(fd, "wake"); });
    EXPECT_EQ(run.wait(ep, "timeout 10 s", 8, ms(10'000)).events, (Events{{EPOLLIN, 8}}));
    EXPECT_LT(Clock::now() - start, kWakeBound) << "woken late";
}

MYEPOLL_SCENARIO(Timeout, HugeTimeoutWokenByData)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 9)), 0);
    Later writer(50ms, [fd = client.get()] { send_text(fd, "wake"); });
    const auto start = Clock::now();
    Watchdog watchdog(10s);
    EXPECT_EQ(run.wait(ep, "timeout INT64_MAX ns", 8, std::numeric_limits<int64_t>::max()).events,
              (Events{{EPOLLIN, 9}}));
    EXPECT_LT(Clock::now() - start, kWakeBound) << "woken late";
    EXPECT_FALSE(watchdog.fired()) << "the wait was not woken by the data";
}

MYEPOLL_SCENARIO(Timeout, AddOfReadyFdWakesBlockedWaiter)
{
    auto [client, server] = tcp_pair();
    send_text(client.get(), "ready before ADD");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    Instance ep = run.instance();
    Later adder(50ms, [&ep, fd = server.get()] { ep.add(fd, EPOLLIN, 10); });
    const auto start = Clock::now();
    Watchdog watchdog(10s);
    EXPECT_EQ(run.wait(ep, "blocked, then ADD from another thread", 8, kInfinite).events,
              (Events{{EPOLLIN, 10}}));
    EXPECT_LT(Clock::now() - start, kWakeBound) << "woken late";
    EXPECT_FALSE(watchdog.fired()) << "ADD of a ready fd did not wake the waiter";
}

MYEPOLL_SCENARIO(Timeout, ModMakingItemReadyWakesBlockedWaiter)
{
    auto [client, server] = tcp_pair(); // writable, not readable
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add IN", ep.add(server.get(), EPOLLIN, 11)), 0);
    Later modifier(50ms, [&ep, fd = server.get()] { ep.mod(fd, EPOLLOUT, 12); });
    const auto start = Clock::now();
    Watchdog watchdog(10s);
    EXPECT_EQ(run.wait(ep, "blocked, then MOD to OUT", 8, kInfinite).events,
              (Events{{EPOLLOUT, 12}}));
    EXPECT_LT(Clock::now() - start, kWakeBound) << "woken late";
    EXPECT_FALSE(watchdog.fired()) << "MOD to a ready mask did not wake the waiter";
}
