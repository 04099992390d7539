// The concrete backends behind backend(kind); internal to tools/lib.
#pragma once

#include "backend.hpp"

namespace myepoll
{

Backend &native_backend();  // native_backend.cpp
Backend &myepoll_backend(); // myepoll_backend.cpp

// open(path, O_RDWR | O_CLOEXEC); on failure an empty UniqueFd and the errno
// in *error (device_open.cpp).
UniqueFd open_device(const char *path, int *error);

} // namespace myepoll
