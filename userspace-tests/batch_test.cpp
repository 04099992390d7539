// Batched ctl (MYEPOLL_IOC_CTL_BATCH): every op's result is the one
// epoll_ctl() gives for that op at its place in the sequence, compared with
// the same ops applied one by one on native epoll; a failed op neither
// undoes nor stops the others.  The argument errors (EINVAL, EFAULT) are the
// batch's own and run on myepoll only.
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <linux/myepoll.h>

#include "files.hpp"
#include "local_fds.hpp"
#include "memory.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"
#include "watch_limit.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(Batch);

namespace
{

constexpr CtlOp add(int fd, uint32_t events, uint64_t data)
{
    return {EPOLL_CTL_ADD, fd, events, 1, data};
}

constexpr CtlOp mod(int fd, uint32_t events, uint64_t data)
{
    return {EPOLL_CTL_MOD, fd, events, 1, data};
}

constexpr CtlOp del(int fd)
{
    return {EPOLL_CTL_DEL, fd, 0, 1, 0};
}

// Applies the ops as one batch and notes its return and every result.
void apply(Run &run, Instance &ep, const std::string &what, std::vector<CtlOp> ops)
{
    const int rc = ep.ctl_batch(ops.data(), static_cast<unsigned>(ops.size()));
    EXPECT_EQ(run.note(what, rc), static_cast<long>(ops.size()));
    for (size_t i = 0; i < ops.size(); ++i)
        run.note(what + ": op " + std::to_string(i), ops[i].result);
}

} // namespace

MYEPOLL_SCENARIO(Batch, OpsApplyInOrderAndReportAsEpollCtl)
{
    auto [client_a, server_a] = tcp_pair();
    auto [client_b, server_b] = tcp_pair();
    Instance ep = run.instance();
    apply(run, ep, "add a, add b, mod a, del b",
          {add(server_a.get(), EPOLLIN, 1), add(server_b.get(), EPOLLIN, 2),
           mod(server_a.get(), EPOLLIN | EPOLLOUT, 3), del(server_b.get())});
    send_text(client_a.get(), "x");
    send_text(client_b.get(), "y");
    run.wait_for(ep, "a with its MOD, b deleted", {{EPOLLIN | EPOLLOUT, 3}});
}

MYEPOLL_SCENARIO(Batch, SameFdTwiceSeesTheFirstOp)
{
    UniqueFd efd = make_eventfd(1);
    Instance ep = run.instance();
    std::vector<CtlOp> ops = {add(efd.get(), EPOLLIN, 1),
                              add(efd.get(), EPOLLIN, 2),
                              mod(efd.get(), EPOLLOUT, 3),
                              del(efd.get()),
                              del(efd.get()),
                              mod(efd.get(), EPOLLIN, 4),
                              add(efd.get(), EPOLLIN, 5)};
    ep.ctl_batch(ops.data(), static_cast<unsigned>(ops.size()));
    const std::vector<int> expected = {0, -EEXIST, 0, 0, -ENOENT, -ENOENT, 0};
    for (size_t i = 0; i < ops.size(); ++i)
        EXPECT_EQ(run.note("op " + std::to_string(i), ops[i].result), expected[i]) << i;
    run.wait_for(ep, "the last ADD's data", {{EPOLLIN, 5}});
}

MYEPOLL_SCENARIO(Batch, FailedOpsDoNotStopTheOthers)
{
    UniqueFd efd = make_eventfd(1);
    TempFile file;
    Instance ep = run.instance();
    const int dead = closed_fd();
    std::vector<CtlOp> ops = {
        add(dead, EPOLLIN, 1),                                      // EBADF
        add(file.fd(), EPOLLIN, 2),                                 // EPERM
        {9, efd.get(), EPOLLIN, 1, 3},                              // unknown op: EINVAL
        add(ep.fd(), EPOLLIN, 4),                                   // itself: EINVAL
        add(efd.get(), EPOLLIN | EPOLLEXCLUSIVE, 5),                // fine
        mod(efd.get(), EPOLLIN, 6),                                 // MOD of EXCLUSIVE: EINVAL
        add(efd.get(), EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 7), // EINVAL
        del(efd.get()),
        add(efd.get(), EPOLLIN | EPOLLET, 8),
    };
    ep.ctl_batch(ops.data(), static_cast<unsigned>(ops.size()));
    const std::vector<int> expected = {-EBADF, -EPERM, -EINVAL, -EINVAL, 0, -EINVAL, -EINVAL, 0, 0};
    for (size_t i = 0; i < ops.size(); ++i)
        EXPECT_EQ(run.note("op " + std::to_string(i), ops[i].result), expected[i]) << i;
    run.wait_for(ep, "the last ADD, edge-triggered", {{EPOLLIN, 8}});
    EXPECT_EQ(run.wait(ep, "no second edge", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Batch, WatchLimitMidBatchIsEnospcForThatOpOnly)
{
    constexpr unsigned long kRoom = 3;
    WatchLimit limit(run.backend());
    limit.set(limit.watches_in_use(run.backend()) + kRoom);
    std::vector<UniqueFd> files;
    for (int i = 0; i < 5; ++i)
        files.push_back(make_eventfd(1));
    Instance ep = run.instance();
    std::vector<CtlOp> ops = {add(files[0].get(), EPOLLIN, 0),
                              add(files[1].get(), EPOLLIN, 1),
                              add(files[2].get(), EPOLLIN, 2),
                              add(files[3].get(), EPOLLIN, 3),
                              del(files[1].get()),
                              add(files[4].get(), EPOLLIN, 4),
                              add(files[3].get(), EPOLLIN, 3)};
    ep.ctl_batch(ops.data(), static_cast<unsigned>(ops.size()));
    const std::vector<int> expected = {0, 0, 0, -ENOSPC, 0, 0, -ENOSPC};
    for (size_t i = 0; i < ops.size(); ++i)
        EXPECT_EQ(run.note("op " + std::to_string(i), ops[i].result), expected[i]) << i;
    run.wait_for(ep, "the three registered", {{EPOLLIN, 0}, {EPOLLIN, 2}, {EPOLLIN, 4}});
}

MYEPOLL_SCENARIO(Batch, NestingChecksApplyPerOp)
{
    Instance outer = run.instance();
    Instance inner = run.instance();
    UniqueFd efd = make_eventfd(1);
    apply(run, outer, "outer: add inner", {add(inner.fd(), EPOLLIN, 1)});
    apply(run, inner, "inner: add efd, add outer (a loop), add efd again",
          {add(efd.get(), EPOLLIN, 2), add(outer.fd(), EPOLLIN, 3), add(efd.get(), EPOLLIN, 4)});
    run.wait_for(outer, "inner is readable", {{EPOLLIN, 1}});
}

// The batch's own argument checks: myepoll only (native has no batch).
class BatchArguments : public testing::Test
{
  protected:
    void SetUp() override
    {
        if (std::getenv("MYEPOLL_HOST_NATIVE_ONLY") != nullptr)
            GTEST_SKIP() << "myepoll only";
        ep_.emplace(backend(BackendKind::MyEpoll));
    }

    Instance &ep() { return *ep_; }

    UniqueFd efd_ = make_eventfd(1);

  private:
    std::optional<Instance> ep_;
};

TEST_F(BatchArguments, CountOutsideOneToMaxIsEinval)
{
    std::vector<CtlOp> ops(1025, add(efd_.get(), EPOLLIN, 1));
    EXPECT_EQ(ep().ctl_batch(ops.data(), 0), -EINVAL);
    EXPECT_EQ(ep().ctl_batch(ops.data(), 1025), -EINVAL);
    EXPECT_EQ(ep().del(efd_.get()), -ENOENT) << "an op was applied";
    EXPECT_EQ(ep().ctl_batch(ops.data(), 1024), 1024);
    EXPECT_EQ(ops[0].result, 0);
    EXPECT_EQ(ops[1023].result, -EEXIST);
}

TEST_F(BatchArguments, UnreadableOpsAreEfaultAndNothingIsApplied)
{
    Mapping pages(2, PROT_READ | PROT_WRITE);
    const size_t page = Mapping::page_size();
    // Two ops, the second straddling into a page that cannot be read.
    auto *ops = reinterpret_cast<CtlOp *>(pages.data() + page - sizeof(CtlOp) - 8);
    const CtlOp first = add(efd_.get(), EPOLLIN, 1);
    std::memcpy(ops, &first, sizeof(first));
    pages.protect(1, 1, PROT_NONE);
    EXPECT_EQ(ep().ctl_batch(ops, 2), -EFAULT);
    EXPECT_EQ(ep().del(efd_.get()), -ENOENT) << "the readable first op was applied";
    EXPECT_EQ(ep().ctl_batch(static_cast<CtlOp *>(kernel_address()), 1), -EFAULT);
}

TEST_F(BatchArguments, UnwritableResultsAreEfaultAfterEveryOpIsApplied)
{
    Mapping pages(1, PROT_READ | PROT_WRITE);
    auto *ops = reinterpret_cast<CtlOp *>(pages.data());
    const CtlOp first = add(efd_.get(), EPOLLIN, 1);
    std::memcpy(ops, &first, sizeof(first));
    pages.protect(0, 1, PROT_READ);
    EXPECT_EQ(ep().ctl_batch(ops, 1), -EFAULT);
    EXPECT_EQ(ep().del(efd_.get()), 0) << "the op was not applied";
}

TEST_F(BatchArguments, NonZeroFlagsAreEinval)
{
    CtlOp op = add(efd_.get(), EPOLLIN, 1);
    struct myepoll_ctl_batch arg {
    };
    arg.ops = reinterpret_cast<uintptr_t>(&op);
    arg.nr = 1;
    arg.flags = 1;
    EXPECT_EQ(::ioctl(ep().fd(), MYEPOLL_IOC_CTL_BATCH, &arg), -1);
    EXPECT_EQ(errno, EINVAL);
    EXPECT_EQ(ep().del(efd_.get()), -ENOENT) << "an op was applied";
}
