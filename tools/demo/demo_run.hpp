// DemoRun: one run of the demo on one backend: the Reactor server on its
// own thread, the load generator on the calling thread, then the verdict.
#pragma once

#include <string>
#include <vector>

#include "backend.hpp"
#include "load_client.hpp"
#include "options.hpp"
#include "reactor_server.hpp"

namespace myepoll::demo
{

struct RunResult {
    BackendKind kind = BackendKind::Native;
    bool started = false; // the server ran and the load was generated
    ServerStats server;
    LoadResult load;
    std::uint64_t expected_requests = 0;
    std::vector<std::string> problems; // empty when the run passed

    [[nodiscard]] bool passed() const noexcept { return started && problems.empty(); }
    [[nodiscard]] double requests_per_second() const noexcept
    {
        return load.echo_seconds > 0
                   ? static_cast<double>(load.completed_requests) / load.echo_seconds
                   : 0;
    }
};

RunResult run_demo(BackendKind kind, const Options &options);

// The same on a backend of the caller's (the bench's ring backend, a timing
// wrapper); the result's kind is backend.kind().
RunResult run_demo(Backend &backend, const Options &options);

} // namespace myepoll::demo
