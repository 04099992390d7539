// Kernel slab usage, from /proc/slabinfo (bytes of active objects per cache)
// and /proc/meminfo (Slab:).
#pragma once

#include <map>
#include <string>

namespace myepoll::bench
{

struct SlabSnapshot {
    std::map<std::string, double> caches; // active_objs x objsize, bytes
    double total = 0;                     // sum of the above
    double meminfo = 0;                   // Slab: in bytes
};

// Throws std::runtime_error when /proc/slabinfo cannot be read.
SlabSnapshot slab_snapshot();

} // namespace myepoll::bench
