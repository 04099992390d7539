// Latency: one connection, two threads, each waiting through its own waiter
// of the same API.  The timed thread writes a byte, waits until the echo is
// readable and reads it; the echo thread waits, reads, writes back.  The
// APIs take turns in blocks; each block starts with untimed round trips.
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

#include "clock.hpp"
#include "net.hpp"
#include "sections.hpp"

namespace myepoll::bench
{

namespace
{

void write_byte(int fd)
{
    const char b = 'x';
    if (::write(fd, &b, 1) != 1)
        throw std::system_error(errno, std::generic_category(), "write");
}

void read_byte(int fd)
{
    char b;
    if (::read(fd, &b, 1) != 1)
        throw std::system_error(errno, std::generic_category(), "read");
}

void wait_readable(Waiter &waiter, std::vector<uint32_t> &ready)
{
    ready.clear();
    while (ready.empty())
        waiter.wait(ready);
}

// `warmup` untimed then `timed` timed round trips; appends the timings.
void ping_pong(Api api, int warmup, int timed, std::vector<double> &samples)
{
    auto [client, server] = tcp_pair();
    const int total = warmup + timed;
    std::jthread echo([api, total, fd = server.get()] {
        auto waiter = make_waiter(api);
        waiter->watch(fd, 0);
        std::vector<uint32_t> ready;
        for (int i = 0; i < total; ++i) {
            wait_readable(*waiter, ready);
            read_byte(fd);
            write_byte(fd);
        }
    });
    auto waiter = make_waiter(api);
    waiter->watch(client.get(), 0);
    std::vector<uint32_t> ready;
    for (int i = 0; i < total; ++i) {
        const int64_t t0 = now_ns();
        write_byte(client.get());
        wait_readable(*waiter, ready);
        read_byte(client.get());
        if (i >= warmup)
            samples.push_back(static_cast<double>(now_ns() - t0));
    }
}

} // namespace

void run_latency(const Config &config, Results &results)
{
    const auto &apis = all_apis();
    std::vector<std::vector<double>> samples(apis.size());
    const int per_block = std::max(1, config.latency_iterations / config.blocks);
    const int warmup = std::max(1, config.warmup / 2);
    for (int b = 0; b < config.blocks; ++b)
        for (std::size_t a = 0; a < apis.size(); ++a)
            ping_pong(apis[a], warmup, per_block, samples[a]);
    for (std::size_t a = 0; a < apis.size(); ++a)
        results.latency.push_back({apis[a], summarize(samples[a])});
}

} // namespace myepoll::bench
