// Diagnostics on stderr: one write(2) per line, no stdio (the program's own
// stdout/stderr buffers are left alone).
#pragma once

namespace myepoll::shim
{

// MYEPOLL_SHIM_VERBOSE=1: log every routing decision.
bool verbose() noexcept;

// Writes "myepoll-shim[pid]: " + the formatted text + "\n" to fd 2.
void log_line(const char *fmt, ...) noexcept __attribute__((format(printf, 1, 2)));

// True if the environment variable is set to "1".
bool env_flag(const char *name) noexcept;

} // namespace myepoll::shim
