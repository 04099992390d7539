// The @@myepoll case lines of a traced run (docs/testing.md): one per run
// (it finished), one per --expect, and with --expect the cross-checks: on
// myepoll the module's wake tracepoint against fentry on its wake callback;
// on both the syscall tracepoints against the wait and ctl probes.
#pragma once

#include <vector>

#include "counters.hpp"
#include "options.hpp"

namespace myepoll::trace
{

// Prints the case lines; true when every case passed.
bool report_checks(const std::vector<Measurement> &runs, const Options &options);

} // namespace myepoll::trace
