// Floor: the fixed cost of entering each API, with nothing to do:
// getppid (a bare system call), MYEPOLL_IOC_VERSION on an instance (the
// ioctl path alone), and a non-blocking wait on an empty instance, native
// and myepoll.  The difference of the last two is what myepoll pays per
// WAIT for being an ioctl.
#include <unistd.h>

#include <functional>

#include <libmyepoll.h>

#include "backend.hpp"
#include "clock.hpp"
#include "sections.hpp"

namespace myepoll::bench
{

namespace
{

struct Probe {
    const char *name;
    std::function<void()> call;
    std::vector<double> samples;
};

} // namespace

void run_floor(const Config &config, Results &results)
{
    Instance native(backend(BackendKind::Native));
    Instance mine(backend(BackendKind::MyEpoll));
    Event ev{};
    std::vector<Probe> probes;
    probes.push_back({"getppid", [] { ::getppid(); }, {}});
    probes.push_back({"myepoll-ioctl-version", [&] { myepoll_fd_abi_version(mine.fd()); }, {}});
    probes.push_back({"native-wait-empty", [&] { native.wait(&ev, 1, 0); }, {}});
    probes.push_back({"myepoll-wait-empty", [&] { mine.wait(&ev, 1, 0); }, {}});
    const int per_block = std::max(1, config.rounds / config.blocks);
    for (auto &p : probes)
        for (int i = 0; i < config.warmup; ++i)
            p.call();
    for (int b = 0; b < config.blocks; ++b)
        for (auto &p : probes)
            for (int i = 0; i < per_block; ++i) {
                const int64_t t0 = now_ns();
                p.call();
                p.samples.push_back(static_cast<double>(now_ns() - t0));
            }
    // The clock's own cost: two readings back to back.
    std::vector<double> clock;
    for (int i = 0; i < per_block * config.blocks; ++i) {
        const int64_t t0 = now_ns();
        clock.push_back(static_cast<double>(now_ns() - t0));
    }
    results.floor.push_back({"clock-read", summarize(clock)});
    for (auto &p : probes)
        results.floor.push_back({p.name, summarize(std::move(p.samples))});
}

} // namespace myepoll::bench
