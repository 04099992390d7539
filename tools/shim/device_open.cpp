// open_device(): apart from device_calls.cpp, whose <linux/myepoll.h> cannot
// share a translation unit with glibc's <fcntl.h>.
#include <fcntl.h>

#include <cerrno>

#include "device_open.hpp"

namespace myepoll::shim
{

namespace
{
constexpr const char *kDevice = "/dev/myepoll"; // MYEPOLL_DEVICE
} // namespace

UniqueFd open_device(int *error) noexcept
{
    UniqueFd fd(::open(kDevice, O_RDWR | O_CLOEXEC));
    *error = fd ? 0 : errno;
    return fd;
}

} // namespace myepoll::shim
