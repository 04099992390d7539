// rc_name(), hex() (see format.hpp).
#include <cstring>

#include "format.hpp"

namespace gauntlet
{

std::string rc_name(long rc)
{
    if (rc >= 0)
        return std::to_string(rc);
    const char *name = ::strerrorname_np(static_cast<int>(-rc));
    return name != nullptr ? std::string(name) : "errno " + std::to_string(-rc);
}

std::string hex(uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), digits[value & 15]);
        value >>= 4;
    } while (value != 0);
    return "0x" + out;
}

} // namespace gauntlet
