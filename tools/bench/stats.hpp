// Order statistics of a set of timings (or rates).
#pragma once

#include <cstddef>
#include <vector>

namespace myepoll::bench
{

struct Summary {
    std::size_t count = 0;
    double median = 0;
    double p99 = 0;
};

// Median and 99th percentile (nearest rank); zeros for an empty set.
Summary summarize(std::vector<double> samples);

// a / b, or 0 when b is 0.
double ratio(double a, double b) noexcept;

} // namespace myepoll::bench
