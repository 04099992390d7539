// The body of a child forked during the races storm.  It shares the
// parent's instances (a forked child shares the interest list) and uses only
// async-signal-safe system calls: the parent has other threads.
//
// It registers a socket of its own in A and B (and sometimes C), makes it
// ready, waits, sometimes DELs or MODs, sometimes closes its copies of the
// instances, and exits without closing the socket: close tracking must then
// drop those registrations as the child's files are released.  Returns the
// exit status: 0, or the number of the step that failed.
#pragma once

#include <cstdint>

namespace gauntlet
{

int race_child_main(int a, int b, int c, uint64_t seed, uint32_t serial) noexcept;

} // namespace gauntlet
