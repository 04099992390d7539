// Run: recording calls into a trace.
#include <algorithm>
#include <thread>
#include <vector>

#include "run.hpp"

namespace myepoll::test
{

namespace
{

WaitResult wait_once(Instance &instance, int maxevents, int64_t timeout_ns, Order order,
                     const sigset_t *sigmask = nullptr)
{
    std::vector<Event> buffer(static_cast<size_t>(std::max(maxevents, 1)));
    WaitResult result{instance.wait(buffer.data(), maxevents, timeout_ns, sigmask), {}};
    for (int i = 0; i < result.rc; ++i)
        result.events.push_back({buffer[i].events, buffer[i].data});
    if (order == Order::Sorted)
        sort_by_data(result.events);
    return result;
}

} // namespace

long Run::note(std::string what, long result)
{
    trace_.push_back({std::move(what), result, {}});
    return result;
}

WaitResult Run::wait(Instance &instance, std::string what, int maxevents, int64_t timeout_ns,
                     Order order, const sigset_t *sigmask)
{
    WaitResult result = wait_once(instance, maxevents, timeout_ns, order, sigmask);
    trace_.push_back({std::move(what), result.rc, result.events, true});
    return result;
}

WaitResult Run::probe(Instance &instance, int maxevents, int64_t timeout_ns, Order order,
                      const sigset_t *sigmask) const
{
    return wait_once(instance, maxevents, timeout_ns, order, sigmask);
}

void Run::record(std::string what, const WaitResult &result)
{
    trace_.push_back({std::move(what), result.rc, result.events, true});
}

WaitResult Run::wait_for(Instance &instance, std::string what, const Events &expected,
                         std::chrono::milliseconds deadline)
{
    Events wanted = expected;
    sort_by_data(wanted);
    const int maxevents = static_cast<int>(wanted.size()) + 16;
    const auto end = std::chrono::steady_clock::now() + deadline;
    WaitResult result;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
            end - std::chrono::steady_clock::now());
        const int64_t timeout = std::clamp<int64_t>(left.count(), 0, ms(100));
        result = wait_once(instance, maxevents, timeout, Order::Sorted);
        if (result.events == wanted || timeout == 0)
            break;
        if (result.rc != 0) // something else is ready: let the expected state settle
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    trace_.push_back({std::move(what), result.rc, result.events, true});
    return result;
}

} // namespace myepoll::test
