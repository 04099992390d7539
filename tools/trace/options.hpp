// Options: the tracer's command line (usage text in options.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "backend.hpp"
#include "workload.hpp"

namespace myepoll::trace
{

// --expect NAME=N: a counter whose value is known exactly.
struct Expectation {
    std::string counter; // a key of the JSON output, e.g. "callbacks"
    std::uint64_t value = 0;
};

struct Options {
    std::vector<BackendKind> backends{BackendKind::Native, BackendKind::MyEpoll};
    std::vector<WorkloadSpec> workloads; // default: default_workloads()
    bool json = false;
    std::vector<Expectation> expectations;
    std::string suite = "trace"; // the name in @@myepoll case lines
};

// pingpong-lt, fanout-lt, burst-lt, burst-et with the defaults below.
std::vector<WorkloadSpec> default_workloads();

// On --help prints the usage and returns exit code 0; on a bad option a
// message and returns 2; else the options.
struct ParsedOptions {
    std::optional<Options> options;
    int exit_code = 0;
};
ParsedOptions parse_options(int argc, char **argv);

} // namespace myepoll::trace
