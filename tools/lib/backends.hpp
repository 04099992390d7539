// The concrete backends behind backend(kind); internal to tools/lib.
#pragma once

#include "backend.hpp"

namespace myepoll
{

Backend &native_backend();  // native_backend.cpp
Backend &myepoll_backend(); // myepoll_backend.cpp
Backend &ring_backend();    // ring_backend.cpp

} // namespace myepoll
