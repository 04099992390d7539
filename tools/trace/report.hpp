// The side-by-side report of the measurements: a table or JSON on stdout.
#pragma once

#include <vector>

#include "counters.hpp"

namespace myepoll::trace
{

void print_table(const std::vector<Measurement> &runs);
void print_json(const std::vector<Measurement> &runs);

} // namespace myepoll::trace
