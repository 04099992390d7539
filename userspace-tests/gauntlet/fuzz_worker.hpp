// FuzzWorker: one thread of the fuzzer.  Each call is one ioctl with a
// random command (CREATE, CTL, WAIT, VERSION, near misses of them, random
// numbers) on a random fd (the device, its own or the shared instances,
// sockets, pipes, eventfd, signalfd, a regular file, a directory,
// /dev/null, fds that are surely closed, recently closed ones), with random
// argument structs at random addresses (fuzz_arena.hpp).  Every result must
// be success or a native errno from the command's whitelist, and where the
// outcome is determined by the arguments alone (a faulting argument
// pointer, a closed target, an unpollable target, unknown flags...) it must
// be exactly that errno.  WAIT never blocks: its timeout is 0 or at most
// 100 us.  Between calls the worker pokes, drains and replaces its
// endpoints and instances (close without DEL).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "endpoint.hpp"
#include "fuzz_arena.hpp"
#include "problems.hpp"
#include "rng.hpp"

namespace gauntlet
{

struct FuzzShared {
    int dev = -1;
    std::vector<int> instances; // shared by every worker, never closed
    int closed_base = 0;        // [closed_base, closed_base + 16) are never open
    uint64_t deadline_ns = 0;   // CLOCK_MONOTONIC; 0: none
    Problems problems;
    std::mutex outcomes_mu;
    std::map<std::string, uint64_t> outcomes; // "CTL 0", "WAIT EFAULT", ...
    std::atomic<uint64_t> calls{0};
};

class FuzzWorker
{
  public:
    FuzzWorker(FuzzShared &shared, uint64_t seed, unsigned index);
    // Makes up to `calls` calls (fewer if the deadline passes).
    void run(uint64_t calls);
    // Every instance this worker owns must still work.
    std::string check_own_instances();

  private:
    // A file class, which decides what an ioctl on it or a CTL of it gives.
    enum class FdClass { Instance, Device, Pollable, Unpollable, Closed, Unknown };
    struct Fd {
        int fd;
        FdClass cls;
    };

    Fd pick_target();
    Fd pick_ioctl_fd();
    void one_call();
    void call_create(const Fd &on);
    void call_ctl(const Fd &on);
    void call_wait(const Fd &on);
    void call_version(const Fd &on);
    void call_unknown(const Fd &on);
    void call_ring_setup(const Fd &on); // fuzz_ring.cpp
    void call_own_ring();               // fuzz_ring.cpp
    void housekeeping();
    void record(const char *op, long rc);
    void contract(const char *op, long rc, long want, const std::string &what);
    void whitelist(const char *op, long rc, std::initializer_list<int> allowed,
                   const std::string &what);
    uint32_t random_events();

    FuzzShared &shared_;
    Rng rng_;
    unsigned index_;
    FuzzArena arena_;
    std::vector<UniqueFd> instances_;
    std::vector<Endpoint> endpoints_;
    UniqueFd regular_, directory_, null_;
    std::vector<int> recently_closed_;
    std::map<std::string, uint64_t> outcomes_;
    // The worker's own ring instance (fuzz_ring.cpp), apart from the pools
    // above: a WAIT with a buffer is EINVAL on it.  The mapping goes first.
    UniqueFd ring_fd_;
    std::shared_ptr<void> ring_map_;
    size_t ring_size_ = 0;
    unsigned ring_entries_ = 0;
};

} // namespace gauntlet
