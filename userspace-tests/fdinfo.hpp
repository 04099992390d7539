// The items an instance lists in /proc/self/fdinfo/<epfd>, in native
// epoll's format:
//   tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x
#pragma once

#include <cstdint>
#include <vector>

namespace myepoll::test
{

struct FdinfoItem {
    int tfd;
    uint32_t events;
    uint64_t data;
    long long pos;
    unsigned long ino;
    unsigned sdev;
};

// The "tfd:" lines of fd's fdinfo, sorted by (tfd, data) (the kernel lists
// them in tree order, which depends on file addresses).  Throws
// std::system_error if the file cannot be read, std::runtime_error if a
// "tfd:" line does not have native's format.
std::vector<FdinfoItem> fdinfo_items(int fd);

} // namespace myepoll::test
