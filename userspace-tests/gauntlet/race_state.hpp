// The races part's shared state and its bookkeeping.
//
// Two stable instances (A, B) live for the whole run; a churn instance (C)
// is closed and re-created during it.  Slots hold endpoints whose watched fd
// is registered in A and B.  Every ctl on a slot's fd runs under the slot's
// mutex and records what it did, so the expected outcome of each call (and
// the interest lists at the end) is known exactly while the kernel sees
// concurrent ctl, WAIT, wakeups, closes, dups and forks on the same
// instances.  Lock order: churn_mu, nest_mu, slot.mu.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "endpoint.hpp"
#include "format.hpp"
#include "problems.hpp"
#include "race_tags.hpp"

namespace gauntlet
{

struct RaceConfig {
    unsigned threads = 4;    // worker threads
    unsigned rounds = 3000;  // operations per worker
    unsigned slots = 24;     // endpoints shared by the workers
    unsigned max_forks = 64; // children forked in all, at most
    uint64_t seed = 0;
};

constexpr int kStable = 2; // instances A and B
constexpr int kChurn = 2;  // index of C in the nest graph
constexpr uint32_t kExclusiveOk =
    EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
constexpr uint32_t kPrivateBits = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;

struct Registration {
    bool on = false;
    uint32_t events = 0; // as given to the last successful ADD/MOD
    uint64_t data = 0;
};

// A dup of a slot's watched fd that was registered and then closed: the
// (file, dup fd) item stays until the file's last close, as natively.
struct Ghost {
    int instance;
    int fd;
    uint32_t events;
    uint64_t data;
};

struct Slot {
    std::mutex mu;
    Endpoint ep;
    bool open = false;
    uint32_t gen = 0;
    std::atomic<uint32_t> published_gen{0}; // gen, readable without mu
    std::array<Registration, kStable> reg;
    std::vector<Ghost> ghosts;
};

struct Counters {
    std::atomic<uint64_t> ctl{0}, waits{0}, events{0}, pokes{0}, recycles{0}, ghosts{0}, churns{0},
        nests{0}, forks{0}, dooms{0}, peer_closes{0};
};

struct RaceState {
    RaceConfig config;
    UniqueFd dev;
    std::array<UniqueFd, kStable> stable;
    std::vector<Slot> slots;
    Problems problems;
    Counters counters;
    std::atomic<bool> stop{false};
    std::atomic<uint32_t> serial{0};
    int reserved_base = 0; // fds [base, base + 8 * threads) are dup3 targets only

    // The churn instance C, and the nest graph over {A, B, C}:
    // edge[x][y] means instance x watches instance y.
    std::shared_mutex churn_mu;
    UniqueFd churn;
    std::mutex nest_mu;
    bool edge[3][3] = {};
    uint64_t edge_data[3][3] = {};

    explicit RaceState(const RaceConfig &c) : config(c), slots(c.slots) {}

    uint32_t next_serial() noexcept { return serial.fetch_add(1) + 1; }
    // fd of A, B or C (C only under churn_mu).
    int instance_fd(int index) const noexcept
    {
        return index < kStable ? stable[index].get() : churn.get();
    }
    // Does instance from reach instance to through watch edges?
    bool reaches(int from, int to) const noexcept;
};

} // namespace gauntlet
