// The ring suite's filter and the scenarios it skips (ring_skips.hpp).
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "ring_skips.hpp"

namespace myepoll::test
{

namespace
{

constexpr std::string_view kBuffer =
    "the ring is harvested into the events buffer in user space: a NULL, unwritable or "
    "partly mapped buffer with an event ready faults in the process instead of "
    "giving EFAULT with the event kept";

// An entry is published when the wakeup happens and delivered when it is
// taken, with the data and bits it had then (docs/abi.md).
constexpr std::string_view kStale =
    "an entry published before the item's readiness went away (data read, DEL, close of "
    "the file) is still delivered, and makes the instance readable to a watcher, where "
    "native's re-poll at wait time finds nothing";

// Native's ready list rotates level-triggered items to its tail; the ring
// is in publication order, and a wait takes what it holds.
constexpr std::string_view kRotation =
    "with more ready items than maxevents, which ones a wait returns is the ready list's "
    "round-robin natively and the ring's publication order here";

constexpr RingSkip kSkips[] = {
    {"WaitError.NullBufferWithReadyEventIsEfaultAndKeepsIt", kBuffer},
    {"WaitError.UnwritableBufferIsEfault", kBuffer},
    {"WaitError.PartialCopyReturnsCountAndKeepsTheRest", kBuffer},
    {"Close.ReusedNumberIsNotReportedUnderTheOldData", kStale},
    {"Interest.DelThenAddAgain", kStale},
    {"Nesting.ReadinessSeenByPoll", kStale},
    {"Nesting.ReadinessSeenBySelect", kStale},
    {"Nesting.ReadinessSeenByNativeEpoll", kStale},
    {"Nesting.ReadinessSeenByAnotherInstance", kStale},
    {"CopyOut.TcpWritersRacingAnEdgeTriggeredWaiterLoseNothing", kStale},
    {"CopyOut.EventfdWritersRacingAnEdgeTriggeredWaiterLoseNothing", kStale},
    {"Fairness.NewlyReadyItemQueuesBehindRequeuedOnes", kRotation},
    {"Fairness.IdleItemDropsOutOfTheRotation", kRotation},
    {"Fairness.EdgeAndOneshotItemsDoNotReturnToTheTail", kRotation},
    {"Scale.MaxeventsSmallerThanReadyCount", kRotation},
};

} // namespace

bool ring_suite()
{
    const char *value = std::getenv("MYEPOLL_TEST_RING");
    return value != nullptr && *value != '\0' && std::string(value) != "0";
}

std::span<const RingSkip> ring_skips()
{
    return kSkips;
}

void filter_ring_suite()
{
    std::string filter = GTEST_FLAG_GET(filter);
    if (filter == "*")
        filter = "*/RingDifferential";
    std::string negative;
    for (const RingSkip &skip : kSkips) {
        negative += negative.empty() ? "" : ":";
        negative += std::string(skip.scenario) + "/*";
        std::printf("ring: skipping %.*s: %.*s\n", static_cast<int>(skip.scenario.size()),
                    skip.scenario.data(), static_cast<int>(skip.reason.size()), skip.reason.data());
    }
    filter += (filter.find('-') == std::string::npos ? "-" : ":") + negative;
    GTEST_FLAG_SET(filter, filter);
    std::fflush(stdout);
}

} // namespace myepoll::test
