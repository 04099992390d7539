// run_pollfree() (see pollfree.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "calls.hpp"
#include "fdinfo.hpp"
#include "format.hpp"
#include "pollfree.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

constexpr uint64_t kTag = 0x9011f4ee;

// In the child: signalfd, ADD, make it ready, send it to the parent.
int child_main(int instance, int sock)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0)
        return 2;
    const int sfd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        return 3;
    if (ctl(instance, EPOLL_CTL_ADD, sfd, EPOLLIN, kTag) != 0)
        return 4;
    ::kill(::getpid(), SIGUSR1); // the item turns ready through the child's queue
    int number = sfd;
    char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{&number, sizeof(number)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &sfd, sizeof(int));
    if (::sendmsg(sock, &msg, 0) != sizeof(number))
        return 5;
    return 0;
}

// The signalfd from the child, moved to the fd number it had there (so
// that (file, fd) names the child's registration); -1 on failure.
int receive(int sock)
{
    int number = -1;
    char control[CMSG_SPACE(sizeof(int))] = {};
    iovec iov{&number, sizeof(number)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    if (::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(number))
        return -1;
    const cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg == nullptr || cmsg->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    if (fd == number)
        return fd;
    const int moved = ::dup3(fd, number, O_CLOEXEC);
    ::close(fd);
    return moved;
}

} // namespace

std::string run_pollfree(int dev, PollfreeEnd end)
{
    const int made = create(dev, O_CLOEXEC);
    if (made < 0)
        return "CREATE: " + rc_name(made);
    UniqueFd instance(made);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0)
        return "socketpair: " + rc_name(-errno);
    UniqueFd parent_sock(sv[0]), child_sock(sv[1]);
    // The number the child's signalfd will get must be free here too.
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(child_main(instance.get(), child_sock.get()));
    if (pid < 0)
        return "fork: " + rc_name(-errno);
    child_sock.reset();
    UniqueFd sfd(receive(parent_sock.get()));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // The child is reaped: its sighand, and the queue the item hooked, are gone.
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "the child failed at step " + std::to_string(WEXITSTATUS(status));
    if (!sfd)
        return "did not receive the signalfd";
    const auto items = read_fdinfo(instance.get());
    if (!items || items->size() != 1 || items->front().data != kTag)
        return "fdinfo does not list the child's signalfd item";
    Event events[4];
    const int n = wait(instance.get(), events, 4, 0);
    if (n < 0)
        return "WAIT after POLLFREE: " + rc_name(n);
    const int mod = ctl(instance.get(), EPOLL_CTL_MOD, sfd.get(), EPOLLIN | EPOLLET, kTag + 1);
    if (mod != 0)
        return "MOD after POLLFREE: " + rc_name(mod);
    switch (end) {
    case PollfreeEnd::Del: {
        const int rc = ctl(instance.get(), EPOLL_CTL_DEL, sfd.get(), 0, 0);
        if (rc != 0)
            return "DEL after POLLFREE: " + rc_name(rc);
        break;
    }
    case PollfreeEnd::CloseFile:
        sfd.reset();
        break;
    case PollfreeEnd::CloseInstance:
        instance.reset();
        return "";
    }
    const auto after = read_fdinfo(instance.get());
    if (!after || !after->empty())
        return "the item is still listed after it was removed";
    return check_usable(instance.get(), kTag + 2);
}

} // namespace gauntlet
