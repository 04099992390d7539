// The shared counters and the report at exit.
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "log.hpp"
#include "stats.hpp"

namespace myepoll::shim
{

namespace
{

constexpr unsigned kCounters = static_cast<unsigned>(Counter::Count_);

struct Counters {
    std::atomic<uint64_t> value[kCounters];
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared between processes");

Counters local_counters; // if the shared page cannot be mapped
std::atomic<Counters *> counters{nullptr};
std::atomic<pid_t> loader_pid{0};

Counters *get() noexcept
{
    Counters *c = counters.load(std::memory_order_acquire);
    if (c != nullptr)
        return c;
    void *page = ::mmap(nullptr, sizeof(Counters), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    Counters *fresh = page == MAP_FAILED ? &local_counters : static_cast<Counters *>(page);
    if (!counters.compare_exchange_strong(c, fresh, std::memory_order_acq_rel)) {
        if (fresh != &local_counters)
            ::munmap(fresh, sizeof(Counters)); // another thread was first: use its page
        return c;
    }
    return fresh;
}

uint64_t read(Counter counter) noexcept
{
    return get()->value[static_cast<unsigned>(counter)].load(std::memory_order_relaxed);
}

__attribute__((constructor)) void stats_init() noexcept
{
    loader_pid.store(::getpid(), std::memory_order_relaxed);
    get();
}

__attribute__((destructor)) void stats_report() noexcept
{
    // Forked children that exit() share the counters: only the loader reports.
    if (!env_flag("MYEPOLL_SHIM_STATS") || ::getpid() != loader_pid.load())
        return;
    auto v = [](Counter c) { return static_cast<unsigned long long>(read(c)); };
    log_line("stats create=%llu ctl=%llu wait=%llu syscall=%llu no-device=%llu "
             "native-ctl=%llu native-wait=%llu ring=%llu",
             v(Counter::Create), v(Counter::Ctl), v(Counter::Wait), v(Counter::Syscall),
             v(Counter::NoDevice), v(Counter::NativeCtl), v(Counter::NativeWait), v(Counter::Ring));
}

} // namespace

void count(Counter counter) noexcept
{
    get()->value[static_cast<unsigned>(counter)].fetch_add(1, std::memory_order_relaxed);
}

} // namespace myepoll::shim
