// The shim's ring-mode cases (MYEPOLL_SHIM_RING=1, tools/shim/README.md):
// events delivered through the ring are native's, and the ring's mapping
// follows the epfd through close, dup, fork and threads.  The selftest suite
// runs them with a small ring (MYEPOLL_SHIM_RING_ENTRIES=64), so that the
// overflow path (items left on the ready list, WAIT publishing them) is
// exercised too.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/close_range.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"
#include "fixtures.hpp"
#include "libc_direct.hpp"
#include "ring_cases.hpp"
#include "unique_fd.hpp"

namespace myepoll::shim_check
{

namespace
{

// The ring mappings of this process (/proc/self/maps names the instance).
int ring_mappings()
{
    std::ifstream maps("/proc/self/maps");
    int n = 0;
    for (std::string line; std::getline(maps, line);)
        n += line.find("anon_inode:[myepoll]") != std::string::npos ? 1 : 0;
    return n;
}

unsigned int ring_entries()
{
    const char *s = std::getenv("MYEPOLL_SHIM_RING_ENTRIES");
    return s != nullptr && *s != '\0' ? static_cast<unsigned int>(std::strtoul(s, nullptr, 0))
                                      : 4096;
}

// The epoll calls of one side of a comparison: the shim's or glibc's.
struct Api {
    int (*create1)(int);
    int (*ctl)(int, int, int, epoll_event *);
    int (*wait)(int, epoll_event *, int, int);
};

Api shim_api()
{
    return {::epoll_create1, ::epoll_ctl, ::epoll_wait};
}
Api native_api()
{
    return {libc().epoll_create1, libc().epoll_ctl, libc().epoll_wait};
}

std::string waited(const Api &api, int ep, int maxevents)
{
    epoll_event out[16]{};
    const int n = api.wait(ep, out, std::min(maxevents, 16), 0);
    std::string s = "wait=" + std::to_string(n);
    for (int i = 0; i < n; i++)
        s += " " + std::to_string(out[i].data.u64) + ":" + std::to_string(out[i].events);
    return s + ";";
}

void drain(int efd)
{
    uint64_t v = 0;
    [[maybe_unused]] const ssize_t n = ::read(efd, &v, sizeof(v));
}

// LT, ET and ONESHOT: ready, re-reported or not, re-armed, drained.
std::string modes_trace(const Api &api, uint32_t mode)
{
    const UniqueFd ep(api.create1(0));
    const UniqueFd efd = eventfd_ready(false);
    epoll_event ev{EPOLLIN | mode, {.u64 = 7}};
    std::string t = "add=" + std::to_string(api.ctl(ep.get(), EPOLL_CTL_ADD, efd.get(), &ev)) + ";";
    t += waited(api, ep.get(), 4);
    signal_eventfd(efd.get());
    t += waited(api, ep.get(), 4);
    t += waited(api, ep.get(), 4);
    signal_eventfd(efd.get());
    t += waited(api, ep.get(), 4);
    t += "mod=" + std::to_string(api.ctl(ep.get(), EPOLL_CTL_MOD, efd.get(), &ev)) + ";";
    t += waited(api, ep.get(), 4);
    drain(efd.get());
    t += waited(api, ep.get(), 4);
    return t;
}

void ring_modes(Check &c)
{
    const UniqueFd probe = shim_instance(c);
    c.expect(ring_mappings() == 1, "the instance has its ring mapped");
    for (const auto &[name, mode] : {std::pair<const char *, uint32_t>{"LT", 0},
                                     {"ET", EPOLLET},
                                     {"ONESHOT", EPOLLONESHOT},
                                     {"ET|ONESHOT", EPOLLET | EPOLLONESHOT}}) {
        const std::string shim = modes_trace(shim_api(), mode);
        const std::string native = modes_trace(native_api(), mode);
        c.expect(shim == native, std::string(name) + ": shim " + shim + " native " + native);
    }
}

// More ready items than maxevents, and than the ring holds: every one is
// reported once (ET), in calls of at most maxevents.
std::vector<uint64_t> collect(const Api &api, int ep, int maxevents, std::string &counts)
{
    std::vector<uint64_t> seen;
    std::vector<epoll_event> out(static_cast<size_t>(maxevents));
    for (;;) {
        const int n = api.wait(ep, out.data(), maxevents, 0);
        counts += std::to_string(n) + " ";
        if (n <= 0)
            break;
        for (int i = 0; i < n; i++)
            seen.push_back(out[static_cast<size_t>(i)].data.u64);
    }
    std::sort(seen.begin(), seen.end());
    return seen;
}

// "n n ... 0 ": every count in 1 .. maxevents but the last, 0.
bool calls_within(const std::string &counts, int maxevents)
{
    std::vector<int> v;
    for (size_t pos = 0; pos < counts.size();) {
        size_t end = counts.find(' ', pos);
        v.push_back(std::stoi(counts.substr(pos, end - pos)));
        pos = end == std::string::npos ? counts.size() : end + 1;
    }
    if (v.empty() || v.back() != 0)
        return false;
    return std::all_of(v.begin(), v.end() - 1, [=](int n) { return n >= 1 && n <= maxevents; });
}

void many_ready(Check &c, const Api &api, unsigned int items, int maxevents,
                std::vector<uint64_t> &seen, std::string &counts)
{
    const UniqueFd ep(api.create1(0));
    std::vector<UniqueFd> fds;
    for (unsigned int i = 0; i < items; i++) {
        fds.push_back(eventfd_ready(false));
        epoll_event ev{EPOLLIN | EPOLLET, {.u64 = i}};
        if (api.ctl(ep.get(), EPOLL_CTL_ADD, fds.back().get(), &ev) != 0) {
            c.expect(false, "ADD eventfd " + std::to_string(i));
            return;
        }
    }
    // Signalled after ADD: the wake callback publishes, the ring fills up.
    for (const UniqueFd &fd : fds)
        signal_eventfd(fd.get());
    seen = collect(api, ep.get(), maxevents, counts);
}

void ring_overflow(Check &c)
{
    rlimit lim{};
    ::getrlimit(RLIMIT_NOFILE, &lim);
    const unsigned int want = 3 * ring_entries() + 5;
    lim.rlim_cur = std::max<rlim_t>(lim.rlim_cur, std::min<rlim_t>(lim.rlim_max, want + 64));
    ::setrlimit(RLIMIT_NOFILE, &lim);
    const unsigned int items = std::min<unsigned int>(want, lim.rlim_cur - 64);
    for (const int maxevents : {7, 1000}) {
        std::vector<uint64_t> shim, native;
        std::string shim_counts, native_counts;
        many_ready(c, shim_api(), items, maxevents, shim, shim_counts);
        many_ready(c, native_api(), items, maxevents, native, native_counts);
        std::vector<uint64_t> want_seen(items);
        for (unsigned int i = 0; i < items; i++)
            want_seen[i] = i;
        const std::string what =
            std::to_string(items) + " ready, maxevents " + std::to_string(maxevents);
        c.expect(native == want_seen, what + ": native reports each once");
        c.expect(shim == want_seen, what + ": the shim reports each once (" +
                                        std::to_string(shim.size()) + " reported)");
        // A call returns at most what the ring holds, fewer than native's
        // when items wait on the ready list (README.md, "Ring mode").
        c.expect(calls_within(shim_counts, maxevents),
                 what + ": per call 1 .. maxevents, then 0: shim " + shim_counts + ", native " +
                     native_counts);
    }
}

// One ready eventfd (data 5) on a new shim instance.
struct Watched {
    UniqueFd ep, efd;
};
Watched watched(Check &c, uint32_t mode = EPOLLET)
{
    Watched w{shim_instance(c), eventfd_ready(false)};
    epoll_event ev{EPOLLIN | mode, {.u64 = 5}};
    c.expect(::epoll_ctl(w.ep.get(), EPOLL_CTL_ADD, w.efd.get(), &ev) == 0, "ADD");
    return w;
}

bool got_five(int ep, int timeout_ms = 1000)
{
    epoll_event out[2]{};
    return ::epoll_wait(ep, out, 2, timeout_ms) == 1 && out[0].data.u64 == 5;
}

// close(), syscall(SYS_close) and close_range() unmap the ring; the number
// is reused by the next instance, which gets a ring of its own.
void ring_close(Check &c)
{
    const int before = ring_mappings();
    struct Way {
        const char *what;
        void (*close_fd)(int);
    };
    const Way ways[] = {
        {"close", [](int fd) { ::close(fd); }},
        {"syscall(SYS_close)", [](int fd) { ::syscall(SYS_close, fd); }},
        {"close_range",
         [](int fd) { ::close_range(static_cast<unsigned>(fd), static_cast<unsigned>(fd), 0); }},
        {"syscall(SYS_close_range)", [](int fd) { ::syscall(SYS_close_range, fd, fd, 0); }},
    };
    for (const Way &way : ways) {
        Watched w = watched(c);
        const int number = w.ep.get();
        c.expect(ring_mappings() == before + 1, std::string(way.what) + ": mapped at create");
        way.close_fd(w.ep.release());
        c.expect(ring_mappings() == before, std::string(way.what) + ": unmapped at close");
        Watched again = watched(c);
        c.expect(again.ep.get() == number, std::string(way.what) + ": the number is reused");
        signal_eventfd(again.efd.get());
        c.expect(got_five(again.ep.get()), std::string(way.what) + ": the new instance reports");
    }
    c.expect(ring_mappings() == before, "every ring unmapped");
}

// A dup shares the ring; the ring goes with the last fd of the instance.
void ring_dup(Check &c)
{
    const int before = ring_mappings();
    struct Way {
        const char *what;
        int (*dup_fd)(int);
    };
    const Way ways[] = {
        {"dup", [](int fd) { return ::dup(fd); }},
        {"dup2", [](int fd) { return ::dup2(fd, 900); }},
        {"dup3", [](int fd) { return ::dup3(fd, 901, O_CLOEXEC); }},
        {"syscall(SYS_dup)", [](int fd) { return static_cast<int>(::syscall(SYS_dup, fd)); }},
        {"fcntl(F_DUPFD_CLOEXEC)", [](int fd) { return ::fcntl(fd, F_DUPFD_CLOEXEC, 0); }},
    };
    for (const Way &way : ways) {
        const std::string what = way.what;
        Watched w = watched(c);
        UniqueFd copy(way.dup_fd(w.ep.get()));
        c.expect(is_myepoll(copy.get()), what + ": a copy of the instance");
        signal_eventfd(w.efd.get());
        c.expect(got_five(copy.get()), what + ": the copy reports");
        w.ep.reset();
        signal_eventfd(w.efd.get());
        c.expect(got_five(copy.get()), what + ": the copy reports after the original's close");
        c.expect(ring_mappings() == before + 1, what + ": one mapping while the copy is open");
        copy.reset();
        c.expect(ring_mappings() == before, what + ": unmapped with the last fd");
    }
}

// dup2() over an epfd drops its ring; the number is then the other file.
void ring_dup2_over(Check &c)
{
    const int before = ring_mappings();
    Watched w = watched(c);
    const UniqueFd other = eventfd_ready(false);
    c.expect(::dup2(other.get(), w.ep.get()) == w.ep.get(), "dup2 over the epfd");
    c.expect(ring_mappings() == before, "its ring is unmapped");
    epoll_event out[1];
    errno = 0;
    c.expect(::epoll_wait(w.ep.get(), out, 1, 0) == -1 && errno == EINVAL,
             "epoll_wait on what is now an eventfd: EINVAL, as natively");
}

// A forked child consumes from the parent's ring; the parent keeps its own.
void ring_fork(Check &c)
{
    Watched w = watched(c);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const bool ok = got_five(w.ep.get(), 5000);
        ::close(w.ep.get());
        ::_exit(ok ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    signal_eventfd(w.efd.get());
    int status = 0;
    ::waitpid(pid, &status, 0);
    c.expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child got the event");
    epoll_event out[1];
    c.expect(::epoll_wait(w.ep.get(), out, 1, 0) == 0, "ET: the parent does not get it again");
    signal_eventfd(w.efd.get());
    c.expect(got_five(w.ep.get()), "the parent gets the next one");
}

// Threads waiting on one instance share the ring: each event goes to one.
void ring_threads(Check &c)
{
    constexpr int kThreads = 4;
    constexpr unsigned int kItems = 300;
    const UniqueFd ep = shim_instance(c);
    std::vector<UniqueFd> fds;
    for (unsigned int i = 0; i < kItems; i++) {
        fds.push_back(eventfd_ready(false));
        epoll_event ev{EPOLLIN | EPOLLET, {.u64 = i}};
        c.expect(::epoll_ctl(ep.get(), EPOLL_CTL_ADD, fds.back().get(), &ev) == 0, "ADD");
    }
    std::mutex lock;
    std::vector<uint64_t> seen;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([&] {
            epoll_event out[3];
            for (;;) {
                const int n = ::epoll_wait(ep.get(), out, 3, 300);
                if (n <= 0)
                    return;
                const std::lock_guard guard(lock);
                for (int i = 0; i < n; i++)
                    seen.push_back(out[i].data.u64);
            }
        });
    }
    for (const UniqueFd &fd : fds)
        signal_eventfd(fd.get());
    for (std::thread &t : threads)
        t.join();
    std::sort(seen.begin(), seen.end());
    bool each_once = seen.size() == kItems;
    for (size_t i = 0; each_once && i < seen.size(); i++)
        each_once = seen[i] == i;
    c.expect(each_once, "each of " + std::to_string(kItems) + " events went to one thread (" +
                            std::to_string(seen.size()) + " reported)");
}

// A thread waits while another closes the epfd: as natively, the wait goes
// on (the waiter holds the file) and reports the next event; the ring is
// unmapped once it returns.
void ring_close_while_waiting(Check &c)
{
    const int before = ring_mappings();
    Watched w = watched(c);
    int n = -2;
    std::thread waiter([&] {
        epoll_event out[2]{};
        n = ::epoll_wait(w.ep.get(), out, 2, 3000);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::close(w.ep.release());
    signal_eventfd(w.efd.get());
    waiter.join();
    c.expect(n == 1, "the waiter got the event (" + std::to_string(n) + ")");
    c.expect(ring_mappings() == before, "unmapped after the wait returned");
}

} // namespace

std::vector<Case> ring_cases()
{
    return {
        {"ring-modes", ring_modes},         {"ring-overflow", ring_overflow},
        {"ring-close", ring_close},         {"ring-dup", ring_dup},
        {"ring-dup2-over", ring_dup2_over}, {"ring-fork", ring_fork},
        {"ring-threads", ring_threads},     {"ring-close-while-waiting", ring_close_while_waiting},
    };
}

} // namespace myepoll::shim_check
