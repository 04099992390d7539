// Objects in use in a slab cache, as /sys/kernel/slab/<cache>/objects
// shows them after a shrink (which flushes the per-CPU slabs and, under
// KASAN, the quarantine, so that freed objects stop counting).
#pragma once

#include <optional>
#include <string>

namespace gauntlet
{

struct SlabCount {
    long objects = -1;
    bool merged = false; // the name is an alias of a merged cache
};

// Nothing if the cache does not exist.
std::optional<SlabCount> slab_objects(const std::string &cache);

} // namespace gauntlet
