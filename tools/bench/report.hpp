// The report: tables (and their CSV lines) from the results, every figure of
// myepoll, select and poll also as a ratio to native epoll of the same run.
#pragma once

#include <cstdio>

#include "config.hpp"
#include "results.hpp"

namespace myepoll::bench
{

void print_report(const Config &config, const Results &results, std::FILE *out);

} // namespace myepoll::bench
