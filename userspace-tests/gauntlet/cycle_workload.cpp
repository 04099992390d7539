// run_cycle_workload(), run_watch_limit() (see cycle_workload.hpp).
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <exception>
#include <map>
#include <set>

#include "calls.hpp"
#include "cycle_workload.hpp"
#include "fdinfo.hpp"
#include "format.hpp"

namespace gauntlet
{

namespace
{

// WAITs until every tag in want was reported; tags outside allowed fail.
// what names the tags for the message.
std::string collect(int epfd, std::set<uint64_t> want, const std::set<uint64_t> &allowed,
                    const std::map<uint64_t, std::string> &what, const std::map<uint64_t, int> &fds)
{
    Event events[64];
    // A deadline, not a number of WAITs: while a level-triggered
    // registration is ready, every WAIT returns at once, and the 40 WAITs
    // this loop used to allow could pass in under a millisecond.  A poke of
    // a loopback TCP socket is not always readable when write() returns:
    // when ksoftirqd is runnable its NET_RX softirq is left to ksoftirqd,
    // which does not run while this thread keeps the CPU.  Native epoll
    // misses it the same way (gauntlet delivery, docs/reliability.md).
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::seconds(5);
    unsigned waits = 0;
    while (!want.empty() && std::chrono::steady_clock::now() < deadline) {
        const int n = wait(epfd, events, 64, 25000000);
        ++waits;
        if (n < 0)
            return "WAIT: " + rc_name(n);
        for (int k = 0; k < n; ++k) {
            if (allowed.count(events[k].data) == 0)
                return "unexpected event data " + std::to_string(events[k].data);
            want.erase(events[k].data);
        }
    }
    if (want.empty())
        return "";
    // For the diagnosis: is the file itself ready (poll), and what does the
    // instance list?
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string missing =
        " after " + std::to_string(waits) + " WAITs in " + std::to_string(took) + " s:";
    for (uint64_t tag : want) {
        const auto it = what.find(tag);
        missing += " [" + hex(tag) + (it != what.end() ? " " + it->second : "") + "]";
    }
    missing += "; poll():";
    for (const auto &[tag, fd] : fds) {
        pollfd p{fd, POLLIN, 0};
        ::poll(&p, 1, 0);
        missing += " " + hex(tag) + "=" + hex(static_cast<uint16_t>(p.revents));
    }
    const auto items = read_fdinfo(epfd);
    missing += "; fdinfo:";
    if (items)
        for (const FdinfoItem &item : *items)
            missing += " tfd " + std::to_string(item.tfd) + " data " + hex(item.data);
    return "not reported:" + missing;
}

int child_main(int epfd)
{
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
        return 2;
    if (ctl(epfd, EPOLL_CTL_ADD, sv[0], EPOLLIN, 0xc41d) != 0)
        return 3;
    const char byte = 'x';
    if (::write(sv[1], &byte, 1) != 1)
        return 4;
    return 0; // exit closes sv[0]: close tracking drops its item
}

} // namespace

std::string run_cycle_workload(Rng &rng, std::vector<Endpoint> *survivors)
{
    UniqueFd dev = open_device();
    if (!dev)
        return "open " MYEPOLL_DEVICE ": " + rc_name(-errno);
    const int i_fd = create(dev.get(), O_CLOEXEC), j_fd = create(dev.get(), 0);
    UniqueFd outer(i_fd), inner(j_fd);
    if (i_fd < 0 || j_fd < 0)
        return "CREATE: " + rc_name(i_fd < 0 ? i_fd : j_fd);
    std::vector<Endpoint> eps;
    try {
        for (int k = 0; k < 5; ++k)
            eps.push_back(make_endpoint(k == 0 ? EndpointKind::Tcp : random_kind(rng)));
    } catch (const std::exception &e) {
        return std::string("endpoints: ") + e.what();
    }
    std::set<uint64_t> tags;
    std::map<uint64_t, std::string> what;
    std::map<uint64_t, int> fds; // tag -> watched fd, for the diagnosis
    for (size_t k = 0; k < eps.size(); ++k) {
        const uint64_t tag = 0x1000 + k;
        const uint32_t events =
            rng.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN | EPOLLRDHUP});
        fds[tag] = eps[k].watched.get();
        what[tag] = std::string(kind_name(eps[k].kind)) + " fd " +
                    std::to_string(eps[k].watched.get()) + " events " + hex(events) + " in " +
                    (k % 2 == 0 ? "I" : "J");
        const int rc =
            ctl(k % 2 == 0 ? i_fd : j_fd, EPOLL_CTL_ADD, eps[k].watched.get(), events, tag);
        if (rc != 0)
            return "ADD: " + rc_name(rc);
        if (k % 2 == 0)
            tags.insert(tag);
    }
    const uint64_t nest_tag = 0x2000;
    int rc = ctl(i_fd, EPOLL_CTL_ADD, j_fd, EPOLLIN, nest_tag);
    if (rc != 0)
        return "ADD of the nested instance: " + rc_name(rc);
    tags.insert(nest_tag);
    what[nest_tag] = "J in I";
    fds[nest_tag] = j_fd;
    for (size_t k = 0; k < eps.size(); ++k)
        if (!eps[k].poke())
            return "cannot poke " + what[0x1000 + k] + ": " + rc_name(-errno);
    std::set<uint64_t> allowed = tags;
    allowed.insert(0xc41d);
    std::string why = collect(i_fd, tags, allowed, what, fds);
    if (!why.empty())
        return "first delivery: " + why;

    // Close one endpoint of I without DEL; a child adds its own and exits.
    eps[2] = Endpoint{};
    fds.erase(0x1002);
    tags.erase(0x1002);
    allowed.erase(0x1002);
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(child_main(i_fd));
    int status = 0;
    while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "the child failed (status " + std::to_string(status) + ")";
    allowed.erase(0xc41d);
    const auto items = read_fdinfo(i_fd);
    if (!items || items->size() != 3) // eps[0], eps[4], J
        return "fdinfo of I lists " + std::to_string(items ? items->size() : 0) +
               " items after the closes, expected 3";
    for (Endpoint &ep : eps)
        if (ep.watched) {
            ep.drain();
            ep.poke();
        }
    why = collect(i_fd, tags, allowed, what, fds);
    if (!why.empty())
        return "second delivery: " + why;

    // Watched endpoints that outlive the instances (and the module).
    survivors->push_back(std::move(eps[0]));
    survivors->push_back(std::move(eps[1]));
    return "";
}

std::string run_watch_limit(unsigned limit)
{
    UniqueFd dev = open_device();
    if (!dev)
        return "open " MYEPOLL_DEVICE ": " + rc_name(-errno);
    UniqueFd instance(create(dev.get(), O_CLOEXEC));
    if (!instance)
        return "CREATE failed";
    // Twice: closing the file must give every watch back.
    for (int pass = 0; pass < 2; ++pass) {
        Endpoint ep;
        try {
            ep = make_endpoint(EndpointKind::EventFd);
        } catch (const std::exception &e) {
            return e.what();
        }
        std::vector<UniqueFd> dups;
        for (unsigned k = 0; k <= limit; ++k) {
            dups.emplace_back(::fcntl(ep.watched.get(), F_DUPFD_CLOEXEC, 0));
            const int rc = ctl(instance.get(), EPOLL_CTL_ADD, dups.back().get(), EPOLLIN, k);
            if (k < limit && rc != 0)
                return "pass " + std::to_string(pass + 1) + ": ADD " + std::to_string(k + 1) +
                       " of " + std::to_string(limit) + ": " + rc_name(rc);
            if (k == limit && rc != -ENOSPC)
                return "ADD beyond max_user_watches=" + std::to_string(limit) + ": " + rc_name(rc) +
                       ", expected ENOSPC";
        }
    }
    return "";
}

} // namespace gauntlet
