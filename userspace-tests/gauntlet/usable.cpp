// check_usable() (see usable.hpp).
#include <sys/epoll.h>

#include <exception>

#include "calls.hpp"
#include "endpoint.hpp"
#include "format.hpp"

#include "usable.hpp"

namespace gauntlet
{

std::string check_usable(int epfd, uint64_t data)
{
    Endpoint ep;
    try {
        ep = make_endpoint(EndpointKind::UnixStream);
    } catch (const std::exception &e) {
        return std::string("socketpair: ") + e.what();
    }
    int rc = ctl(epfd, EPOLL_CTL_ADD, ep.watched.get(), EPOLLIN, data);
    if (rc != 0)
        return "ADD of a new socket: " + rc_name(rc);
    if (!ep.poke())
        return "cannot write to the socket";
    Event events[64];
    bool seen = false;
    for (int round = 0; round < 20 && !seen; ++round) {
        const int n = wait(epfd, events, 64, 50000000);
        if (n < 0)
            return "WAIT: " + rc_name(n);
        for (int k = 0; k < n; ++k)
            seen = seen || (events[k].data == data && (events[k].events & EPOLLIN));
    }
    if (!seen)
        return "the new socket's event was not reported";
    rc = ctl(epfd, EPOLL_CTL_DEL, ep.watched.get(), 0, 0);
    if (rc != 0)
        return "DEL: " + rc_name(rc);
    return "";
}

} // namespace gauntlet
