#include "socket_io.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace myepoll::trace
{

std::size_t recv_some(int fd, void *buf, std::size_t len, const char *who)
{
    for (;;) {
        const ssize_t n = ::recv(fd, buf, len, 0);
        if (n > 0)
            return static_cast<std::size_t>(n);
        if (n == 0)
            throw std::runtime_error(std::string(who) + ": the peer closed the connection");
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        if (errno != EINTR)
            throw std::system_error(errno, std::generic_category(), std::string(who) + ": recv");
    }
}

} // namespace myepoll::trace
