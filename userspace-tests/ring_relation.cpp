// The ring relation (ring_relation.hpp).  Step by step, the two traces must
// have the same steps (labels, and which ones are waits), and
//
//   1. A step that is not a wait (a ctl result, a count, a noted value) has
//      the same result: the ring changes how events are delivered, nothing
//      else.
//   2. A wait that fails natively fails with the same errno: the ring
//      backend checks maxevents itself, as epoll_pwait2() does first, and
//      every other check is WAIT's.
//   3. A wait that succeeds reports the same items (the same data, each as
//      often) in the same wait: a wakeup publishes the item as it queues it
//      natively, a full ring leaves it on the ready list for WAIT, and an
//      item has one unconsumed entry at most, so neither side can report
//      an item the other holds back or report one item twice.  Order is
//      not compared: the ring is in publication order, the ready list is
//      not.
//   4. Each item's bits on the ring are a non-empty subset of native's: an
//      entry carries the wakeup key's bits and'ed with the registered ones
//      (every key in a wakeup since it was last taken, or'ed), a subset of
//      what a re-poll of the same state reports.  Items a key cannot
//      describe (no key, or PRI/RDBAND/WRBAND in it: TCP's data and write
//      space wakeups) go to the ready list and WAIT re-polls them: the bits
//      are native's.
//
// What the relation does not cover is skipped (ring_skips.cpp), with the
// reason.
#include <algorithm>
#include <sstream>

#include "ring_relation.hpp"

namespace myepoll::test
{

namespace
{

std::string step_text(const Step &step)
{
    std::ostringstream os;
    PrintTo(step, &os);
    return os.str();
}

// Why a successful wait's events on the ring do not relate to native's, or
// empty (rules 3 and 4).
std::string events_difference(Events native, Events ring)
{
    sort_by_data(native);
    sort_by_data(ring);
    if (native.size() != ring.size())
        return "another number of items";
    for (size_t i = 0; i < native.size(); ++i) {
        if (native[i].data != ring[i].data)
            return "other items";
        if (ring[i].events == 0 || (ring[i].events & ~native[i].events) != 0) {
            std::ostringstream os;
            os << "item 0x" << std::hex << ring[i].data << ": bits " << event_bits(ring[i].events)
               << " are not a non-empty subset of native's " << event_bits(native[i].events);
            return os.str();
        }
    }
    return {};
}

std::string step_difference(const Step &native, const Step &ring)
{
    if (native.what != ring.what || native.wait != ring.wait)
        return "another step";
    if (!native.wait || native.result < 0)
        return native.result == ring.result && native.events == ring.events
                   ? std::string()
                   : std::string("another result");
    if (ring.result < 0)
        return "the ring's wait failed";
    return events_difference(native.events, ring.events);
}

} // namespace

std::string ring_difference(const Trace &native, const Trace &ring)
{
    const size_t common = std::min(native.size(), ring.size());
    for (size_t i = 0; i < common; ++i) {
        const std::string why = step_difference(native[i], ring[i]);
        if (!why.empty())
            return "step " + std::to_string(i) + ": " + why +
                   "\n  native: " + step_text(native[i]) + "\n  ring:   " + step_text(ring[i]);
    }
    if (native.size() != ring.size())
        return "native has " + std::to_string(native.size()) + " steps, the ring " +
               std::to_string(ring.size());
    return {};
}

} // namespace myepoll::test
