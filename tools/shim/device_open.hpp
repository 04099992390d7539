// Opening /dev/myepoll.
#pragma once

#include "unique_fd.hpp"

namespace myepoll::shim
{

// open("/dev/myepoll", O_RDWR | O_CLOEXEC); on failure an empty UniqueFd and
// the errno in *error.
UniqueFd open_device(int *error) noexcept;

} // namespace myepoll::shim
