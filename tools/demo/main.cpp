// demo: a Redis-style single-threaded Reactor echo server under load from
// many concurrent connections, run on native epoll and on /dev/myepoll,
// with a side-by-side report.  See options.cpp for the command line.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "demo_run.hpp"
#include "fd_limit.hpp"
#include "options.hpp"
#include "table.hpp"

using namespace myepoll::demo;
using myepoll::fixed;

namespace
{

void print_report(const std::vector<RunResult> &runs, const Options &options)
{
    myepoll::Table table({"backend", "result", "connections", "peak open", "requests", "completed",
                          "errors", "connect s", "echo s", "requests/s", "loop turns",
                          "events/turn"},
                         {"backend", "result"});
    for (const RunResult &r : runs) {
        const std::uint64_t errors = r.load.errors.total() + r.server.errors;
        const bool ran = r.started;
        const double per_turn =
            r.server.loop_turns > 0
                ? static_cast<double>(r.server.events) / static_cast<double>(r.server.loop_turns)
                : 0;
        table.add_row({
            std::string(backend(r.kind).name()),
            r.passed() ? "pass" : "FAIL",
            std::to_string(options.connections),
            ran ? std::to_string(r.server.peak_open) : "-",
            std::to_string(r.expected_requests),
            ran ? std::to_string(r.load.completed_requests) : "-",
            ran ? std::to_string(errors) : "-",
            ran ? fixed(r.load.connect_seconds, 3) : "-",
            ran ? fixed(r.load.echo_seconds, 3) : "-",
            ran ? fixed(r.requests_per_second(), 0) : "-",
            ran ? std::to_string(r.server.loop_turns) : "-",
            ran ? fixed(per_turn, 1) : "-",
        });
    }
    std::printf("\n");
    table.print(stdout);
    std::printf("\n");
}

} // namespace

int main(int argc, char **argv)
{
    const ParsedOptions parsed = parse_options(argc, argv);
    if (!parsed.options)
        return parsed.exit_code;
    const Options &options = *parsed.options;

    ::signal(SIGPIPE, SIG_IGN); // every send uses MSG_NOSIGNAL; belt and braces
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    // Per connection: the client's socket and the server's; plus a few.
    const std::uint64_t need = 2 * static_cast<std::uint64_t>(options.connections) + 64;
    const std::uint64_t limit = myepoll::raise_fd_limit();
    if (limit < need) {
        std::printf("demo: RLIMIT_NOFILE is %llu, %d connections need %llu; "
                    "raise the hard limit (ulimit -Hn) or use fewer --connections\n",
                    static_cast<unsigned long long>(limit), options.connections,
                    static_cast<unsigned long long>(need));
        for (const auto kind : options.backends)
            std::printf("@@myepoll case demo fail %s\n", std::string(backend(kind).name()).c_str());
        return 1;
    }

    std::vector<RunResult> runs;
    for (const auto kind : options.backends) {
        const std::string name(backend(kind).name());
        std::printf("demo: %s: %d connections x %d requests x %zu bytes, timeout %d s\n",
                    name.c_str(), options.connections, options.requests, options.size,
                    options.timeout_s);
        RunResult r = run_demo(kind, options);
        for (const auto &problem : r.problems)
            std::printf("demo: %s: %s\n", name.c_str(), problem.c_str());
        if (r.started)
            std::printf("demo: %s: %llu requests in %.3f s (%.0f requests/s)\n", name.c_str(),
                        static_cast<unsigned long long>(r.load.completed_requests),
                        r.load.echo_seconds, r.requests_per_second());
        std::printf("@@myepoll case demo %s %s\n", r.passed() ? "pass" : "fail", name.c_str());
        runs.push_back(std::move(r));
    }

    print_report(runs, options);

    bool all_passed = true;
    for (const RunResult &r : runs)
        all_passed = all_passed && r.passed();
    return all_passed ? 0 : 1;
}
