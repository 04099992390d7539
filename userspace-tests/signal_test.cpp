// Signals and the wait's signal mask: EINTR, never a silent restart; the
// mask applies for the wait only; bad sigsetsize / sigmask pointers.
#include <sys/epoll.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "memory.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "signals.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(Signal);

namespace
{

// Sends signo to the constructing thread every `period`, at most `count`
// times, until destroyed (repeated, so that a signal that lands just before
// the wait starts is no problem; bounded, so that a backend that restarts
// the wait after a signal ends up timing out rather than looping forever).
class SignalSender
{
  public:
    SignalSender(int signo, std::chrono::milliseconds period, int count)
        : target_(::pthread_self()), thread_([this, signo, period, count](std::stop_token stop) {
              for (int sent = 0; sent < count && !stop.stop_requested(); ++sent) {
                  std::this_thread::sleep_for(period);
                  if (!stop.stop_requested())
                      ::pthread_kill(target_, signo);
              }
          })
    {
    }

  private:
    pthread_t target_;
    std::jthread thread_;
};

void interrupted_by_signal(Run &run, bool restart)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    SignalCatcher catcher(SIGUSR1, restart);
    const auto start = Clock::now();
    WaitResult got;
    {
        SignalSender sender(SIGUSR1, 50ms, 10);
        got = run.wait(ep, "wait, SIGUSR1 arrives", 8, ms(5000));
    }
    EXPECT_EQ(got.rc, -EINTR);
    EXPECT_GE(catcher.count(), 1);
    EXPECT_LT(Clock::now() - start, 4s);
}

} // namespace

MYEPOLL_SCENARIO(Signal, InterruptsWaitWithEintr)
{
    interrupted_by_signal(run, false);
}

MYEPOLL_SCENARIO(Signal, InterruptsWaitEvenWithSaRestart)
{
    // epoll_wait is never restarted, whatever SA_RESTART says.
    interrupted_by_signal(run, true);
}

MYEPOLL_SCENARIO(Signal, SigmaskBlocksSignalDuringWaitOnly)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_FALSE(is_blocked_in_this_thread(SIGUSR1));
    const sigset_t block = signal_set(SIGUSR1);
    // SIGUSR1 is sent 30 ms into a 300 ms wait whose mask blocks it: the
    // wait times out, and the handler runs once the wait has restored the
    // thread's mask.  A signal that lands before the wait began does not
    // count: try again (three attempts).
    for (int attempt = 0; attempt < 3; ++attempt) {
        SignalCatcher catcher(SIGUSR1, false);
        WaitResult got;
        int64_t called = 0;
        {
            std::jthread sender([target = ::pthread_self()] {
                std::this_thread::sleep_for(30ms);
                ::pthread_kill(target, SIGUSR1);
            });
            called = monotonic_ns();
            got = run.probe(ep, 8, ms(300), Order::Sorted, &block);
        }
        const int64_t delivered = catcher.last_delivery_ns();
        const int64_t wait_end = called + ms(300) - ms(1);
        // Timed out and handled before the end: the signal came before the
        // wait (had it come during it, unblocked, the wait would be EINTR).
        if (got.rc == 0 && catcher.count() == 1 && delivered < wait_end)
            continue;
        run.record("300 ms wait, SIGUSR1 blocked by its mask", got);
        EXPECT_EQ(got.rc, 0) << "the signal was not blocked during the wait";
        EXPECT_EQ(run.note("handler runs after the wait", catcher.count()), 1);
        EXPECT_GE(delivered, wait_end) << "the handler ran during the wait";
        EXPECT_FALSE(is_blocked_in_this_thread(SIGUSR1)) << "the thread's mask was not restored";
        return;
    }
    FAIL() << "SIGUSR1 arrived before the wait three times";
}

MYEPOLL_SCENARIO(Signal, SigmaskUnblocksPendingSignal)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    SignalCatcher catcher(SIGUSR1, false);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    ::pthread_kill(::pthread_self(), SIGUSR1);
    ASSERT_TRUE(is_pending_for_this_thread(SIGUSR1));
    const sigset_t none = empty_signal_set();
    const auto start = Clock::now();
    EXPECT_EQ(
        run.wait(ep, "1 s wait, pending SIGUSR1 unblocked", 8, ms(1000), Order::Sorted, &none).rc,
        -EINTR);
    EXPECT_LT(Clock::now() - start, 500ms);
    EXPECT_EQ(run.note("handler ran", catcher.count()), 1);
    EXPECT_TRUE(is_blocked_in_this_thread(SIGUSR1)) << "the thread's mask was not restored";
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(Signal, PendingSignalDoesNotInterruptZeroTimeout)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    SignalCatcher catcher(SIGUSR1, false);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    ::pthread_kill(::pthread_self(), SIGUSR1);
    const sigset_t none = empty_signal_set();
    // A timeout-0 wait is one non-blocking pass: nothing ready gives 0.
    EXPECT_EQ(run.wait(ep, "timeout 0, pending SIGUSR1 unblocked", 8, 0, Order::Sorted, &none).rc,
              0);
    EXPECT_EQ(run.note("handler ran", catcher.count()), 0);
    EXPECT_TRUE(is_pending_for_this_thread(SIGUSR1));
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(Signal, ReadyEventsWinOverPendingSignal)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    send_text(client.get(), "x");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    SignalCatcher catcher(SIGUSR1, false);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    ::pthread_kill(::pthread_self(), SIGUSR1);
    const sigset_t none = empty_signal_set();
    EXPECT_EQ(
        run.wait(ep, "ready, pending SIGUSR1 unblocked", 8, ms(1000), Order::Sorted, &none).events,
        (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("handler ran", catcher.count()), 0);
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(Signal, SigsetsizeOtherThan8IsEinval)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    send_text(client.get(), "x"); // an event is ready: EINVAL still comes first
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    const sigset_t none = empty_signal_set();
    Event events[8];
    for (size_t size : {size_t{0}, size_t{4}, size_t{7}, size_t{16}, sizeof(sigset_t)}) {
        EXPECT_EQ(run.note("sigsetsize " + std::to_string(size),
                           run.backend().wait(ep.fd(), events, 8, 0, &none, size)),
                  -EINVAL)
            << "sigsetsize " << size;
    }
    Mapping unreadable(1, PROT_NONE);
    EXPECT_EQ(
        run.note("sigsetsize 4 and a bad sigmask",
                 run.backend().wait(ep.fd(), events, 8, 0,
                                    reinterpret_cast<const sigset_t *>(unreadable.data()), 4)),
        -EINVAL);
    EXPECT_EQ(run.note("sigsetsize 8", run.backend().wait(ep.fd(), events, 8, 0, &none, 8)), 1);
}

MYEPOLL_SCENARIO(Signal, BadSigmaskPointerIsEfault)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 1)), 0);
    Event events[8];
    Mapping unreadable(1, PROT_NONE);
    EXPECT_EQ(
        run.note("sigmask in a PROT_NONE page",
                 run.backend().wait(ep.fd(), events, 8, 0,
                                    reinterpret_cast<const sigset_t *>(unreadable.data()), 8)),
        -EFAULT);
    EXPECT_EQ(run.note("sigmask at a kernel address",
                       run.backend().wait(ep.fd(), events, 8, 0,
                                          static_cast<const sigset_t *>(kernel_address()), 8)),
              -EFAULT);
}
