// The races part's checks after the storm, single-threaded, every child
// reaped:
//
//   fdinfo-after-storm    A's and B's fdinfo list exactly the registrations
//                         the bookkeeping expects (slot fds, dups, nested
//                         instances) with their data and events
//   delivery-after-storm  fresh data on every surviving endpoint is reported
//                         by every registration on it, with its own data.u64,
//                         and nothing else (no child's, closed slot's or
//                         stale registration) is reported
//   close-after-storm     closing every endpoint without DEL leaves only the
//                         nested-instance items in A and B
#pragma once

#include "race_state.hpp"
#include "report.hpp"
#include "rng.hpp"

namespace gauntlet
{

void verify_after_storm(RaceState &state, Report &report, Rng &rng);

} // namespace gauntlet
