// bench: select, poll, native epoll and myepoll side by side, inside the
// test VM (make bench; docs/performance.md).  First the cost of closing an
// unwatched eventfd with myepoll unloaded, loaded, and watching anon-inode
// files (close_cost.cpp).  Then, for every connection count, it sets up the
// connections once and runs the sections that use that count; the ping-pong
// latency runs on its own connection.  Prints the tables with their CSV
// lines, then the checks as @@myepoll case lines.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <set>
#include <string>

#include "checks.hpp"
#include "clock.hpp"
#include "config.hpp"
#include "connections.hpp"
#include "fd_limit.hpp"
#include "report.hpp"
#include "sections.hpp"

using namespace myepoll::bench;

namespace
{

void print_header(const Config &c)
{
    utsname u{};
    ::uname(&u);
    std::string mode = c.timing;
    if (c.timing == "icount")
        mode += " (1 instruction = " + std::to_string(1 << c.icount_shift) + " ns guest time)";
    std::printf("bench: timing=%s kernel=%s cpus=%ld mem=%ld MiB fd-limit=%llu%s\n", mode.c_str(),
                u.release, ::sysconf(_SC_NPROCESSORS_ONLN),
                ::sysconf(_SC_PHYS_PAGES) / 1024 * ::sysconf(_SC_PAGESIZE) / 1024,
                static_cast<unsigned long long>(myepoll::raise_fd_limit()),
                c.smoke ? " (smoke run)" : "");
    std::fflush(stdout);
}

std::set<std::size_t> connection_counts(const Config &c)
{
    std::set<std::size_t> counts;
    if (wants(c, "scaling"))
        counts.insert(c.sizes.begin(), c.sizes.end());
    if (wants(c, "control"))
        counts.insert(c.ctl_sizes.begin(), c.ctl_sizes.end());
    if (wants(c, "memory") && c.memory_size > 0)
        counts.insert(c.memory_size);
    counts.erase(0);
    return counts;
}

bool contains(const std::vector<std::size_t> &v, std::size_t n)
{
    return std::find(v.begin(), v.end(), n) != v.end();
}

double seconds_since(int64_t t0)
{
    return static_cast<double>(now_ns() - t0) / 1e9;
}

// The close cost first: it unloads myepoll for a while, which only a
// process that has not opened /dev/myepoll yet can do.  Memory and the cold
// ADD rate need sockets myepoll has never watched (its first ADD of a file
// creates the inode's mark, which DEL leaves idle): the memory is measured
// first on each connection set, the ctl rates on a set of their own.
void run_all(const Config &c, Results &results)
{
    if (wants(c, "close")) {
        const int64_t t0 = now_ns();
        run_close(c, results);
        std::printf("bench: close in %.1f s\n", seconds_since(t0));
        std::fflush(stdout);
    }
    if (wants(c, "floor"))
        run_floor(c, results);
    for (std::size_t n : connection_counts(c)) {
        const bool scaling = wants(c, "scaling") && contains(c.sizes, n);
        const bool memory = wants(c, "memory") && c.memory_size == n;
        if (scaling || memory) {
            int64_t t0 = now_ns();
            const Connections conns(n);
            std::printf("bench: n=%zu: connected in %.1f s\n", n, seconds_since(t0));
            if (memory) {
                t0 = now_ns();
                run_memory(c, conns, results);
                std::printf("bench: n=%zu: memory in %.1f s\n", n, seconds_since(t0));
            }
            if (scaling) {
                t0 = now_ns();
                run_scaling(c, conns, results);
                std::printf("bench: n=%zu: scaling in %.1f s\n", n, seconds_since(t0));
            }
            std::fflush(stdout);
        }
        if (wants(c, "control") && contains(c.ctl_sizes, n)) {
            int64_t t0 = now_ns();
            const Connections conns(n);
            std::printf("bench: n=%zu: connected in %.1f s\n", n, seconds_since(t0));
            t0 = now_ns();
            run_control(c, conns, results);
            std::printf("bench: n=%zu: control in %.1f s\n", n, seconds_since(t0));
            std::fflush(stdout);
        }
    }
    if (wants(c, "harvest")) {
        const int64_t t0 = now_ns();
        run_harvest(c, results);
        std::printf("bench: harvest in %.1f s\n", seconds_since(t0));
        std::fflush(stdout);
    }
    if (wants(c, "reactor")) {
        const int64_t t0 = now_ns();
        run_reactor(c, results);
        std::printf("bench: reactor in %.1f s\n", seconds_since(t0));
        std::fflush(stdout);
    }
    if (wants(c, "latency")) {
        const int64_t t0 = now_ns();
        run_latency(c, results);
        std::printf("bench: latency in %.1f s\n", seconds_since(t0));
    }
}

} // namespace

int main(int argc, char **argv)
{
    const Config config = parse_options(argc, argv);
    print_header(config);
    Results results;
    int status = 0;
    try {
        run_all(config, results);
    } catch (const std::exception &e) {
        std::printf("bench: error: %s\n", e.what());
        std::printf("@@myepoll case %s fail run\n", config.suite.c_str());
        status = 1;
    }
    print_report(config, results, stdout);
    if (print_checks(config, results) > 0)
        status = 1;
    return status;
}
