// gauntlet races: the storm and its checks (race_worker.hpp, race_verify.hpp).
//
// Options: --threads N (4) --rounds N per thread (3000) --slots N (24)
//          --forks N at most (64) --seed S (from the clock)
#include <fcntl.h>
#include <sys/resource.h>

#include <chrono>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

#include "parts.hpp"
#include "race_verify.hpp"
#include "race_worker.hpp"

namespace gauntlet
{

namespace
{

const std::vector<std::string> kStormChecks = {
    "ctl-consistency", "wait-results", "ghost-race", "nest-consistency",
    "churn",           "children",     "doomed",
};

// The first fd of a range above anything the kernel hands out here (it
// allocates the lowest free number); only dup3() puts files there.
int reserved_base(unsigned threads)
{
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const rlim_t top = limit.rlim_cur < (1U << 20) ? limit.rlim_cur : (1U << 20);
    return static_cast<int>(top) - static_cast<int>(8 * threads) - 16;
}

} // namespace

int run_races(const Options &options, Report &report)
{
    RaceConfig config;
    config.threads = static_cast<unsigned>(options.number("threads", config.threads));
    config.rounds = static_cast<unsigned>(options.number("rounds", config.rounds));
    config.slots = static_cast<unsigned>(options.number("slots", config.slots));
    config.max_forks = static_cast<unsigned>(options.number("forks", config.max_forks));
    config.seed = options.number("seed", clock_seed());
    reject_unused(options);
    if (config.threads == 0 || config.slots == 0 || config.slots > 4095)
        throw std::invalid_argument("--threads and --slots (1..4095) must be positive");

    report.note("seed " + std::to_string(config.seed) + ", " + std::to_string(config.threads) +
                " threads x " + std::to_string(config.rounds) + " rounds, " +
                std::to_string(config.slots) + " slots, up to " + std::to_string(config.max_forks) +
                " forks");
    RaceState s(config);
    s.reserved_base = reserved_base(config.threads);
    if (s.reserved_base < 4096) {
        report.fail("setup", "RLIMIT_NOFILE too low for the reserved dup3 range");
        return 1;
    }
    s.dev = open_device();
    if (!s.dev) {
        report.fail("setup", "cannot open " MYEPOLL_DEVICE ": " + rc_name(-errno));
        return 1;
    }
    for (auto &instance : s.stable) {
        const int fd = create(s.dev.get(), O_CLOEXEC);
        if (fd < 0) {
            report.fail("setup", "CREATE: " + rc_name(fd));
            return 1;
        }
        instance.reset(fd);
    }
    const int c = create(s.dev.get(), O_CLOEXEC);
    if (c >= 0)
        s.churn.reset(c);
    Rng rng(config.seed);
    for (Slot &slot : s.slots) {
        std::lock_guard lock(slot.mu);
        RaceWorker::recycle_locked(s, slot, rng);
    }

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < config.threads; ++t)
        workers.emplace_back([&s, t, seed = rng.fork_seed()] {
            try {
                RaceWorker(s, t, seed).run();
            } catch (const std::exception &e) {
                s.problems.add("setup", std::string("worker: ") + e.what());
            }
        });
    std::thread writer([&s, seed = rng.fork_seed()] { RaceWorker::write_until_stopped(s, seed); });
    for (auto &w : workers)
        w.join();
    s.stop = true;
    writer.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const Counters &n = s.counters;
    report.note("storm took " + std::to_string(seconds) + " s: " + std::to_string(n.ctl) +
                " ctl, " + std::to_string(n.waits) + " waits (" + std::to_string(n.events) +
                " events), " + std::to_string(n.pokes) + " pokes, " + std::to_string(n.recycles) +
                " slot closes without DEL, " + std::to_string(n.peer_closes) + " peer closes, " +
                std::to_string(n.ghosts) + " dup/close races, " + std::to_string(n.nests) +
                " nest ops, " + std::to_string(n.churns) + " churn-instance closes, " +
                std::to_string(std::min<uint64_t>(n.forks, config.max_forks)) + " forks, " +
                std::to_string(n.dooms) + " close-vs-WAIT");
    s.problems.report(report, kStormChecks);
    if (s.problems.count("setup") != 0)
        s.problems.report(report, {"setup"});

    verify_after_storm(s, report, rng);
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
