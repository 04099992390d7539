// read_fdinfo(): parse an instance's fdinfo (see fdinfo.hpp).
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <string>

#include "fdinfo.hpp"

namespace gauntlet
{

std::optional<std::vector<FdinfoItem>> read_fdinfo(int epfd)
{
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(epfd));
    if (!in)
        return std::nullopt;
    std::vector<FdinfoItem> items;
    std::string line;
    while (std::getline(in, line)) {
        int tfd = 0;
        unsigned events = 0;
        unsigned long long data = 0;
        if (std::sscanf(line.c_str(), "tfd: %d events: %x data: %llx", &tfd, &events, &data) == 3)
            items.push_back(FdinfoItem{tfd, events, static_cast<uint64_t>(data)});
    }
    return items;
}

} // namespace gauntlet
