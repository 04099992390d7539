// shim_check: the LD_PRELOAD shim's own checks, run in the VM under
// LD_PRELOAD=/lib/libmyepoll-shim.so by the selftest suite.  Every case
// compares what the shim answers with what glibc answers natively (errnos
// included), checks that instances really are myepoll's, and that calls on
// anything else reach native epoll unchanged.
//
//   shim_check [SUITE]      SUITE names the case lines (default selftest-shim)
//
// With MYEPOLL_SHIM_RING=1 (the shim's ring mode) the ring cases run after
// the others (ring_cases.cpp).
//
// Exit status: 0 if every case passed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <vector>

#include "check.hpp"
#include "libc_direct.hpp"
#include "ring_cases.hpp"

int main(int argc, char **argv)
{
    using namespace myepoll::shim_check;
    const char *suite = argc > 1 ? argv[1] : "selftest-shim";
    try {
        libc(); // fails early if glibc's own functions cannot be reached
    } catch (const std::exception &e) {
        std::printf("shim_check: %s\n", e.what());
        return 2;
    }
    std::vector<Case> cases = all_cases();
    if (const char *ring = std::getenv("MYEPOLL_SHIM_RING"); ring && std::strcmp(ring, "1") == 0)
        for (Case &c : ring_cases())
            cases.push_back(std::move(c));
    return run_cases(cases, suite) == 0 ? 0 : 1;
}
