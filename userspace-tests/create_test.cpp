// Creating an instance: flags, close-on-exec, file status flags.
#include <fcntl.h>
#include <sys/epoll.h>

#include <cerrno>
#include <climits>

#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Create);

MYEPOLL_SCENARIO(Create, UnknownFlagsAreEinval)
{
    for (int flags :
         {1, O_NONBLOCK, O_RDWR, EPOLL_CLOEXEC | 1, EPOLL_CLOEXEC | O_NONBLOCK, -1, INT_MIN}) {
        const int rc = run.backend().create(flags);
        UniqueFd created(rc >= 0 ? rc : -1);
        EXPECT_EQ(run.note("create(" + std::to_string(flags) + ")", rc < 0 ? rc : 0), -EINVAL)
            << "flags " << flags;
    }
}

MYEPOLL_SCENARIO(Create, CloexecIsHonoured)
{
    Instance plain = run.instance(0);
    Instance cloexec = run.instance(EPOLL_CLOEXEC);
    EXPECT_EQ(run.note("F_GETFD, flags 0", ::fcntl(plain.fd(), F_GETFD)), 0);
    EXPECT_EQ(run.note("F_GETFD, EPOLL_CLOEXEC", ::fcntl(cloexec.fd(), F_GETFD)), FD_CLOEXEC);
}

MYEPOLL_SCENARIO(Create, StatusFlagsAreReadWrite)
{
    Instance plain = run.instance(0);
    Instance cloexec = run.instance(EPOLL_CLOEXEC);
    EXPECT_EQ(run.note("F_GETFL, flags 0", ::fcntl(plain.fd(), F_GETFL)), O_RDWR);
    EXPECT_EQ(run.note("F_GETFL, EPOLL_CLOEXEC", ::fcntl(cloexec.fd(), F_GETFL)), O_RDWR);
}

MYEPOLL_SCENARIO(Create, InstancesAreIndependent)
{
    Instance a = run.instance();
    Instance b = run.instance();
    EXPECT_NE(a.fd(), b.fd());
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    ASSERT_EQ(run.note("add write end to a", a.add(write_end.get(), EPOLLOUT, 1)), 0);
    EXPECT_EQ(run.wait(a, "a", 8, ms(1000)).events, (Events{{EPOLLOUT, 1}}));
    EXPECT_EQ(run.wait(b, "b has nothing", 8, 0).rc, 0);
    EXPECT_EQ(run.note("del from b", b.del(write_end.get())), -ENOENT);
}
