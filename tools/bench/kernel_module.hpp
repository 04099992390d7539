// Unloading and loading a kernel module from the benchmark itself, so that
// a figure taken without myepoll and one taken with it come from the same
// boot and the same process (close_cost.cpp).  Root only.
#pragma once

#include <string>

namespace myepoll::bench
{

// delete_module(name, O_NONBLOCK): 0 or an errno.  A module still in use
// (EWOULDBLOCK) or not yet live (EBUSY) is tried again, every 100 ms for
// up to 3 s: a reference can outlive the process that took it by a grace
// period (a BPF trampoline on one of the module's functions, say).
int unload_module(const std::string &name);

// finit_module() of the file at path, without parameters: 0 or an errno.
int load_module(const std::string &path);

} // namespace myepoll::bench
