// What the parts that run one workload on native epoll and on myepoll side
// by side share (delivery, two-writes): their --backends list, lists of
// numbers, and busy threads for load.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "backend.hpp"

namespace gauntlet
{

// "native,myepoll" -> the process-wide backends, in that order; throws
// std::invalid_argument on an unknown name.
std::vector<myepoll::Backend *> backends_from(const std::string &list);

// "40,200" -> {40, 200}; throws std::invalid_argument on a bad number.
std::vector<unsigned> numbers_from(const std::string &list);

// n threads spinning at the caller's priority until destroyed.
class BusyThreads
{
  public:
    explicit BusyThreads(unsigned n);
    ~BusyThreads();
    BusyThreads(const BusyThreads &) = delete;
    BusyThreads &operator=(const BusyThreads &) = delete;

  private:
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

} // namespace gauntlet
