// Counts of what the shim did, shared by a process and the children it forks
// (the counters live in a MAP_SHARED page), so that a test harness that runs
// every case in a forked child still sees the total.  With
// MYEPOLL_SHIM_STATS=1 the process that loaded the shim prints them to stderr
// when it exits:
//   myepoll-shim[PID]: stats create=N ctl=N wait=N syscall=N no-device=N (one line)
//                      native-ctl=N native-wait=N ring=N
// create/ctl/wait count calls answered by myepoll, errors included (those
// made through syscall() are also counted in syscall=); no-device counts
// creates that failed because /dev/myepoll could not be opened; native-*
// count calls passed on to native epoll because epfd was not a myepoll
// instance; ring counts rings the shim mapped (ring mode: set up at create,
// or attached to an fd it had not seen).
#pragma once

namespace myepoll::shim
{

enum class Counter : unsigned {
    Create,
    Ctl,
    Wait,
    Syscall,
    NoDevice,
    NativeCtl,
    NativeWait,
    Ring,
    Count_, // number of counters
};

void count(Counter counter) noexcept;

} // namespace myepoll::shim
