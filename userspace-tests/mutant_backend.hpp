// Mutant backends: native epoll with one deliberate defect each.  With
// MYEPOLL_TEST_MUTANT=<name> the MyEpoll and Differential tests run against
// the mutant instead of /dev/myepoll, which shows on a host without the
// module that the suite really catches a broken backend.
#pragma once

#include <string_view>
#include <vector>

#include "backend.hpp"

namespace myepoll::test
{

// The mutant of that name, or null.
Backend *mutant_backend(std::string_view name);

// Every mutant's name, for scripts that run the suite once per mutant.
std::vector<std::string_view> mutant_names();

} // namespace myepoll::test
