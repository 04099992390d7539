// EtConsumer: one way of taking edge-triggered events, for the harvest
// section: native epoll_wait(), myepoll's plain WAIT, or myepoll's shared
// ready ring (myepoll_ring_wait(): harvested without a system call while
// the ring holds entries, WAIT only to sleep).  Each owns its instance.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "backend.hpp"

namespace myepoll::bench
{

enum class Consumer { Native, MyEpoll, Ring };

std::string consumer_name(Consumer kind);

class EtConsumer
{
  public:
    virtual ~EtConsumer() = default;
    // Watches fd for EPOLLIN | EPOLLET (| EPOLLONESHOT if oneshot),
    // reported with data `index`.
    virtual void watch(int fd, uint32_t index, bool oneshot = false) = 0;
    // Blocks until there are events; takes up to max of them.
    virtual int take(Event *events, int max) = 0;
};

std::unique_ptr<EtConsumer> make_consumer(Consumer kind);

} // namespace myepoll::bench
