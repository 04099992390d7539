#include "kernel_version.hpp"

#include <sys/utsname.h>

#include <cstdio>
#include <stdexcept>

namespace myepoll::test
{

bool kernel_at_least(unsigned major, unsigned minor)
{
    utsname name{};
    unsigned running_major = 0;
    unsigned running_minor = 0;
    if (::uname(&name) != 0 ||
        std::sscanf(name.release, "%u.%u", &running_major, &running_minor) != 2)
        throw std::runtime_error("cannot read the kernel's release");
    return running_major > major || (running_major == major && running_minor >= minor);
}

} // namespace myepoll::test
