// The items an instance lists in /proc/self/fdinfo/<fd> ("tfd: N events: X
// data: Y ..."), the module's own account of its interest list.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace gauntlet
{

struct FdinfoItem {
    int tfd;
    uint32_t events;
    uint64_t data;
};

// Nothing if the file cannot be read.
std::optional<std::vector<FdinfoItem>> read_fdinfo(int epfd);

} // namespace gauntlet
