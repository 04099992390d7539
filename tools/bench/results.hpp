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
    unsigned batch;        // ops per call: 1, or MYEPOLL_IOC_CTL_BATCH's nr (myepoll)
    Summary add, mod, del; // operations per second over the reps
    double add_cold;       // ADD per second of the first rep (myepoll: marks created)
};

// "native", "myepoll", "myepoll-batch64": a control row's configuration.
std::string control_label(const ControlRow &row);

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

struct CloseRow {
    std::string module;    // "loaded" or "unloaded"
    std::size_t items = 0; // myepoll items on the anon inode's mark
    std::size_t added = 0; // ADDs of those items that returned 0
    int add_errno = 0;     // the first failed ADD's errno, or 0
    int close_errors = 0;  // close() calls that failed
    Summary cost{};        // ns per close() of an unwatched eventfd
    std::string error{};   // why the row has no figures
};

// One configuration of the harvest section (harvest.cpp): ns per turn of K
// events.
struct HarvestRow {
    std::string config; // writes-only, native-disarmed, native, myepoll, myepoll-ring
    std::size_t n;
    int k;
    Summary trigger; // the K writes, wake callbacks included
    Summary take;    // the wait or harvest calls until K events
    Summary round;   // both
    uint64_t events;
    uint64_t expected; // turns x K (0 for writes-only)
};

// One configuration of the reactor section (reactor.cpp).
struct ReactorRow {
    std::string config; // native, myepoll, myepoll-ring
    int connections = 0;
    int requests_per_connection = 0;
    std::vector<double> rps; // requests/s of each round, guest time
    uint64_t requests = 0;   // completed, all rounds
    uint64_t loop_turns = 0; // the server's waits, all rounds
    uint64_t events = 0;     // events they returned
    std::string problems;    // failed runs, empty if none
    // The timed rounds (TimedBackend): guest ns inside the server's calls,
    // medians over the rounds.
    std::vector<double> timed_rps;
    double wait_ns_per_request = 0;
    double ctl_ns_per_request = 0;
    double waits_per_request = 0;
    uint64_t switched_waits = 0; // waits that slept or were preempted, all rounds
};

struct Results {
    std::vector<CloseRow> close;
    std::vector<FloorRow> floor;
    std::vector<ScalingRow> scaling;
    std::vector<LatencyRow> latency;
    std::vector<ControlRow> control;
    std::vector<MemoryRow> memory;
    std::vector<HarvestRow> harvest;
    std::vector<ReactorRow> reactor;
};

} // namespace myepoll::bench
