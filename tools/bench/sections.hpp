// The measurements; each appends its rows to Results.
#pragma once

#include "config.hpp"
#include "connections.hpp"
#include "results.hpp"

namespace myepoll::bench
{

// close() of an unwatched eventfd with myepoll unloaded, loaded, and
// watching 1 or many anon-inode items; must run first (close_cost.cpp).
void run_close(const Config &config, Results &results);

// Wait-round cost with every server side watched and K of them made ready
// per round (scaling.cpp).
void run_scaling(const Config &config, const Connections &conns, Results &results);

// Ping-pong over one connection between two threads (latency.cpp).
void run_latency(const Config &config, Results &results);

// ADD, MOD, DEL of every server side, per second (control.cpp).
void run_control(const Config &config, const Connections &conns, Results &results);

// The fixed cost of a call with nothing to do (floor.cpp).
void run_floor(const Config &config, Results &results);

// Kernel memory per watch from the slab counters (memory.cpp).
void run_memory(const Config &config, const Connections &conns, Results &results);

// Consumer-side cost per event, ET, K of N eventfds ready per turn: native,
// myepoll's WAIT and its ring (harvest.cpp).
void run_harvest(const Config &config, Results &results);

// The demo's Reactor echo server on native, myepoll and the ring, with the
// server's epoll share of a request (reactor.cpp).
void run_reactor(const Config &config, Results &results);

} // namespace myepoll::bench
