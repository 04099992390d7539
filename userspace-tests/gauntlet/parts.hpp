// The gauntlet's parts, one per subcommand of build/gauntlet.  Each reads
// its options, reports cases through report and returns the exit status
// (0 when every case passed).  They throw std::invalid_argument on bad
// options.
#pragma once

#include "options.hpp"
#include "report.hpp"

namespace gauntlet
{

int run_races(const Options &options, Report &report);      // races.cpp
int run_faults(const Options &options, Report &report);     // faults.cpp
int run_fuzz(const Options &options, Report &report);       // fuzz.cpp
int run_lifetime(const Options &options, Report &report);   // lifetime.cpp
int run_leaks(const Options &options, Report &report);      // leaks.cpp
int run_delivery(const Options &options, Report &report);   // delivery.cpp
int run_two_writes(const Options &options, Report &report); // two_writes.cpp

// Throws std::invalid_argument naming options no part asked for.
void reject_unused(const Options &options);

} // namespace gauntlet
