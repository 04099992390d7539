// Profile windows: marker instructions for tools/profile/tbprof.cpp, the
// QEMU plugin behind `make profile`.  A marker is one `nopl DISP(%rax)`
// whose displacement spells "MYP" and a window number: it reads and writes
// nothing, so a run without the plugin executes one instruction more per
// marker and nothing else.
#pragma once

#include "waiter.hpp"

namespace myepoll::bench
{

template <int Window> inline void profile_mark() noexcept
{
    asm volatile(".byte 0x0f, 0x1f, 0x80, 'M', 'Y', 'P', %c0" ::"i"(Window));
}

// The blocks executed from here to profile_close() count for the window
// numbered as api's value (scripts/profile-report.py names them).
inline void profile_open(Api api) noexcept
{
    switch (api) {
    case Api::Select:
        profile_mark<static_cast<int>(Api::Select)>();
        break;
    case Api::Poll:
        profile_mark<static_cast<int>(Api::Poll)>();
        break;
    case Api::Native:
        profile_mark<static_cast<int>(Api::Native)>();
        break;
    case Api::MyEpoll:
        profile_mark<static_cast<int>(Api::MyEpoll)>();
        break;
    }
}

inline void profile_close() noexcept
{
    profile_mark<0xff>();
}

} // namespace myepoll::bench
