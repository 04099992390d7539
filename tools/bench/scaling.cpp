// Scaling: N connections, every server side watched by every API at once
// (so every write pays every epoll instance's callback, whichever API is
// timed).  A round writes one byte to K clients spread over the set, waits
// until the K server sides are reported and reads the bytes back.  The APIs
// take turns in blocks of rounds after an untimed warm-up.  Each wait is a
// profile window of its API (make profile, docs/performance.md).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <random>
#include <system_error>

#include "clock.hpp"
#include "profile_mark.hpp"
#include "sections.hpp"

namespace myepoll::bench
{

namespace
{

struct Contender {
    Api api;
    std::unique_ptr<Waiter> waiter;
    int rounds; // timed rounds in all
    std::vector<double> wait_ns, round_ns;
    uint64_t events = 0;
};

class Rounds
{
  public:
    Rounds(const Connections &conns, int k) : conns_(conns), k_(k) { ready_.reserve(256); }

    // One round; returns the events the waiter reported.
    int run(Contender &c, bool timed)
    {
        const std::size_t n = conns_.size();
        const std::size_t stride = std::max<std::size_t>(1, n / k_);
        const std::size_t base = rng_() % n;
        const int64_t t0 = now_ns();
        for (int j = 0; j < k_; ++j)
            write_byte(conns_.client((base + j * stride) % n));
        ready_.clear();
        profile_open(c.api);
        const int64_t t1 = now_ns();
        c.waiter->wait(ready_);
        while (ready_.size() < static_cast<std::size_t>(k_))
            wait_more(*c.waiter);
        const int64_t t2 = now_ns();
        profile_close();
        for (uint32_t index : ready_)
            drain(conns_.server(index));
        const int64_t t3 = now_ns();
        if (timed) {
            c.wait_ns.push_back(static_cast<double>(t2 - t1));
            c.round_ns.push_back(static_cast<double>(t3 - t0));
            c.events += ready_.size();
        }
        return static_cast<int>(ready_.size());
    }

  private:
    // Some bytes were not there at the first call (with several CPUs the
    // loopback delivery can lag): wait again and keep the new fds only, as
    // a level-triggered API reports the unread ones again.
    void wait_more(Waiter &waiter)
    {
        more_.clear();
        waiter.wait(more_);
        for (uint32_t index : more_)
            if (std::find(ready_.begin(), ready_.end(), index) == ready_.end())
                ready_.push_back(index);
    }

    static void write_byte(int fd)
    {
        const char b = 'x';
        if (::write(fd, &b, 1) != 1)
            throw std::system_error(errno, std::generic_category(), "write");
    }
    static void drain(int fd)
    {
        char buf[64];
        while (::read(fd, buf, sizeof(buf)) > 0) {
        }
    }

    const Connections &conns_;
    int k_;
    std::minstd_rand rng_{12345};
    std::vector<uint32_t> ready_, more_;
};

int rounds_for(const Config &config, Api api, std::size_t n)
{
    if (api == Api::Native || api == Api::MyEpoll || n <= 1000)
        return config.rounds;
    const auto scaled = static_cast<int>(config.rounds * 1000 / n);
    return std::min(config.rounds, std::max(config.linear_rounds, scaled));
}

} // namespace

void run_scaling(const Config &config, const Connections &conns, Results &results)
{
    const std::size_t n = conns.size();
    std::vector<Contender> contenders;
    for (Api api : all_apis()) {
        if (api == Api::Select && n > config.select_max)
            continue;
        Contender c{api, make_waiter(api), rounds_for(config, api, n), {}, {}};
        for (std::size_t i = 0; i < n; ++i)
            c.waiter->watch(conns.server(i), static_cast<uint32_t>(i));
        contenders.push_back(std::move(c));
    }
    for (int k : config.actives) {
        if (static_cast<std::size_t>(k) > n)
            continue;
        Rounds rounds(conns, k);
        for (auto &c : contenders) {
            c.wait_ns.clear();
            c.round_ns.clear();
            c.events = 0;
            for (int i = 0; i < config.warmup; ++i)
                rounds.run(c, false);
        }
        for (int b = 0; b < config.blocks; ++b)
            for (auto &c : contenders) {
                const int share = c.rounds / config.blocks + (b < c.rounds % config.blocks);
                for (int i = 0; i < share; ++i)
                    rounds.run(c, true);
            }
        for (auto &c : contenders)
            results.scaling.push_back({n, k, c.api, summarize(c.wait_ns), summarize(c.round_ns),
                                       c.events, static_cast<uint64_t>(c.rounds) * k});
    }
}

} // namespace myepoll::bench
