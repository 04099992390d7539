// SCM_RIGHTS (see fd_passing.hpp).
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "fd_passing.hpp"

namespace myepoll::test
{

namespace
{

union ControlBuffer {
    cmsghdr header;
    char bytes[CMSG_SPACE(sizeof(int))];
};

} // namespace

void send_fd(int socket, int fd)
{
    char byte = 'f';
    iovec iov{&byte, 1};
    ControlBuffer control{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof(control.bytes);
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    if (::sendmsg(socket, &msg, MSG_NOSIGNAL) != 1)
        throw std::system_error(errno, std::generic_category(), "sendmsg(SCM_RIGHTS)");
}

UniqueFd receive_fd(int socket)
{
    char byte = 0;
    iovec iov{&byte, 1};
    ControlBuffer control{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof(control.bytes);
    ssize_t n;
    do
        n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        throw std::system_error(errno, std::generic_category(), "recvmsg(SCM_RIGHTS)");
    for (cmsghdr *cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
            return UniqueFd(fd);
        }
    }
    throw std::system_error(EPROTO, std::generic_category(), "recvmsg: no descriptor");
}

} // namespace myepoll::test
