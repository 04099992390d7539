// BlockedWaiters (see blocked_waiters.hpp).
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "blocked_waiters.hpp"

namespace myepoll::test
{

namespace
{

std::string read_task_file(pid_t tid, const char *name)
{
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Sleeping ('S') inside ioctl (myepoll) or epoll_pwait2 (native).
bool blocked_in_wait(pid_t tid)
{
    const std::string stat = read_task_file(tid, "stat");
    const size_t paren = stat.rfind(')'); // the name may contain anything
    if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'S')
        return false;
    const std::string syscall = read_task_file(tid, "syscall");
    long number = -1;
    std::istringstream(syscall) >> number;
    return number == SYS_ioctl || number == SYS_epoll_pwait2;
}

} // namespace

BlockedWaiters::BlockedWaiters(const Run &run, const std::vector<Instance *> &instances,
                               int maxevents, int64_t timeout_ns)
{
    for (size_t i = 0; i < instances.size(); ++i)
        slots_.push_back(std::make_unique<Slot>());
    for (size_t i = 0; i < instances.size(); ++i) {
        threads_.emplace_back(
            [this, &run, instance = instances[i], slot = slots_[i].get(), maxevents, timeout_ns] {
                slot->tid.store(static_cast<pid_t>(::syscall(SYS_gettid)));
                slot->result = run.probe(*instance, maxevents, timeout_ns);
                finished_.fetch_add(1);
            });
    }
}

bool BlockedWaiters::wait_until_blocked(std::chrono::milliseconds deadline) const
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (const auto &slot : slots_) {
        for (;;) {
            const pid_t tid = slot->tid.load();
            if (tid != 0 && blocked_in_wait(tid))
                break;
            if (std::chrono::steady_clock::now() > end)
                return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    return true;
}

std::vector<WaitResult> BlockedWaiters::join()
{
    for (std::jthread &t : threads_)
        t.join();
    std::vector<WaitResult> results;
    for (const auto &slot : slots_)
        results.push_back(slot->result);
    return results;
}

namespace
{

size_t counted_events(const WaitResult &result)
{
    size_t count = 0;
    for (const Reported &r : result.events)
        count += r.data != kReleaseData ? 1 : 0;
    return count;
}

} // namespace

size_t woken_count(const std::vector<WaitResult> &results)
{
    size_t woken = 0;
    for (const WaitResult &r : results)
        woken += counted_events(r) > 0 ? 1 : 0;
    return woken;
}

size_t event_count(const std::vector<WaitResult> &results)
{
    size_t events = 0;
    for (const WaitResult &r : results)
        events += counted_events(r);
    return events;
}

} // namespace myepoll::test
