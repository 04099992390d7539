// Values in messages: rc_name() of a call's result ("3", "EEXIST",
// "errno 999") and hex() of flags and masks ("0x1f").
#pragma once

#include <cstdint>
#include <string>

namespace gauntlet
{

std::string rc_name(long rc);
std::string hex(uint64_t value);

} // namespace gauntlet
