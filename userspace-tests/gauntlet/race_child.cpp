// race_child_main(): a forked child's workload (see race_child.hpp).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "calls.hpp"
#include "race_child.hpp"
#include "race_tags.hpp"
#include "rng.hpp"

namespace gauntlet
{

int race_child_main(int a, int b, int c, uint64_t seed, uint32_t serial) noexcept
{
    Rng rng(seed);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
        return 10;
    const uint64_t data = Tag{TagKind::Child, 0, 0, serial}.value();
    if (ctl(a, EPOLL_CTL_ADD, sv[0], EPOLLIN, data) != 0)
        return 11;
    if (ctl(b, EPOLL_CTL_ADD, sv[0], EPOLLIN | EPOLLET, data) != 0)
        return 12;
    if (rng.chance(50) &&
        ctl(c, EPOLL_CTL_ADD, sv[0], EPOLLIN, Tag{TagKind::Churn, 0, 0, serial}.value()) != 0)
        return 13;
    const char byte = 'c';
    if (::write(sv[1], &byte, 1) != 1)
        return 14;
    Event events[8];
    if (wait(a, events, 8, 0) < 0)
        return 15;
    if (wait(b, events, 8, rng.chance(50) ? 0 : 1000000) < 0)
        return 16;
    switch (rng.below(5)) {
    case 0:
        if (ctl(a, EPOLL_CTL_DEL, sv[0], 0, 0) != 0)
            return 17;
        break;
    case 1:
        if (ctl(b, EPOLL_CTL_MOD, sv[0], EPOLLIN | EPOLLONESHOT, data) != 0)
            return 18;
        break;
    case 2:
        ::close(sv[1]); // the watched socket sees HUP
        break;
    case 3:
        ::close(a); // only the child's copy: the instance lives on
        break;
    default:
        break;
    }
    if (rng.chance(30) && wait(b, events, 8, 0) < 0)
        return 19;
    return 0; // exit closes sv[0] (and the rest) through close tracking
}

} // namespace gauntlet
