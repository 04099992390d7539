// Report: console protocol lines (see report.hpp).
#include <termios.h>
#include <unistd.h>

#include <string>

#include "report.hpp"

namespace gauntlet
{

void write_line(std::string_view line)
{
    std::string out(line);
    out += '\n';
    const char *p = out.data();
    size_t left = out.size();
    while (left > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n <= 0)
            return;
        p += n;
        left -= static_cast<size_t>(n);
    }
    // On the serial console the line sits in the UART's transmit buffer
    // while printk writes synchronously: kernel messages that come before
    // it has drained land in the middle of it.  Wait until it is out (does
    // nothing when stdout is not a tty).
    ::tcdrain(STDOUT_FILENO);
}

void Report::pass(std::string_view name)
{
    ++passes_;
    write_line("@@myepoll case " + suite_ + " pass " + std::string(name));
}

void Report::fail(std::string_view name, std::string_view why)
{
    ++failures_;
    write_line(suite_ + ": " + std::string(name) + ": " + std::string(why));
    write_line("@@myepoll case " + suite_ + " fail " + std::string(name));
}

void Report::check(std::string_view name, std::string_view why)
{
    if (why.empty())
        pass(name);
    else
        fail(name, why);
}

void Report::note(std::string_view text)
{
    write_line("@@myepoll note " + suite_ + ": " + std::string(text));
}

void Report::say(std::string_view text)
{
    write_line(suite_ + ": " + std::string(text));
}

} // namespace gauntlet
