// The workload of one insmod -> workload -> close -> rmmod cycle of the
// lifetime part: a device, two instances (one nested in the other), a few
// endpoints of mixed kinds with events delivered, one closed without DEL, a
// forked child adding its own socket and exiting, then everything closed
// except some watched endpoints, which are handed back in *survivors to
// outlive the module (their marks must be gone with the instances).
#pragma once

#include <string>
#include <vector>

#include "endpoint.hpp"
#include "rng.hpp"

namespace gauntlet
{

// "" if every check passed, else what went wrong.
std::string run_cycle_workload(Rng &rng, std::vector<Endpoint> *survivors);

// With max_user_watches=limit: the (limit+1)th ADD fails with ENOSPC.
std::string run_watch_limit(unsigned limit);

} // namespace gauntlet
