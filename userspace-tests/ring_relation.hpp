// The relation between one scenario's trace on native epoll and its trace
// on the ring backend (Mode::RingDifferential).  Equality is too strong:
// the module publishes an event into the ring from the wakeup's key, not
// from a re-poll at wait time, so the ring reports the bits the wakeup was
// about (data arrival: IN|RDNORM, without OUT even if the file is also
// writable).  ring_relation.cpp states the relation and why each part of
// it holds.
#pragma once

#include <string>

#include "trace.hpp"

namespace myepoll::test
{

// Empty when the ring trace relates to the native one, else a description
// of the first step that does not.
std::string ring_difference(const Trace &native, const Trace &ring);

} // namespace myepoll::test
