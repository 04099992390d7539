// Results: what each section measured, for the report and the checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stats.hpp"
#include "waiter.hpp"

namespace myepoll::bench
{

struct ScalingRow {
    std::size_t n;
    int k;
    Api api;
    Summary wait;  // ns in the wait call(s) of a round, scan of the result included
    Summary round; // ns for the whole round: K writes, wait, K reads
    uint64_t events;
    uint64_t expected; // rounds x K
};

struct LatencyRow {
    Api api;
    Summary rtt; // ns per round trip
};

struct ControlRow {
    std::size_t n;
    Api api;
    Summary add, mod, del; // operations per second over the reps
    double add_cold;       // ADD per second of the first rep (myepoll: marks created)
};

struct MemoryRow {
    std::size_t n;
    Api api;
    double slab_per_watch;                              // /proc/slabinfo, bytes of active objects
    double meminfo_per_watch;                           // /proc/meminfo Slab:, bytes
    std::vector<std::pair<std::string, double>> caches; // bytes per watch by cache
};

struct FloorRow {
    std::string op;
    Summary cost; // ns per call
};

struct Results {
    std::vector<FloorRow> floor;
    std::vector<ScalingRow> scaling;
    std::vector<LatencyRow> latency;
    std::vector<ControlRow> control;
    std::vector<MemoryRow> memory;
};

} // namespace myepoll::bench
