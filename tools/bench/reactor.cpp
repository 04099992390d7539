// Reactor: the demo's Redis-style echo server (tools/demo) under its load
// generator, 1,000 connections, on native epoll, myepoll's WAIT and
// myepoll's ring (RingBackend), in rounds that interleave them: requests/s
// in guest time, and instructions per request (icount, one vCPU: the
// whole system's, client included).
//
// Then as many rounds through TimedBackend, which counts the instructions
// inside the server's ctl and wait calls (medians over the rounds); with the wake
// callbacks (one per request reaches the server's instance; its cost per
// event is the harvest section's native trigger less its writes-only
// trigger) that is the server's epoll share of a request.  Native's share
// gives the Amdahl bound: the requests/s native would reach if its epoll
// calls and callbacks cost nothing (report.cpp).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "demo_run.hpp"
#include "options.hpp"
#include "ring_backend.hpp"
#include "sections.hpp"
#include "timed_backend.hpp"

namespace myepoll::bench
{

namespace
{

struct Setup {
    std::string name;
    std::function<std::unique_ptr<Backend>()> make; // null: a shared backend
    Backend *shared;
};

std::vector<Setup> setups()
{
    return {
        {"native", nullptr, &backend(BackendKind::Native)},
        {"myepoll", nullptr, &backend(BackendKind::MyEpoll)},
        {"myepoll-ring", [] { return std::make_unique<RingBackend>(); }, nullptr},
    };
}

demo::Options demo_options(const Config &config)
{
    demo::Options o;
    o.connections = config.reactor_connections;
    o.requests = config.reactor_requests;
    o.timeout_s = 300;
    return o;
}

// One run; its problems go to `why`.
demo::RunResult run_once(Backend &backend, const demo::Options &o, std::string &why)
{
    demo::RunResult r = demo::run_demo(backend, o);
    for (const auto &p : r.problems)
        why += p + "; ";
    return r;
}

// Guest ns of one clock read, to take out of each timed call.
double clock_read_ns()
{
    std::vector<double> v;
    for (int i = 0; i < 201; ++i) {
        const int64_t t0 = now_ns();
        v.push_back(static_cast<double>(now_ns() - t0));
    }
    return summarize(std::move(v)).median;
}

// Guest ns inside the calls per request, the switched calls at the timed
// calls' mean.
double per_request(const CallTimes &t, double clock_ns, uint64_t requests)
{
    const uint64_t timed = t.calls - t.switched;
    if (timed == 0 || requests == 0)
        return 0;
    const double mean = t.ns / static_cast<double>(timed) - clock_ns;
    return mean * static_cast<double>(t.calls) / static_cast<double>(requests);
}

} // namespace

void run_reactor(const Config &config, Results &results)
{
    const demo::Options o = demo_options(config);
    std::vector<Setup> all = setups();
    std::vector<ReactorRow> rows;
    for (const Setup &s : all) {
        ReactorRow row;
        row.config = s.name;
        row.connections = config.reactor_connections;
        row.requests_per_connection = config.reactor_requests;
        rows.push_back(std::move(row));
    }
    for (int round = 0; round < config.reactor_rounds; ++round) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            std::unique_ptr<Backend> own = all[i].make ? all[i].make() : nullptr;
            Backend &b = own ? *own : *all[i].shared;
            const demo::RunResult r = run_once(b, o, rows[i].problems);
            rows[i].rps.push_back(r.requests_per_second());
            rows[i].requests += r.load.completed_requests;
            rows[i].loop_turns += r.server.loop_turns;
            rows[i].events += r.server.events;
        }
    }
    // As many timed rounds, interleaved too: a run's loop dynamics (events
    // per turn, waits that sleep) vary, and so does its epoll share.
    const double clock_ns = clock_read_ns();
    std::vector<std::vector<double>> wait_ns(all.size()), ctl_ns(all.size()), waits(all.size());
    for (int round = 0; round < config.reactor_rounds; ++round) {
        for (std::size_t i = 0; i < all.size(); ++i) {
            std::unique_ptr<Backend> own = all[i].make ? all[i].make() : nullptr;
            TimedBackend timed(own ? *own : *all[i].shared);
            const demo::RunResult r = run_once(timed, o, rows[i].problems);
            const uint64_t requests = r.load.completed_requests;
            if (requests == 0)
                continue;
            wait_ns[i].push_back(per_request(timed.wait_times(), clock_ns, requests));
            ctl_ns[i].push_back(per_request(timed.ctl_times(), clock_ns, requests));
            waits[i].push_back(static_cast<double>(timed.wait_times().calls) /
                               static_cast<double>(requests));
            rows[i].timed_rps.push_back(r.requests_per_second());
            rows[i].switched_waits += timed.wait_times().switched;
        }
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        rows[i].wait_ns_per_request = summarize(wait_ns[i]).median;
        rows[i].ctl_ns_per_request = summarize(ctl_ns[i]).median;
        rows[i].waits_per_request = summarize(waits[i]).median;
    }
    for (auto &row : rows)
        results.reactor.push_back(std::move(row));
}

} // namespace myepoll::bench
