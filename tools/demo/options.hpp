// Options: the demo's command line.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "backend.hpp"

namespace myepoll::demo
{

struct Options {
    std::vector<BackendKind> backends{BackendKind::Native, BackendKind::MyEpoll};
    int connections = 1000;  // concurrent client connections
    int requests = 20;       // requests per connection
    std::size_t size = 64;   // bytes per request
    int timeout_s = 60;      // per backend, for the whole load
    int connect_batch = 256; // client connects in progress at once
    int backlog = 4096;      // listen() backlog (capped by net.core.somaxconn)
    int max_events = 1024;   // server: events per readiness call
};

// Parses argv.  On --help prints the usage to stdout, on a bad option a
// message and the usage to stderr; either way returns no options and sets
// exit_code (0 or 2).
struct ParsedOptions {
    std::optional<Options> options;
    int exit_code = 0;
};
ParsedOptions parse_options(int argc, char **argv);

} // namespace myepoll::demo
