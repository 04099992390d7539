#include "slab.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace myepoll::bench
{

SlabSnapshot slab_snapshot()
{
    SlabSnapshot snap;
    std::ifstream slabinfo("/proc/slabinfo");
    if (!slabinfo)
        throw std::runtime_error("cannot read /proc/slabinfo (root needed)");
    std::string line;
    while (std::getline(slabinfo, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("slabinfo", 0) == 0)
            continue;
        std::istringstream fields(line);
        std::string name;
        double active = 0, total = 0, size = 0;
        if (fields >> name >> active >> total >> size) {
            snap.caches[name] = active * size;
            snap.total += active * size;
        }
    }
    std::ifstream meminfo("/proc/meminfo");
    while (std::getline(meminfo, line)) {
        if (line.rfind("Slab:", 0) == 0) {
            std::istringstream fields(line.substr(5));
            double kib = 0;
            fields >> kib;
            snap.meminfo = kib * 1024;
        }
    }
    return snap;
}

} // namespace myepoll::bench
