// Config: what the benchmark run measures and how much (options.cpp parses
// the command line into it).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace myepoll::bench
{

struct Config {
    std::string timing = "unknown"; // "icount" or "tcg": how the VM was run
    int icount_shift = 3;           // guest ns per instruction = 2^shift
    bool smoke = false;             // short run that checks, not measures
    std::string suite = "bench";    // for @@myepoll case lines
    std::vector<std::size_t> sizes{10, 100, 1000, 10000, 100000};
    std::vector<int> actives{1, 10};
    int rounds = 600;       // timed rounds per API and K (epoll backends)
    int linear_rounds = 60; // at least this many for select/poll at large N
    int warmup = 50;        // untimed rounds first
    int blocks = 6;         // APIs interleaved in this many blocks
    std::size_t select_max = 1000;
    int latency_iterations = 3000; // per API, over all blocks
    std::vector<std::size_t> ctl_sizes{10000, 100000};
    int ctl_reps = 3;
    std::size_t memory_size = 100000;
    std::size_t close_instances = 100; // close cost: instances x fds items
    std::size_t close_fds = 1000;
    std::size_t harvest_size = 10000;          // eventfds per configuration of the harvest section
    std::vector<int> harvest_actives{64, 256}; // ready per turn
    int reactor_connections = 1000;            // the reactor section's clients
    int reactor_requests = 20;                 // requests per connection
    int reactor_rounds = 5;                    // runs of each configuration
    std::string module_file;       // myepoll.ko to load again after the unloaded close cost
    std::vector<std::string> only; // sections to run; empty = all
};

// Parses argv; prints usage and exits on --help or an error.
Config parse_options(int argc, char **argv);

bool wants(const Config &config, const std::string &section);

} // namespace myepoll::bench
