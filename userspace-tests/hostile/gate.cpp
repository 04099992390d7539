// Gate (see gate.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "gate.hpp"

namespace myepoll::hostile
{

Gate::Gate()
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    read_.reset(fds[0]);
    write_.reset(fds[1]);
}

void Gate::open()
{
    const char go = 'g';
    if (::write(write_.get(), &go, 1) != 1)
        throw std::system_error(errno, std::generic_category(), "gate write");
}

bool Gate::pass()
{
    write_.reset(); // the child's copy: a parent that dies must end the read
    char go = 0;
    ssize_t n;
    do
        n = ::read(read_.get(), &go, 1);
    while (n < 0 && errno == EINTR);
    return n == 1;
}

} // namespace myepoll::hostile
