// Signal helpers (see signals.hpp).
#include <time.h>

#include <atomic>
#include <system_error>

#include "signals.hpp"

namespace myepoll::test
{

namespace
{

constexpr int kMaxSignal = 65;
std::atomic<int> g_count[kMaxSignal];
std::atomic<int64_t> g_last_ns[kMaxSignal];

void counting_handler(int signo)
{
    if (signo > 0 && signo < kMaxSignal) {
        g_last_ns[signo].store(monotonic_ns());
        g_count[signo].fetch_add(1);
    }
}

} // namespace

int64_t monotonic_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts); // async-signal-safe
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

SignalCatcher::SignalCatcher(int signo, bool restart) : signo_(signo)
{
    g_count[signo].store(0);
    g_last_ns[signo].store(0);
    struct sigaction sa {
    };
    sa.sa_handler = counting_handler;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigemptyset(&sa.sa_mask);
    if (::sigaction(signo, &sa, &old_) < 0)
        throw std::system_error(errno, std::generic_category(), "sigaction");
}

SignalCatcher::~SignalCatcher()
{
    ::sigaction(signo_, &old_, nullptr);
}

int SignalCatcher::count() const noexcept
{
    return g_count[signo_].load();
}

int64_t SignalCatcher::last_delivery_ns() const noexcept
{
    return g_last_ns[signo_].load();
}

ThreadSignalMask::ThreadSignalMask(int how, const sigset_t &set)
{
    const int rc = ::pthread_sigmask(how, &set, &old_);
    if (rc != 0)
        throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
}

ThreadSignalMask::~ThreadSignalMask()
{
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

sigset_t signal_set(int signo)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return set;
}

sigset_t empty_signal_set()
{
    sigset_t set;
    sigemptyset(&set);
    return set;
}

bool is_blocked_in_this_thread(int signo)
{
    sigset_t current;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &current);
    return sigismember(&current, signo) == 1;
}

bool is_pending_for_this_thread(int signo)
{
    sigset_t pending;
    ::sigpending(&pending);
    return sigismember(&pending, signo) == 1;
}

void discard_pending(int signo)
{
    const sigset_t set = signal_set(signo);
    const timespec zero{};
    while (is_pending_for_this_thread(signo) && ::sigtimedwait(&set, nullptr, &zero) == signo) {
    }
}

} // namespace myepoll::test
