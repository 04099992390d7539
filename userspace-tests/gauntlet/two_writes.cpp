// gauntlet two-writes: the kernel selftest's two-write cases
// (epoll_wakeup_test.c epoll16, epoll56, epoll58), rebuilt with timestamps
// so that a failure can be told apart: a race the test leaves open, or an
// event or wakeup lost by the instance.
//
// Each case: two socket pairs, an instance e0 watching them (epoll16:
// directly, EPOLLET) or watching two instances e1, e2 that watch them
// (epoll56, epoll58: e1, e2 level-triggered, e0 EPOLLET on both).  Threads
// t0 and t1 each want one event from e0; an emitter sleeps 100 ms and writes
// one byte to each pair, one write after the other.
//
//   epoll16, epoll56   t0 WAITs (1 event, no timeout); t1 poll()s e0, then
//                      WAITs with timeout 0
//   epoll58            both poll() e0, then WAIT with timeout 0
//
// The selftest expects both threads to get an event.  The first write wakes
// both (the poll() of each, or t0's WAIT); each event is edge-triggered in e0
// and taken once, so the thread that comes second gets one only if the
// emitter's second write has landed before its WAIT with timeout 0 looks.
//
// A failed iteration is classified from the timestamps:
//   race        the WAIT that found nothing ended before the second write
//               began: the event was not there yet (what the test allows)
//   lost        it began after the second write had returned: the event
//               was queued and not reported
//   stuck       a blocking call got nothing for a second after the second
//               write (it gives up after 5 s; the selftest's kill_timeout()
//               interrupts it after 1 s)
//   late        a blocking call timed out before that: the writes came
//               late (the host stalled the emitter)
//   overlap     none of these (the calls overlapped)
//
//   two-writes-<backend>  no iteration lost, stuck or in error
// Notes: per case and backend, iterations, failures by class.
//
// Options: --runs N (100 per case and backend) --cases 16,56,58
// --backends native,myepoll --hogs K (busy threads)
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "backend.hpp"
#include "comparison.hpp"
#include "format.hpp"
#include "parts.hpp"

namespace gauntlet
{

namespace
{

using Clock = std::chrono::steady_clock;
using myepoll::Backend;
using myepoll::Instance;
using myepoll::UniqueFd;

// A blocking call gives up after 5 s; one that got nothing for a second
// after the second write is "stuck" (the selftest's kill_timeout() would
// have interrupted it).
constexpr int kBlockMs = 5000;
constexpr double kStuckS = 1.0;

double now_s()
{
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct ThreadLog {
    bool polled = false;
    int poll_rc = 0; // or -errno
    double poll_end = 0;
    double wait_begin = 0, wait_end = 0;
    int wait_rc = 0;
};

struct Pair {
    UniqueFd a, b;
    Pair()
    {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            throw std::runtime_error("socketpair: " + rc_name(-errno));
        a.reset(sv[0]);
        b.reset(sv[1]);
    }
};

// One thread's part: optionally poll() e0, then WAIT for one event (timeout
// 0 after a poll, else blocking).
void take(Instance &e0, bool poll_first, ThreadLog *log)
{
    myepoll::Event e;
    int64_t timeout_ns = int64_t{kBlockMs} * 1'000'000;
    if (poll_first) {
        pollfd p{e0.fd(), POLLIN, 0};
        log->polled = true;
        log->poll_rc = ::poll(&p, 1, kBlockMs);
        if (log->poll_rc < 0)
            log->poll_rc = -errno;
        log->poll_end = now_s();
        if (log->poll_rc <= 0)
            return;
        timeout_ns = 0;
    }
    log->wait_begin = now_s();
    log->wait_rc = e0.wait(&e, 1, timeout_ns);
    log->wait_end = now_s();
}

// One iteration of case @c: "" if both threads got an event, else the class.
std::string iteration(Backend &backend, unsigned c)
{
    Pair p0, p1;
    Instance e0(backend);
    std::vector<Instance> below;
    if (c == 16) {
        if (e0.add(p0.a.get(), EPOLLIN | EPOLLET, 0) || e0.add(p1.a.get(), EPOLLIN | EPOLLET, 0))
            throw std::runtime_error("ADD failed");
    } else {
        below.emplace_back(backend);
        below.emplace_back(backend);
        if (below[0].add(p0.a.get(), EPOLLIN, 0) || below[1].add(p1.a.get(), EPOLLIN, 0) ||
            e0.add(below[0].fd(), EPOLLIN | EPOLLET, 0) ||
            e0.add(below[1].fd(), EPOLLIN | EPOLLET, 0))
            throw std::runtime_error("ADD failed");
    }
    ThreadLog log0, log1;
    double w2_begin = 0, w2_end = 0;
    std::thread t1(take, std::ref(e0), true, &log1);
    std::thread emitter([&] {
        ::usleep(100000);
        (void)::write(p0.b.get(), "w", 1);
        w2_begin = now_s();
        (void)::write(p1.b.get(), "w", 1);
        w2_end = now_s();
    });
    take(e0, c == 58, &log0);
    t1.join();
    emitter.join();

    const ThreadLog *logs[2] = {&log0, &log1};
    std::string why;
    for (const ThreadLog *log : logs) {
        if (log->wait_rc == 1)
            continue;
        if (log->polled && log->poll_rc < 0)
            return "error " + rc_name(log->poll_rc);
        if (log->wait_rc < 0)
            return "error " + rc_name(log->wait_rc);
        // A blocking call that timed out: stuck if nothing came for a
        // second after the second write, else the writes came late.
        const bool blocked_out = log->polled ? log->poll_rc == 0 : true;
        if (blocked_out) {
            const double end = log->polled ? log->poll_end : log->wait_end;
            if (end - w2_end >= kStuckS)
                return "stuck";
            why = "late";
        } else if (log->wait_end < w2_begin) {
            why = "race";
        } else if (log->wait_begin > w2_end) {
            return "lost";
        } else {
            why = "overlap";
        }
    }
    return why;
}

} // namespace

int run_two_writes(const Options &options, Report &report)
{
    const unsigned runs = static_cast<unsigned>(options.number("runs", 100));
    const auto cases = numbers_from(options.text("cases", "16,56,58"));
    const auto backends = backends_from(options.text("backends", "native,myepoll"));
    const unsigned hogs = static_cast<unsigned>(options.number("hogs", 0));
    reject_unused(options);
    for (unsigned c : cases)
        if (c != 16 && c != 56 && c != 58)
            throw std::invalid_argument("--cases: only 16, 56 and 58");
    report.note(std::to_string(runs) + " iterations per case and backend, " + std::to_string(hogs) +
                " busy thread(s)");

    // [backend][case][class]
    std::vector<std::map<unsigned, std::map<std::string, unsigned>>> classes(backends.size());
    {
        const BusyThreads busy(hogs);
        for (unsigned r = 0; r < runs; ++r)
            for (unsigned c : cases)
                for (size_t b = 0; b < backends.size(); ++b)
                    ++classes[b][c][iteration(*backends[b], c)];
    }

    for (size_t b = 0; b < backends.size(); ++b) {
        const std::string name(backends[b]->name());
        unsigned bad = 0;
        for (const auto &[c, by_class] : classes[b]) {
            std::string text;
            for (const auto &[what, n] : by_class) {
                text += (text.empty() ? "" : ", ") + (what.empty() ? "pass" : what) + " " +
                        std::to_string(n);
                if (what == "lost" || what == "stuck" || what.rfind("error", 0) == 0)
                    bad += n;
            }
            report.note(name + " epoll" + std::to_string(c) + ": " + text);
        }
        report.check("two-writes-" + name,
                     bad ? std::to_string(bad) + " iteration(s) lost, stuck or in error" : "");
    }
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
