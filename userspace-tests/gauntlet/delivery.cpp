// gauntlet delivery: the lifetime workload's first delivery (two instances,
// one nested in the other, five endpoints of mixed kinds, the first a TCP
// connection over loopback, every one poked once), repeated without the
// rmmod/insmod around it, on native epoll and on myepoll in turn, optionally
// beside busy threads.  Each cycle WAITs (25 ms each, as the workload) until
// every registration has been reported or --deadline-ms has passed.
//
//   delivery-<backend>   every registration reported before the deadline
//
// Notes per backend:
//  - WAIT calls and milliseconds per cycle (median, 99th percentile, max);
//  - the cycles in which a file was not readable yet when every poke had
//    returned (one poll() of all the watched files, before the first WAIT):
//    which files, the state of the ksoftirqd threads at that moment (R: the
//    softirqs raised on that CPU are left to it, 6.1's ksoftirqd_running()),
//    and the WAIT call (and time) that finally reported them;
//  - for each bound in --bounds (a number of WAIT calls, as the workload's
//    loop used to count; 0 for none): the cycles still missing a
//    registration after that many WAITs, how long those WAITs took, and, for
//    each file missing, whether poll() finds it readable then and whether it
//    was readable after the pokes (readable both times and never reported
//    would be an event lost by the instance).
//
// Options: --cycles N (300) --backends native,myepoll --hogs K (busy
// threads, 0) --deadline-ms N (5000) --bounds 40,200 --seed S
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "backend.hpp"
#include "comparison.hpp"
#include "endpoint.hpp"
#include "format.hpp"
#include "parts.hpp"

namespace gauntlet
{

namespace
{

using Clock = std::chrono::steady_clock;
using myepoll::Backend;
using myepoll::Instance;

constexpr int64_t kWaitNs = 25'000'000; // the lifetime workload's 25 ms per WAIT

// The ksoftirqd threads, found once; states() reads their state letters
// ("0=R 1=S": R while softirqs raised on that CPU are left to it).
class Ksoftirqd
{
  public:
    Ksoftirqd()
    {
        DIR *dir = ::opendir("/proc");
        if (dir == nullptr)
            return;
        while (const dirent *entry = ::readdir(dir)) {
            if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
                continue;
            const std::string path = std::string("/proc/") + entry->d_name + "/stat";
            const std::string line = read_line(path);
            const auto open = line.find('('), close = line.rfind(')');
            if (open == std::string::npos || close == std::string::npos)
                continue;
            const std::string comm = line.substr(open + 1, close - open - 1);
            if (comm.rfind("ksoftirqd/", 0) == 0)
                threads_.emplace_back(comm.substr(10), path);
        }
        ::closedir(dir);
        std::sort(threads_.begin(), threads_.end());
    }

    [[nodiscard]] std::string states() const
    {
        std::string out;
        for (const auto &[cpu, path] : threads_) {
            const std::string line = read_line(path);
            const auto close = line.rfind(')');
            out += (out.empty() ? "" : " ") + cpu + "=" +
                   (close != std::string::npos && close + 2 < line.size() ? line[close + 2] : '?');
        }
        return out.empty() ? "?" : out;
    }

  private:
    static std::string read_line(const std::string &path)
    {
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        char buf[512];
        const ssize_t n = fd ? ::read(fd.get(), buf, sizeof(buf) - 1) : -1;
        return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
    }

    std::vector<std::pair<std::string, std::string>> threads_; // cpu, stat path
};

bool readable(int fd)
{
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

struct Registration {
    std::string what; // kind and events
    int fd;           // the watched fd (the nested instance for its tag)
};

// What a bound saw: the registrations still missing when it ran out.
struct Snapshot {
    bool missed = false;
    double seconds = 0;               // since the pokes
    std::vector<std::string> missing; // "kind/events: <poll() now>, <after the pokes>"
    std::string ksoftirqd;
};

struct CycleResult {
    bool complete = false;
    unsigned waits = 0;
    double seconds = 0;
    std::vector<Snapshot> at_bound; // one per --bounds entry
    std::string missing;            // when incomplete
    // Files not readable once every poke had returned, and the ksoftirqd
    // states then; the WAIT (1-based) and time that reported the last one.
    std::vector<std::string> late;
    std::string late_ksoftirqd;
    unsigned late_wait = 0;
    double late_seconds = 0;
};

CycleResult run_cycle(Backend &backend, Rng &rng, const Ksoftirqd &ksoftirqd,
                      const std::vector<unsigned> &bounds, double deadline_s)
{
    Instance outer(backend), inner(backend);
    std::vector<Endpoint> eps;
    for (int k = 0; k < 5; ++k)
        eps.push_back(make_endpoint(k == 0 ? EndpointKind::Tcp : random_kind(rng)));
    std::map<uint64_t, Registration> regs;
    for (size_t k = 0; k < eps.size(); ++k) {
        const uint32_t events =
            rng.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN | EPOLLRDHUP});
        Instance &in = k % 2 == 0 ? outer : inner;
        if (in.add(eps[k].watched.get(), events, 0x1000 + k) != 0)
            throw std::runtime_error("ADD failed");
        if (k % 2 == 0)
            regs[0x1000 + k] = {std::string(kind_name(eps[k].kind)) + "/" + hex(events),
                                eps[k].watched.get()};
    }
    if (outer.add(inner.fd(), EPOLLIN, 0x2000) != 0)
        throw std::runtime_error("ADD of the nested instance failed");
    std::string inside;
    for (size_t k = 1; k < eps.size(); k += 2)
        inside += (inside.empty() ? "" : "+") + std::string(kind_name(eps[k].kind));
    regs[0x2000] = {"nested(" + inside + ")", inner.fd()};

    for (const Endpoint &ep : eps)
        if (!ep.poke())
            throw std::runtime_error("poke failed");
    const auto start = Clock::now();
    auto since = [&start] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    // Which files are readable once every poke has returned: one poll() of
    // them all, before the first WAIT.
    std::vector<pollfd> pfds;
    for (const auto &[tag, reg] : regs)
        pfds.push_back(pollfd{reg.fd, POLLIN, 0});
    ::poll(pfds.data(), pfds.size(), 0);
    CycleResult result;
    std::set<uint64_t> want, late;
    {
        size_t k = 0;
        for (const auto &[tag, reg] : regs) {
            want.insert(tag);
            if (!(pfds[k++].revents & POLLIN)) {
                late.insert(tag);
                result.late.push_back(reg.what);
            }
        }
    }
    if (!late.empty())
        result.late_ksoftirqd = ksoftirqd.states();

    result.at_bound.resize(bounds.size());
    myepoll::Event events[64];
    while (!want.empty() && since() < deadline_s) {
        const int n = outer.wait(events, 64, kWaitNs);
        if (n < 0)
            throw std::runtime_error("WAIT: " + rc_name(n));
        ++result.waits;
        for (int k = 0; k < n; ++k) {
            want.erase(events[k].data);
            if (late.erase(events[k].data) && late.empty()) {
                result.late_wait = result.waits;
                result.late_seconds = since();
            }
        }
        for (size_t b = 0; b < bounds.size(); ++b) {
            if (result.waits != bounds[b] || want.empty())
                continue;
            Snapshot &snap = result.at_bound[b];
            snap.missed = true;
            snap.seconds = since();
            for (uint64_t tag : want)
                snap.missing.push_back(
                    regs[tag].what + ": " + (readable(regs[tag].fd) ? "ready" : "not ready") +
                    (result.late.empty() ||
                             !std::count(result.late.begin(), result.late.end(), regs[tag].what)
                         ? ", was ready after the pokes"
                         : ", was not ready after the pokes"));
            snap.ksoftirqd = ksoftirqd.states();
        }
    }
    result.seconds = since();
    result.complete = want.empty();
    for (uint64_t tag : want)
        result.missing += " [" + hex(tag) + " " + regs[tag].what +
                          (readable(regs[tag].fd) ? " poll() ready" : " poll() not ready") + "]";
    return result;
}

// Per backend.
struct Tally {
    std::vector<unsigned> waits;
    std::vector<double> seconds;
    std::vector<unsigned> missed;                         // per bound
    std::vector<std::map<std::string, unsigned>> missing; // per bound
    std::vector<std::map<std::string, unsigned>> softirqd;
    std::vector<double> max_bound_seconds;
    std::vector<std::string> incomplete;
    unsigned late_cycles = 0;
    std::map<std::string, unsigned> late;                  // files not readable after the pokes
    std::map<std::string, unsigned> late_softirqd;         // ksoftirqd states then
    std::vector<std::pair<unsigned, double>> late_arrival; // WAIT, seconds
};

template <typename T> T percentile(std::vector<T> v, double p)
{
    if (v.empty())
        return T{};
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Seconds as milliseconds, "0.412".
std::string ms(double seconds)
{
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", seconds * 1000);
    return buf;
}

std::string counts(const std::map<std::string, unsigned> &m)
{
    std::string out;
    for (const auto &[k, n] : m)
        out += (out.empty() ? "" : ", ") + k + " x" + std::to_string(n);
    return out.empty() ? "-" : out;
}

} // namespace

int run_delivery(const Options &options, Report &report)
{
    const unsigned cycles = static_cast<unsigned>(options.number("cycles", 300));
    const auto backends = backends_from(options.text("backends", "native,myepoll"));
    const unsigned hogs = static_cast<unsigned>(options.number("hogs", 0));
    const double deadline_s = static_cast<double>(options.number("deadline-ms", 5000)) / 1000;
    const auto bounds = numbers_from(options.text("bounds", "40,200"));
    const uint64_t seed = options.number("seed", clock_seed());
    reject_unused(options);
    report.note("seed " + std::to_string(seed) + ", " + std::to_string(cycles) +
                " cycles per backend, " + std::to_string(hogs) + " busy thread(s)");

    std::vector<Tally> tallies(backends.size());
    for (Tally &t : tallies) {
        t.missed.assign(bounds.size(), 0);
        t.missing.resize(bounds.size());
        t.softirqd.resize(bounds.size());
        t.max_bound_seconds.assign(bounds.size(), 0);
    }
    const Ksoftirqd ksoftirqd;
    Rng rng(seed);
    {
        const BusyThreads busy(hogs);
        for (unsigned c = 0; c < cycles; ++c)
            for (size_t b = 0; b < backends.size(); ++b) {
                Rng cycle_rng(rng.fork_seed());
                const CycleResult r =
                    run_cycle(*backends[b], cycle_rng, ksoftirqd, bounds, deadline_s);
                Tally &t = tallies[b];
                t.waits.push_back(r.waits);
                t.seconds.push_back(r.seconds);
                if (!r.late.empty()) {
                    ++t.late_cycles;
                    for (const auto &w : r.late)
                        ++t.late[w];
                    ++t.late_softirqd[r.late_ksoftirqd];
                    t.late_arrival.emplace_back(r.late_wait, r.late_seconds);
                }
                if (!r.complete)
                    t.incomplete.push_back("cycle " + std::to_string(c + 1) + ":" + r.missing);
                for (size_t k = 0; k < bounds.size(); ++k) {
                    const Snapshot &s = r.at_bound[k];
                    if (!s.missed)
                        continue;
                    ++t.missed[k];
                    t.max_bound_seconds[k] = std::max(t.max_bound_seconds[k], s.seconds);
                    for (const auto &w : s.missing)
                        ++t.missing[k][w];
                    ++t.softirqd[k][s.ksoftirqd];
                }
            }
    }
    for (size_t b = 0; b < backends.size(); ++b) {
        const Tally &t = tallies[b];
        const std::string name(backends[b]->name());
        report.note(name + ": WAITs per cycle median " + std::to_string(percentile(t.waits, 0.5)) +
                    ", p99 " + std::to_string(percentile(t.waits, 0.99)) + ", max " +
                    std::to_string(percentile(t.waits, 1.0)) + "; ms per cycle median " +
                    ms(percentile(t.seconds, 0.5)) + ", p99 " + ms(percentile(t.seconds, 0.99)) +
                    ", max " + ms(percentile(t.seconds, 1.0)));
        std::string arrivals;
        for (size_t k = 0; k < t.late_arrival.size() && k < 20; ++k)
            arrivals += (k ? ", " : "") + std::to_string(t.late_arrival[k].first) + "/" +
                        ms(t.late_arrival[k].second) + " ms";
        report.note(name + ": cycles with a file not readable when every poke had returned: " +
                    std::to_string(t.late_cycles) + "/" + std::to_string(t.waits.size()) +
                    "; files: " + counts(t.late) + "; ksoftirqd then: " + counts(t.late_softirqd) +
                    "; reported by WAIT/after: " + (arrivals.empty() ? "-" : arrivals));
        for (size_t k = 0; k < bounds.size(); ++k)
            report.note(name + ": still missing after " + std::to_string(bounds[k]) + " WAITs: " +
                        std::to_string(t.missed[k]) + "/" + std::to_string(t.waits.size()) +
                        " cycles, at most " + ms(t.max_bound_seconds[k]) +
                        " ms after the pokes; missing: " + counts(t.missing[k]) +
                        "; ksoftirqd: " + counts(t.softirqd[k]));
        std::string why;
        for (const auto &s : t.incomplete)
            why += (why.empty() ? "" : "; ") + s;
        report.check("delivery-" + name, why);
    }
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
