// fdinfo parsing (see fdinfo.hpp).
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>

#include "fdinfo.hpp"

namespace myepoll::test
{

std::vector<FdinfoItem> fdinfo_items(int fd)
{
    const std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
    std::ifstream in(path);
    if (!in)
        throw std::system_error(errno, std::generic_category(), "open " + path);
    std::vector<FdinfoItem> items;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("tfd:", 0) != 0)
            continue;
        FdinfoItem item{};
        const int fields = std::sscanf(
            line.c_str(), "tfd: %d events: %" SCNx32 " data: %" SCNx64 " pos:%lli ino:%lx sdev:%x",
            &item.tfd, &item.events, &item.data, &item.pos, &item.ino, &item.sdev);
        // Printed back with native's format, the line must come out the same
        // (field widths, the two spaces before "pos:").
        char native[160];
        std::snprintf(native, sizeof(native),
                      "tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x", item.tfd,
                      item.events, static_cast<unsigned long long>(item.data), item.pos, item.ino,
                      item.sdev);
        if (fields != 6 || line != native)
            throw std::runtime_error("fdinfo line not in native's format: '" + line + "'");
        items.push_back(item);
    }
    std::sort(items.begin(), items.end(), [](const FdinfoItem &a, const FdinfoItem &b) {
        return std::tie(a.tfd, a.data) < std::tie(b.tfd, b.data);
    });
    return items;
}

} // namespace myepoll::test
