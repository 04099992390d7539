// fixtures.hpp.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "fixtures.hpp"
#include "libc_direct.hpp"

namespace myepoll::shim_check
{

std::string fd_link(int fd)
{
    char buf[256];
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf) - 1);
    return n < 0 ? std::string("?") : std::string(buf, static_cast<size_t>(n));
}

bool is_myepoll(int fd)
{
    return fd >= 0 && fd_link(fd) == "anon_inode:[myepoll]";
}
bool is_native_epoll(int fd)
{
    return fd >= 0 && fd_link(fd) == "anon_inode:[eventpoll]";
}

UniqueFd shim_instance(Check &c, int flags)
{
    UniqueFd fd(::epoll_create1(flags));
    c.expect(is_myepoll(fd.get()),
             "epoll_create1 gave a myepoll instance (" + fd_link(fd.get()) + ")");
    return fd;
}

UniqueFd native_instance(Check &c)
{
    UniqueFd fd(libc().epoll_create1(0));
    c.expect(is_native_epoll(fd.get()), "glibc's epoll_create1 gave a native epoll fd");
    return fd;
}

UniqueFd eventfd_ready(bool ready)
{
    UniqueFd fd(::eventfd(ready ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC));
    return fd;
}

void signal_eventfd(int fd)
{
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof(one));
}

} // namespace myepoll::shim_check
