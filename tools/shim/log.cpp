// log_line(), verbose(), env_flag().
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "log.hpp"

namespace myepoll::shim
{

bool env_flag(const char *name) noexcept
{
    const char *value = std::getenv(name);
    return value != nullptr && std::strcmp(value, "1") == 0;
}

bool verbose() noexcept
{
    static std::atomic<int> state{-1}; // -1: not read yet (constant-initialised: no guard)
    int v = state.load(std::memory_order_relaxed);
    if (v < 0) {
        v = env_flag("MYEPOLL_SHIM_VERBOSE") ? 1 : 0;
        state.store(v, std::memory_order_relaxed);
    }
    return v == 1;
}

void log_line(const char *fmt, ...) noexcept
{
    const int saved_errno = errno;
    char buf[512];
    int n = std::snprintf(buf, sizeof(buf), "myepoll-shim[%d]: ", static_cast<int>(::getpid()));
    va_list args;
    va_start(args, fmt);
    const int m = std::vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, args);
    va_end(args);
    n += m < 0 ? 0 : m;
    if (n > static_cast<int>(sizeof(buf)) - 2)
        n = sizeof(buf) - 2;
    buf[n++] = '\n';
    for (int off = 0; off < n;) {
        const ssize_t w = ::write(2, buf + off, n - off);
        if (w <= 0)
            break;
        off += static_cast<int>(w);
    }
    errno = saved_errno;
}

} // namespace myepoll::shim
