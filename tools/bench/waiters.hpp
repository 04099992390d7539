// The concrete waiters behind make_waiter(); internal to tools/bench.
#pragma once

#include <memory>

#include "backend.hpp"
#include "waiter.hpp"

namespace myepoll::bench
{

std::unique_ptr<Waiter> make_select_waiter();                // select_waiter.cpp
std::unique_ptr<Waiter> make_poll_waiter();                  // poll_waiter.cpp
std::unique_ptr<Waiter> make_epoll_waiter(BackendKind kind); // epoll_waiter.cpp

} // namespace myepoll::bench
