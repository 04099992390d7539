#include "kernel_module.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "unique_fd.hpp"

namespace myepoll::bench
{

int unload_module(const std::string &name)
{
    constexpr int kTries = 30;
    for (int i = 0;; ++i) {
        if (::syscall(SYS_delete_module, name.c_str(), O_NONBLOCK) == 0)
            return 0;
        const int error = errno;
        if ((error != EWOULDBLOCK && error != EBUSY) || i + 1 == kTries)
            return error;
        ::usleep(100'000);
    }
}

int load_module(const std::string &path)
{
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return errno;
    return ::syscall(SYS_finit_module, fd.get(), "", 0) == 0 ? 0 : errno;
}

} // namespace myepoll::bench
