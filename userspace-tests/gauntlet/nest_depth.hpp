// The nesting depth limit, built from the bottom: A0 watches A1, then A1
// watches A2, ... each ADD naming a new, empty instance.  Native 6.1 (Debian
// 6.1.192, with "eventpoll: Fix semi-unbounded recursion") counts the depth
// above the instance added to as well as below the one added, and refuses
// the fifth such ADD (a sixth level) with ELOOP.  A chain allowed to grow
// this way makes every wakeup at its bottom recurse through all its levels.
#pragma once

#include <string>

namespace gauntlet
{

// "" if the fifth bottom-up ADD fails with ELOOP (and the four before it
// succeed).  Stops at 7 levels without waking anything.
std::string check_nest_chain(int dev);

} // namespace gauntlet
