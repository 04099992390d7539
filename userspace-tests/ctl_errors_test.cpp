// epoll_ctl errors, and their order when several apply (native order:
// EFAULT copying the event, EBADF epfd then fd, EPERM, EINVAL, then
// EEXIST / ENOENT).
#include <sys/epoll.h>
#include <sys/mman.h>

#include <cerrno>

#include "files.hpp"
#include "memory.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(CtlError);

namespace
{

constexpr Event kIn{EPOLLIN, 1};

} // namespace

MYEPOLL_SCENARIO(CtlError, ClosedEpfdIsEbadf)
{
    auto [client, server] = tcp_pair();
    TempFile file;
    const int dead = closed_fd();
    Backend &b = run.backend();
    EXPECT_EQ(run.note("ADD", b.ctl(dead, EPOLL_CTL_ADD, server.get(), &kIn)), -EBADF);
    EXPECT_EQ(run.note("MOD", b.ctl(dead, EPOLL_CTL_MOD, server.get(), &kIn)), -EBADF);
    EXPECT_EQ(run.note("DEL", b.ctl(dead, EPOLL_CTL_DEL, server.get(), nullptr)), -EBADF);
    EXPECT_EQ(run.note("ADD of a regular file", b.ctl(dead, EPOLL_CTL_ADD, file.fd(), &kIn)),
              -EBADF);
}

MYEPOLL_SCENARIO(CtlError, ClosedTargetIsEbadf)
{
    Instance ep = run.instance();
    const int dead = closed_fd();
    Backend &b = run.backend();
    EXPECT_EQ(run.note("ADD", b.ctl(ep.fd(), EPOLL_CTL_ADD, dead, &kIn)), -EBADF);
    EXPECT_EQ(run.note("MOD", b.ctl(ep.fd(), EPOLL_CTL_MOD, dead, &kIn)), -EBADF);
    EXPECT_EQ(run.note("DEL", b.ctl(ep.fd(), EPOLL_CTL_DEL, dead, nullptr)), -EBADF);
    EXPECT_EQ(run.note("ADD of fd -1", b.ctl(ep.fd(), EPOLL_CTL_ADD, -1, &kIn)), -EBADF);
}

MYEPOLL_SCENARIO(CtlError, RegularFileIsEperm)
{
    Instance ep = run.instance();
    TempFile file;
    EXPECT_EQ(run.note("ADD", ep.add(file.fd(), EPOLLIN, 1)), -EPERM);
    EXPECT_EQ(run.note("MOD", ep.mod(file.fd(), EPOLLIN, 1)), -EPERM);
    EXPECT_EQ(run.note("DEL", ep.del(file.fd())), -EPERM);
}

MYEPOLL_SCENARIO(CtlError, DirectoryIsEperm)
{
    Instance ep = run.instance();
    UniqueFd dir = open_directory("/tmp");
    EXPECT_EQ(run.note("ADD /tmp", ep.add(dir.get(), EPOLLIN, 1)), -EPERM);
    UniqueFd root = open_directory("/");
    EXPECT_EQ(run.note("ADD /", ep.add(root.get(), EPOLLIN, 1)), -EPERM);
}

MYEPOLL_SCENARIO(CtlError, InstanceAsItsOwnTargetIsEinval)
{
    Instance ep = run.instance();
    EXPECT_EQ(run.note("ADD epfd to itself", ep.add(ep.fd(), EPOLLIN, 1)), -EINVAL);
    // EINVAL comes before ENOENT: the instance is not registered in itself.
    EXPECT_EQ(run.note("MOD epfd in itself", ep.mod(ep.fd(), EPOLLIN, 1)), -EINVAL);
    EXPECT_EQ(run.note("DEL epfd from itself", ep.del(ep.fd())), -EINVAL);
}

MYEPOLL_SCENARIO(CtlError, UnknownOpIsEinval)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    Backend &b = run.backend();
    for (int op : {0, 4, 99, -1}) {
        EXPECT_EQ(run.note("op " + std::to_string(op), b.ctl(ep.fd(), op, server.get(), &kIn)),
                  -EINVAL)
            << "op " << op;
    }
    // An unknown op on a registered fd changes nothing.
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.note("op 99 on it", b.ctl(ep.fd(), 99, server.get(), &kIn)), -EINVAL);
    EXPECT_EQ(run.wait(ep, "unchanged", 8, ms(1000)).events, (Events{{EPOLLOUT, 2}}));
}

MYEPOLL_SCENARIO(CtlError, AddTwiceIsEexist)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.note("ADD again", ep.add(server.get(), EPOLLOUT, 2)), -EEXIST);
    EXPECT_EQ(run.note("ADD again, other mask", ep.add(server.get(), EPOLLIN, 3)), -EEXIST);
    EXPECT_EQ(run.wait(ep, "the first registration", 8, ms(1000)).events, (Events{{EPOLLOUT, 1}}));
}

MYEPOLL_SCENARIO(CtlError, ModOfUnregisteredIsEnoent)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    EXPECT_EQ(run.note("MOD", ep.mod(server.get(), EPOLLIN, 1)), -ENOENT);
    EXPECT_EQ(run.wait(ep, "nothing registered by it", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CtlError, DelOfUnregisteredIsEnoent)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    EXPECT_EQ(run.note("DEL never added", ep.del(server.get())), -ENOENT);
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("DEL", ep.del(server.get())), 0);
    EXPECT_EQ(run.note("DEL again", ep.del(server.get())), -ENOENT);
}

MYEPOLL_SCENARIO(CtlError, AddWithBadEventPointerIsEfault)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    Backend &b = run.backend();
    Mapping unreadable(1, PROT_NONE);
    EXPECT_EQ(run.note("NULL", b.ctl(ep.fd(), EPOLL_CTL_ADD, server.get(), nullptr)), -EFAULT);
    EXPECT_EQ(
        run.note("PROT_NONE page", b.ctl(ep.fd(), EPOLL_CTL_ADD, server.get(), unreadable.data())),
        -EFAULT);
    EXPECT_EQ(
        run.note("kernel address", b.ctl(ep.fd(), EPOLL_CTL_ADD, server.get(), kernel_address())),
        -EFAULT);
    // Nothing was registered.
    EXPECT_EQ(run.note("DEL", ep.del(server.get())), -ENOENT);
}

MYEPOLL_SCENARIO(CtlError, ModWithBadEventPointerIsEfault)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    Backend &b = run.backend();
    Mapping unreadable(1, PROT_NONE);
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.note("MOD NULL", b.ctl(ep.fd(), EPOLL_CTL_MOD, server.get(), nullptr)), -EFAULT);
    EXPECT_EQ(
        run.note("MOD PROT_NONE", b.ctl(ep.fd(), EPOLL_CTL_MOD, server.get(), unreadable.data())),
        -EFAULT);
    EXPECT_EQ(run.wait(ep, "registration unchanged", 8, ms(1000)).events, (Events{{EPOLLOUT, 1}}));
}

MYEPOLL_SCENARIO(CtlError, DelIgnoresTheEventPointer)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    Backend &b = run.backend();
    Mapping unreadable(1, PROT_NONE);
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.note("DEL, PROT_NONE event",
                       b.ctl(ep.fd(), EPOLL_CTL_DEL, server.get(), unreadable.data())),
              0);
    ASSERT_EQ(run.note("ADD", ep.add(server.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.note("DEL, NULL event", b.ctl(ep.fd(), EPOLL_CTL_DEL, server.get(), nullptr)), 0);
    EXPECT_EQ(run.wait(ep, "nothing left", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(CtlError, EfaultComesBeforeEbadfOfTarget)
{
    Instance ep = run.instance();
    const int dead = closed_fd();
    Backend &b = run.backend();
    EXPECT_EQ(run.note("ADD NULL event, closed fd", b.ctl(ep.fd(), EPOLL_CTL_ADD, dead, nullptr)),
              -EFAULT);
    EXPECT_EQ(run.note("MOD NULL event, closed fd", b.ctl(ep.fd(), EPOLL_CTL_MOD, dead, nullptr)),
              -EFAULT);
    // DEL does not read the event: the closed fd is what it reports.
    EXPECT_EQ(run.note("DEL NULL event, closed fd", b.ctl(ep.fd(), EPOLL_CTL_DEL, dead, nullptr)),
              -EBADF);
}

MYEPOLL_SCENARIO(CtlError, EpermComesBeforeEinvalAndEnoent)
{
    Instance ep = run.instance();
    TempFile file;
    Backend &b = run.backend();
    EXPECT_EQ(run.note("op 99 on a regular file", b.ctl(ep.fd(), 99, file.fd(), &kIn)), -EPERM);
    EXPECT_EQ(run.note("MOD of an unregistered regular file", ep.mod(file.fd(), EPOLLIN, 1)),
              -EPERM);
}
