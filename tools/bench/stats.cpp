#include "stats.hpp"

#include <algorithm>
#include <cmath>

namespace myepoll::bench
{

namespace
{

double nearest_rank(const std::vector<double> &sorted, double fraction)
{
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * sorted.size()));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

} // namespace

Summary summarize(std::vector<double> samples)
{
    Summary s;
    s.count = samples.size();
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    const std::size_t mid = samples.size() / 2;
    s.median = samples.size() % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
    s.p99 = nearest_rank(samples, 0.99);
    return s;
}

double ratio(double a, double b) noexcept
{
    return b == 0 ? 0 : a / b;
}

} // namespace myepoll::bench
