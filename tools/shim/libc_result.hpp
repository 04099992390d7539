// The kernel's convention (value or -errno) turned into libc's (-1 + errno).
#pragma once

#include <cerrno>

namespace myepoll::shim
{

inline long libc_result(long rc) noexcept
{
    if (rc >= 0)
        return rc;
    errno = static_cast<int>(-rc);
    return -1;
}

} // namespace myepoll::shim
