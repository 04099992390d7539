// Is an instance (still) usable?  A new socket is added with a fresh
// data.u64, made readable, and must be reported with that data; then it is
// removed again.
#pragma once

#include <cstdint>
#include <string>

namespace gauntlet
{

// "" if it works, else what went wrong.
std::string check_usable(int epfd, uint64_t data);

} // namespace gauntlet
