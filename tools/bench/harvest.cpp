// Harvest: the consumer side's cost per event, edge-triggered, K of N
// eventfds made ready per turn.  Each configuration (native epoll_wait(),
// myepoll's plain WAIT, myepoll's ring) watches N eventfds of its own, so
// that a write pays only that configuration's wake callback.  A turn
// writes to K of them (spread over the set), then takes events until it
// has K: "trigger" is the writes (their callbacks included: the ring's
// publication happens there), "take" the wait or harvest calls, "round"
// both.  A fourth set, watched by nobody, times the same writes without a
// callback ("writes-only"); a configuration's round minus that is what its
// consumer side costs: the callback's work plus taking the events.  ET: the
// eventfds are not read, each write is a new edge.  The configurations take
// turns in blocks after an untimed warm-up.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <random>
#include <system_error>
#include <vector>

#include "clock.hpp"
#include "et_consumer.hpp"
#include "sections.hpp"
#include "unique_fd.hpp"

namespace myepoll::bench
{

namespace
{

struct Contender {
    std::string name;
    std::unique_ptr<EtConsumer> consumer; // null: writes only
    bool takes = true;                    // false: its items are disarmed
    std::vector<UniqueFd> fds;
    std::vector<double> trigger_ns, take_ns, round_ns;
    uint64_t events = 0;
};

std::vector<UniqueFd> eventfds(std::size_t n)
{
    std::vector<UniqueFd> fds;
    fds.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        if (!fd)
            throw std::system_error(errno, std::generic_category(), "eventfd");
        fds.push_back(std::move(fd));
    }
    return fds;
}

Contender contender(std::string name, std::optional<Consumer> kind, std::size_t n)
{
    Contender c{std::move(name),
                kind ? make_consumer(*kind) : nullptr,
                kind.has_value(),
                eventfds(n),
                {},
                {},
                {}};
    if (c.consumer)
        for (std::size_t i = 0; i < n; ++i)
            c.consumer->watch(c.fds[i].get(), static_cast<uint32_t>(i));
    return c;
}

// Native, EPOLLONESHOT items each fired and taken once: disarmed.
Contender disarmed(std::size_t n)
{
    Contender c{"native-disarmed", make_consumer(Consumer::Native), false, eventfds(n), {}, {}, {}};
    const uint64_t one = 1;
    for (std::size_t i = 0; i < n; ++i) {
        c.consumer->watch(c.fds[i].get(), static_cast<uint32_t>(i), true);
        if (::write(c.fds[i].get(), &one, sizeof(one)) != sizeof(one))
            throw std::system_error(errno, std::generic_category(), "write");
    }
    std::vector<Event> events(256);
    for (std::size_t taken = 0; taken < n;)
        taken += static_cast<std::size_t>(c.consumer->take(events.data(), 256));
    return c;
}

class Turns
{
  public:
    explicit Turns(int k) : k_(k), events_(static_cast<std::size_t>(k)) {}

    void run(Contender &c, bool timed)
    {
        const std::size_t n = c.fds.size();
        const std::size_t stride = std::max<std::size_t>(1, n / k_);
        const std::size_t base = rng_() % n;
        const uint64_t one = 1;
        const int64_t t0 = now_ns();
        for (int j = 0; j < k_; ++j)
            if (::write(c.fds[(base + j * stride) % n].get(), &one, sizeof(one)) != sizeof(one))
                throw std::system_error(errno, std::generic_category(), "write");
        const int64_t t1 = now_ns();
        int got = 0;
        if (c.takes)
            while (got < k_)
                got += c.consumer->take(events_.data(), k_ - got);
        const int64_t t2 = now_ns();
        if (timed) {
            c.trigger_ns.push_back(static_cast<double>(t1 - t0));
            c.take_ns.push_back(static_cast<double>(t2 - t1));
            c.round_ns.push_back(static_cast<double>(t2 - t0));
            c.events += static_cast<uint64_t>(got);
        }
    }

  private:
    int k_;
    std::vector<Event> events_;
    std::minstd_rand rng_{4242};
};

} // namespace

void run_harvest(const Config &config, Results &results)
{
    const std::size_t n = config.harvest_size;
    std::vector<Contender> contenders;
    contenders.push_back(contender("writes-only", std::nullopt, n));
    contenders.push_back(disarmed(n));
    for (Consumer kind : {Consumer::Native, Consumer::MyEpoll, Consumer::Ring})
        contenders.push_back(contender(consumer_name(kind), kind, n));
    for (int k : config.harvest_actives) {
        if (k <= 0 || static_cast<std::size_t>(k) > n)
            continue;
        Turns turns(k);
        for (auto &c : contenders) {
            c.trigger_ns.clear();
            c.take_ns.clear();
            c.round_ns.clear();
            c.events = 0;
            for (int i = 0; i < config.warmup; ++i)
                turns.run(c, false);
        }
        for (int b = 0; b < config.blocks; ++b)
            for (auto &c : contenders) {
                const int share =
                    config.rounds / config.blocks + (b < config.rounds % config.blocks);
                for (int i = 0; i < share; ++i)
                    turns.run(c, true);
            }
        for (auto &c : contenders) {
            const uint64_t expected = c.takes ? static_cast<uint64_t>(c.round_ns.size()) * k : 0;
            results.harvest.push_back({c.name, n, k, summarize(c.trigger_ns), summarize(c.take_ns),
                                       summarize(c.round_ns), c.events, expected});
        }
    }
}

} // namespace myepoll::bench
