// Checks on the results, independent of timing: every API produced numbers,
// and myepoll reported exactly the events native epoll did; the close cost
// timed every close, after every one of its ADDs succeeded.  One
// `@@myepoll case <suite> pass|fail <name>` line per check; returns the
// number of failed checks.
#pragma once

#include "config.hpp"
#include "results.hpp"

namespace myepoll::bench
{

int print_checks(const Config &config, const Results &results);

} // namespace myepoll::bench
