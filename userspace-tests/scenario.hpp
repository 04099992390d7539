// Scenarios: one body, run on every backend.
//
// A scenario is a function of a Run.  It drives one backend through the
// Run, which records every result (ctl return codes, wait results with the
// reported (events, data) pairs, any other value the scenario notes) into a
// Trace, and it checks its per-backend expectations with gtest assertions.
// Each scenario becomes three tests, named Group.Name/Mode:
//   Native        the body on native epoll (expectations only)
//   MyEpoll       the body on /dev/myepoll (expectations only)
//   Differential  the body on both, in this process, and the two traces
//                 must be equal step by step
//   RingDifferential  the body on native epoll and on /dev/myepoll with a
//                 shared ready ring (BackendKind::MyEpollRing); the traces
//                 must be in the ring relation (ring_relation.hpp).  Only
//                 in the ring suite (ring_skips.hpp), which runs no other.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trace.hpp"

namespace myepoll::test
{

class Run;

enum class Mode { Native, MyEpoll, Differential, RingDifferential };

using ScenarioBody = void (*)(Run &);

// The modes to instantiate: the first three, or Native alone when
// MYEPOLL_HOST_NATIVE_ONLY=1 (host development without the module), or
// RingDifferential alone in the ring suite (MYEPOLL_TEST_RING=1).
std::vector<Mode> active_modes();
std::string mode_name(const testing::TestParamInfo<Mode> &info);

void run_scenario(Mode mode, ScenarioBody body);

class ScenarioTest : public testing::TestWithParam<Mode>
{
};

} // namespace myepoll::test

// Declares a group of scenarios (one gtest suite, instantiated per mode).
#define MYEPOLL_SCENARIO_GROUP(Group)                                                              \
    class Group : public ::myepoll::test::ScenarioTest                                             \
    {                                                                                              \
    };                                                                                             \
    INSTANTIATE_TEST_SUITE_P(, Group, ::testing::ValuesIn(::myepoll::test::active_modes()),        \
                             ::myepoll::test::mode_name)

// Defines one scenario; the body sees `run` (a myepoll::test::Run &).
#define MYEPOLL_SCENARIO(Group, Name)                                                              \
    static void Group##_##Name##_body(::myepoll::test::Run &run);                                  \
    TEST_P(Group, Name)                                                                            \
    {                                                                                              \
        ::myepoll::test::run_scenario(GetParam(), &Group##_##Name##_body);                         \
    }                                                                                              \
    static void Group##_##Name##_body(::myepoll::test::Run &run)
