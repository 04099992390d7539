// Case 2, a file whose last reference is gone is not polled.  The transfer
// of a WAIT polls each ready item; if the item's file is being released
// meanwhile (its last fput() has started and waits for the instance), a
// ->poll that takes and drops a reference of its own (dma-buf's: get_file()
// then fput()) would start a second release of the same file.  Native
// epoll polls through epi_fget(), which fails for such a file, and skips
// the item: the WAIT returns the other event only.
//
// Built deterministically: two ready items, an eventfd then a vgem
// dma-buf; the WAIT's copy-out of the first event stalls on a userfaultfd
// page; the dma-buf's only descriptor is closed (its release blocks on the
// instance); then the page is supplied and the transfer goes on to the
// dma-buf.  Needs the vgem module (vm-run.sh --kmod vgem): the stock
// kernel only (HOSTILE_SKIP=dmabuf elsewhere).
#include <sys/epoll.h>

#include <optional>
#include <string>

#include "local_fds.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "stalled_wait.hpp"
#include "vgem.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace myepoll::hostile;

MYEPOLL_SCENARIO_GROUP(DyingFile);

MYEPOLL_SCENARIO(DyingFile, DmaBufClosedDuringAStalledTransferIsSkipped)
{
    std::string why;
    VgemBuffer buffer = make_vgem_dmabuf(&why);
    ASSERT_TRUE(buffer.dmabuf) << why;
    UniqueFd x = make_eventfd(1);
    Instance ep = run.instance();
    ASSERT_EQ(run.note("ADD the ready eventfd", ep.add(x.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("ADD the dma-buf", ep.add(buffer.dmabuf.get(), EPOLLIN, 2)), 0);
    // Both ready, in this order (level-triggered: they stay queued so).
    ASSERT_EQ(run.wait(ep, "both are ready", 2, 0, Order::AsReturned).rc, 2);

    std::optional<Closer> closer; // destroyed after the stall (see stall_test.cpp)
    StalledWait stall(ep, 2);
    ASSERT_EQ(run.note("the WAIT stalls copying out the first event", stall.wait_stalled()), 1)
        << "no userfaultfd fault on the events buffer within 5 s";
    closer.emplace(std::move(buffer.dmabuf));
    ASSERT_EQ(run.note("the dma-buf's last close is blocked in its release (or done)",
                       closer->blocked_or_done()),
              1);

    const WaitResult waited = stall.result();
    run.record("the WAIT once the page is supplied", waited);
    EXPECT_EQ(waited.rc, 1) << "the dma-buf's release had started: native skips it";
    closer.reset();
    run.note("the dma-buf's close returned", 1);
    run.wait(ep, "only the eventfd is left", 8, 0);
}
