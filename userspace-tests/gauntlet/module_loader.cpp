// finit_module / delete_module wrappers (see module_loader.hpp).
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "module_loader.hpp"
#include "unique_fd.hpp"

namespace gauntlet
{

long load_module(const std::string &path, const std::string &params)
{
    myepoll::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return -errno;
    return ::syscall(SYS_finit_module, fd.get(), params.c_str(), 0) == 0 ? 0 : -errno;
}

long unload_module(const std::string &name)
{
    return ::syscall(SYS_delete_module, name.c_str(), O_NONBLOCK) == 0 ? 0 : -errno;
}

std::optional<ModuleState> module_state(const std::string &name)
{
    std::ifstream in("/proc/modules");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string mod, size, users, deps, state;
        fields >> mod >> size >> users >> deps >> state;
        if (mod == name)
            return ModuleState{state, std::stol(users)};
    }
    return std::nullopt;
}

} // namespace gauntlet
