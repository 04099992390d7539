// gauntlet fuzz: random ioctls on the device and instance fds
// (fuzz_worker.hpp), seeded; the seed is printed.
//
// Options: --calls N in all (200000) --threads N (2) --seed S (from the
//          clock) --seconds N stop early after this long (0: no limit)
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "calls.hpp"
#include "format.hpp"
#include "fuzz_worker.hpp"
#include "nest_depth.hpp"
#include "parts.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

const std::vector<std::string> kChecks = {"errno-whitelist", "errno-contract", "success-values",
                                          "create-flags-high-bits"};

uint64_t monotonic_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

std::string top_outcomes(const std::map<std::string, uint64_t> &outcomes)
{
    std::vector<std::pair<uint64_t, std::string>> sorted;
    for (const auto &[key, count] : outcomes)
        sorted.emplace_back(count, key);
    std::sort(sorted.rbegin(), sorted.rend());
    std::string out;
    for (const auto &[count, key] : sorted)
        out += (out.empty() ? "" : ", ") + key + " " + std::to_string(count);
    return out;
}

} // namespace

int run_fuzz(const Options &options, Report &report)
{
    const uint64_t calls = options.number("calls", 200000);
    const unsigned threads = static_cast<unsigned>(options.number("threads", 2));
    const uint64_t seed = options.number("seed", clock_seed());
    const uint64_t seconds = options.number("seconds", 0);
    reject_unused(options);
    if (threads == 0)
        throw std::invalid_argument("--threads must be positive");
    report.note("seed " + std::to_string(seed) + ", " + std::to_string(calls) + " calls on " +
                std::to_string(threads) + " threads" +
                (seconds != 0 ? ", at most " + std::to_string(seconds) + " s" : ""));

    // signalfd endpoints are made ready with SIGUSR1 to the process, blocked
    // everywhere; a WAIT's random signal mask may unblock it for the call:
    // then it interrupts the WAIT (EINTR) instead of killing us.
    struct sigaction action {
    };
    action.sa_handler = [](int) {};
    ::sigaction(SIGUSR1, &action, nullptr);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &usr1, nullptr);

    FuzzShared shared;
    UniqueFd dev = open_device();
    if (!dev) {
        report.fail("setup", "cannot open " MYEPOLL_DEVICE ": " + rc_name(-errno));
        return 1;
    }
    shared.dev = dev.get();
    std::vector<UniqueFd> shared_instances;
    for (int k = 0; k < 2; ++k) {
        const int fd = create(dev.get(), O_CLOEXEC);
        if (fd < 0) {
            report.fail("setup", "CREATE: " + rc_name(fd));
            return 1;
        }
        shared_instances.emplace_back(fd);
        shared.instances.push_back(fd);
    }
    // Deterministic first: random nesting reaches this limit anyway.
    report.check("nest-chain-depth", check_nest_chain(dev.get()));

    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    shared.closed_base =
        static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 1U << 20)) - 32; // never opened
    const auto start = std::chrono::steady_clock::now();
    if (seconds != 0)
        shared.deadline_ns = monotonic_ns() + seconds * 1000000000ULL;

    Rng rng(seed);
    std::vector<std::unique_ptr<FuzzWorker>> workers;
    try {
        for (unsigned t = 0; t < threads; ++t)
            workers.push_back(std::make_unique<FuzzWorker>(shared, rng.fork_seed(), t));
    } catch (const std::exception &e) {
        report.fail("setup", e.what());
        return 1;
    }
    std::vector<std::thread> running;
    for (unsigned t = 0; t < threads; ++t)
        running.emplace_back(
            [&, t] { workers[t]->run(calls / threads + (t < calls % threads ? 1 : 0)); });
    for (auto &t : running)
        t.join();
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    report.note(std::to_string(shared.calls.load()) + " calls in " + std::to_string(took) + " s (" +
                std::to_string(static_cast<uint64_t>(shared.calls.load() / took)) + " calls/s)" +
                (shared.calls.load() < calls ? ": stopped by --seconds before --calls" : ""));
    report.note("outcomes: " + top_outcomes(shared.outcomes));
    shared.problems.report(report, kChecks);
    if (shared.problems.count("setup") != 0)
        shared.problems.report(report, {"setup"});

    std::string why;
    uint64_t serial = 0;
    for (int fd : shared.instances) {
        const std::string w = check_usable(fd, 0xf022ffff0000ULL + ++serial);
        if (!w.empty())
            why += " [shared instance: " + w + "]";
    }
    for (auto &w : workers)
        why += w->check_own_instances();
    report.check("instances-usable-after", why);
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
