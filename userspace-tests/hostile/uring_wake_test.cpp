// Case 8, EPOLL_URING_WAKE travels up the nesting chain.  io_uring signals
// its registered eventfd with EPOLL_URING_WAKE in the wakeup key; native
// epoll passes the flag on to the waiters of an instance watching that
// eventfd, and io_uring's poll handler, seeing it, turns a multishot poll
// of that instance into a one-shot one: the poll's own completion signals
// the eventfd, which wakes the instance, which would complete the poll
// again, for ever.
//
// The loop is only broken where the poll is woken from outside its own
// completion: io_poll_wake() looks at EPOLL_URING_WAKE only when it takes
// ownership of the request, not when the wakeup comes during the request's
// own task work (then the cascade runs until the completion ring is full,
// natively too).  So the trigger is another request's completion, a NOP:
// its completion signals the eventfd, the instance passes the wakeup on
// with EPOLL_URING_WAKE, and natively the poll completes once, for good.
//
// Raw io_uring (no liburing in the VM): a ring with the eventfd
// registered, an instance watching the eventfd, a multishot POLL_ADD on the
// instance, then one NOP.  Everything runs during the NOP's submission and
// the task work on its way back to user space; a multishot poll that never
// stops ends when the completion ring is full (its last completion
// overflows), so the count is bounded either way and nothing is timed.
#include <sys/epoll.h>

#include <memory>
#include <system_error>

#include "local_fds.hpp"
#include "ring.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

MYEPOLL_SCENARIO_GROUP(UringWake);

MYEPOLL_SCENARIO(UringWake, MultishotPollOfAnInstanceOnTheRingsEventfdStops)
{
    constexpr uint64_t kPoll = 0x9011;
    constexpr uint64_t kNop = 0x1109;
    std::unique_ptr<Ring> made;
    try {
        made = std::make_unique<Ring>(4);
    } catch (const std::system_error &e) {
        FAIL() << e.what() << " (a kernel without io_uring: HOSTILE_SKIP=iouring)";
    }
    Ring &ring = *made;
    UniqueFd eventfd = make_eventfd();
    ASSERT_EQ(run.note("register the eventfd with the ring", ring.register_eventfd(eventfd.get())),
              0);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD the ring's eventfd", ep.add(eventfd.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("multishot POLL_ADD of the instance",
                       ring.submit_poll(ep.fd(), EPOLLIN, true, kPoll)),
              0);
    EXPECT_EQ(run.note("completions before the NOP", static_cast<long>(ring.reap().size())), 0);

    ASSERT_EQ(run.note("one NOP", ring.submit_nop(kNop)), 0);
    long nops = 0;
    long polls = 0;
    long more = 0;
    bool ended = false;
    for (const Completion &c : ring.reap()) {
        nops += c.user_data == kNop ? 1 : 0;
        if (c.user_data != kPoll)
            continue;
        ++polls;
        more += c.more() ? 1 : 0;
        ended = ended || !c.more();
    }
    EXPECT_EQ(run.note("NOP completions", nops), 1);
    run.note("poll completions after the NOP's", polls);
    run.note("of which announce more", more);
    run.note("the multishot poll ended", ended);
    EXPECT_LT(polls, static_cast<long>(ring.cq_entries()))
        << "the poll re-fired until the completion ring (" << ring.cq_entries()
        << " entries) was full: the instance's wakeup dropped EPOLL_URING_WAKE";
}
