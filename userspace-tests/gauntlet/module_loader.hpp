// Loading and unloading the module with the system calls themselves
// (finit_module, delete_module), so that their errno can be checked, and
// what the kernel shows of a loaded module.
#pragma once

#include <optional>
#include <string>

namespace gauntlet
{

// finit_module(open(path), params, 0): 0 or -errno.
long load_module(const std::string &path, const std::string &params = "");
// delete_module(name, O_NONBLOCK): 0 or -errno (EWOULDBLOCK while in use).
long unload_module(const std::string &name);

struct ModuleState {
    std::string state; // "Live", "Loading", "Unloading"
    long refcount;
};
// From /proc/modules; nothing if the module is not loaded.
std::optional<ModuleState> module_state(const std::string &name);

} // namespace gauntlet
