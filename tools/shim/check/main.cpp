// shim_check: the LD_PRELOAD shim's own checks, run in the VM under
// LD_PRELOAD=/lib/libmyepoll-shim.so by the selftest suite.  Every case
// compares what the shim answers with what glibc answers natively (errnos
// included), checks that instances really are myepoll's, and that calls on
// anything else reach native epoll unchanged.
//
//   shim_check [SUITE]      SUITE names the case lines (default selftest-shim)
//
// Exit status: 0 if every case passed.
#include <cstdio>
#include <exception>

#include "check.hpp"
#include "libc_direct.hpp"

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
    return run_cases(all_cases(), suite) == 0 ? 0 : 1;
}
