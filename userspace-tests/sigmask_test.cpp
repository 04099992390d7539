// The wait's signal mask replaces the thread's mask for the wait only: a
// signal that arrives during the wait interrupts it (EINTR) exactly when
// the wait's mask lets it through, whatever the thread's own mask says; the
// handler runs under the wait's mask; the thread's mask is back afterwards.
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>

#include <atomic>
#include <chrono>

#include "later.hpp"
#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "signals.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(Sigmask);

namespace
{

// Records, inside the handler, which signals were blocked while it ran.
class MaskRecordingHandler
{
  public:
    explicit MaskRecordingHandler(int signo) : signo_(signo)
    {
        calls_.store(0);
        struct sigaction sa {
        };
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        ::sigaction(signo_, &sa, &old_);
    }
    MaskRecordingHandler(const MaskRecordingHandler &) = delete;
    MaskRecordingHandler &operator=(const MaskRecordingHandler &) = delete;
    ~MaskRecordingHandler() { ::sigaction(signo_, &old_, nullptr); }

    [[nodiscard]] int calls() const { return calls_.load(); }
    [[nodiscard]] bool was_blocked(int signo) const { return sigismember(&seen_, signo) == 1; }

  private:
    static void handler(int)
    {
        ::pthread_sigmask(SIG_SETMASK, nullptr, &seen_);
        calls_.fetch_add(1);
    }

    static inline std::atomic<int> calls_{0};
    static inline sigset_t seen_{};
    int signo_;
    struct sigaction old_ {
    };
};

sigset_t two_signals(int a, int b)
{
    sigset_t set = signal_set(a);
    sigaddset(&set, b);
    return set;
}

} // namespace

MYEPOLL_SCENARIO(Sigmask, SignalBlockedByTheThreadButNotTheWaitInterruptsIt)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add idle eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    SignalCatcher catcher(SIGUSR1, false);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    const sigset_t none = empty_signal_set();
    const auto start = Clock::now();
    {
        Later sender(30ms, [target = ::pthread_self()] { ::pthread_kill(target, SIGUSR1); });
        EXPECT_EQ(
            run.wait(ep, "2 s wait, SIGUSR1 after 30 ms", 8, ms(2000), Order::Sorted, &none).rc,
            -EINTR);
    }
    EXPECT_LT(Clock::now() - start, 1500ms) << "not interrupted";
    EXPECT_EQ(run.note("handler ran", catcher.count()), 1);
    EXPECT_EQ(run.note("thread mask restored", is_blocked_in_this_thread(SIGUSR1)), 1);
    EXPECT_EQ(run.note("nothing pending", is_pending_for_this_thread(SIGUSR1)), 0);
}

MYEPOLL_SCENARIO(Sigmask, SignalBlockedByBothStaysPending)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add idle eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    SignalCatcher catcher(SIGUSR1, false);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    const sigset_t mask = signal_set(SIGUSR1);
    {
        Later sender(20ms, [target = ::pthread_self()] { ::pthread_kill(target, SIGUSR1); });
        EXPECT_EQ(
            run.wait(ep, "100 ms wait, SIGUSR1 after 20 ms", 8, ms(100), Order::Sorted, &mask).rc,
            0);
    }
    EXPECT_EQ(run.note("handler ran", catcher.count()), 0);
    EXPECT_EQ(run.note("still pending", is_pending_for_this_thread(SIGUSR1)), 1);
    discard_pending(SIGUSR1);
}

MYEPOLL_SCENARIO(Sigmask, HandlerRunsUnderTheWaitsMask)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add idle eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    MaskRecordingHandler handler(SIGUSR1);
    // The thread blocks SIGUSR1; the wait lets it through and blocks SIGWINCH.
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGUSR1));
    ASSERT_FALSE(is_blocked_in_this_thread(SIGWINCH));
    const sigset_t mask = signal_set(SIGWINCH);
    {
        Later sender(20ms, [target = ::pthread_self()] { ::pthread_kill(target, SIGUSR1); });
        EXPECT_EQ(run.wait(ep, "wait, SIGUSR1 after 20 ms", 8, ms(2000), Order::Sorted, &mask).rc,
                  -EINTR);
    }
    EXPECT_EQ(run.note("handler calls", handler.calls()), 1);
    EXPECT_EQ(run.note("SIGWINCH blocked in the handler", handler.was_blocked(SIGWINCH)), 1);
    EXPECT_EQ(run.note("SIGUSR1 blocked in its handler", handler.was_blocked(SIGUSR1)), 1);
    EXPECT_EQ(run.note("after: SIGWINCH unblocked", is_blocked_in_this_thread(SIGWINCH)), 0);
    EXPECT_EQ(run.note("after: SIGUSR1 blocked", is_blocked_in_this_thread(SIGUSR1)), 1);
}

MYEPOLL_SCENARIO(Sigmask, MaskIsRestoredAfterEventsAndTimeouts)
{
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add eventfd", ep.add(efd.get(), EPOLLIN, 1)), 0);
    const sigset_t both = two_signals(SIGUSR1, SIGWINCH);
    EXPECT_EQ(run.wait(ep, "timeout, mask {USR1, WINCH}", 8, ms(5), Order::Sorted, &both).rc, 0);
    EXPECT_EQ(run.note("USR1 blocked after", is_blocked_in_this_thread(SIGUSR1)), 0);
    EXPECT_EQ(run.note("WINCH blocked after", is_blocked_in_this_thread(SIGWINCH)), 0);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(run.wait(ep, "event, same mask", 8, ms(1000), Order::Sorted, &both).events,
              (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("USR1 blocked after", is_blocked_in_this_thread(SIGUSR1)), 0);
    ThreadSignalMask blocked(SIG_BLOCK, signal_set(SIGWINCH));
    const sigset_t none = empty_signal_set();
    EXPECT_EQ(run.wait(ep, "event, empty mask", 8, 0, Order::Sorted, &none).events,
              (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("WINCH blocked again after", is_blocked_in_this_thread(SIGWINCH)), 1);
}
