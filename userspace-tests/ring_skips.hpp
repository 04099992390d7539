// The ring suite (MYEPOLL_TEST_RING=1): the differential binary runs every
// scenario in Mode::RingDifferential only, as the suite "ring", less the
// scenarios the ring cannot express, each skipped with its reason.
#pragma once

#include <span>
#include <string_view>

namespace myepoll::test
{

struct RingSkip {
    std::string_view scenario; // Group.Name
    std::string_view reason;
};

// Whether this run is the ring suite.
bool ring_suite();

// The scenarios the ring suite leaves out.
std::span<const RingSkip> ring_skips();

// Narrows gtest's filter to the RingDifferential tests less the skipped
// ones, and prints each skip with its reason.  Before RUN_ALL_TESTS().
void filter_ring_suite();

} // namespace myepoll::test
