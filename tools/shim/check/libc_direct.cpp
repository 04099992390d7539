// libc(): dlopen("libc.so.6", RTLD_NOLOAD) and dlsym() on that handle, which
// looks in libc itself, not in the preloaded shim.
#include <dlfcn.h>

#include <stdexcept>
#include <string>

#include "libc_direct.hpp"

namespace myepoll::shim_check
{

namespace
{

template <typename Fn> void resolve(void *handle, const char *name, Fn *out)
{
    void *p = ::dlsym(handle, name);
    if (p == nullptr)
        throw std::runtime_error(std::string("libc.so.6 has no ") + name);
    *out = reinterpret_cast<Fn>(p);
}

LibcDirect load()
{
    void *handle = ::dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr)
        throw std::runtime_error("libc.so.6 is not loaded");
    LibcDirect l{};
    resolve(handle, "epoll_create", &l.epoll_create);
    resolve(handle, "epoll_create1", &l.epoll_create1);
    resolve(handle, "epoll_ctl", &l.epoll_ctl);
    resolve(handle, "epoll_wait", &l.epoll_wait);
    resolve(handle, "epoll_pwait", &l.epoll_pwait);
    resolve(handle, "epoll_pwait2", &l.epoll_pwait2);
    resolve(handle, "syscall", &l.syscall);
    return l;
}

} // namespace

const LibcDirect &libc()
{
    static const LibcDirect direct = load();
    return direct;
}

} // namespace myepoll::shim_check
