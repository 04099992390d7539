// Trace: what one scenario observed on one backend, step by step, in a form
// that can be compared between backends and printed readably.
#pragma once

#include <compare>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace myepoll::test
{

// One reported event: the returned bits and data.u64.
struct Reported {
    uint32_t events;
    uint64_t data;
    auto operator<=>(const Reported &) const = default;
};
using Events = std::vector<Reported>;

// Sorts by data, then events: the order of a reported set.
void sort_by_data(Events &events);

// One observation: a label, a result (a return value, -errno, or any value
// the scenario notes) and, for waits, the events reported.
struct Step {
    std::string what;
    long result;
    Events events;
    bool wait = false; // a wait's result (the ring relation compares waits apart)
    bool operator==(const Step &) const = default;
};
using Trace = std::vector<Step>;

std::string event_bits(uint32_t events); // "IN|RDHUP"
std::string result_text(long result);    // "-EEXIST (-17)" for -errno, else the number

void PrintTo(const Reported &reported, std::ostream *os);
void PrintTo(const Step &step, std::ostream *os);

// Empty when equal, else a description of the first difference.
std::string trace_difference(const Trace &expected, const Trace &actual);

} // namespace myepoll::test
