// The ring-mode cases (ring_cases.cpp), run when MYEPOLL_SHIM_RING=1.
#pragma once

#include <vector>

#include "check.hpp"

namespace myepoll::shim_check
{

std::vector<Case> ring_cases();

} // namespace myepoll::shim_check
