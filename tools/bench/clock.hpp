// The benchmarks' clock: CLOCK_MONOTONIC through the vDSO.  Under QEMU's
// -icount the guest's TSC (clocksource=tsc) counts instructions, so a
// difference of two readings is a count of guest instructions in disguise.
#pragma once

#include <time.h>

#include <cstdint>

namespace myepoll::bench
{

inline int64_t now_ns() noexcept
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace myepoll::bench
