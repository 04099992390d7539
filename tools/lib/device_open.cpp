// open_device(): kept apart from myepoll_backend.cpp, whose <linux/myepoll.h>
// cannot share a translation unit with glibc's <fcntl.h>.
#include <fcntl.h>

#include <cerrno>

#include "backends.hpp"

namespace myepoll
{

UniqueFd open_device(const char *path, int *error)
{
    UniqueFd fd(::open(path, O_RDWR | O_CLOEXEC));
    *error = fd ? 0 : errno;
    return fd;
}

} // namespace myepoll
