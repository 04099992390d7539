// Waiter: one readiness API (select, poll, native epoll, myepoll) reduced to
// what the benchmarks need: watch fds for input (level-triggered) and wait
// for some of them to be readable.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace myepoll::bench
{

enum class Api { Select, Poll, Native, MyEpoll };

std::string_view api_name(Api api) noexcept;

// The APIs in the order the benchmarks interleave them.
const std::vector<Api> &all_apis();

class Waiter
{
  public:
    virtual ~Waiter() = default;
    // Watches fd for EPOLLIN (level-triggered); index is reported back.
    virtual void watch(int fd, uint32_t index) = 0;
    // Blocks until a watched fd is readable; appends the indices of the
    // readable ones to ready and returns how many it appended.  Finding the
    // ready fds (scanning select's bitmap or poll's array) is part of it.
    virtual int wait(std::vector<uint32_t> &ready) = 0;
};

std::unique_ptr<Waiter> make_waiter(Api api);

} // namespace myepoll::bench
