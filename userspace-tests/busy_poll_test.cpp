// The busy-poll ioctls of native epoll (6.9 on): EPIOCSPARAMS and
// EPIOCGPARAMS on an epoll fd set and get the instance's busy-poll
// parameters.  A myepoll instance has no busy poll and answers both with
// ENOTTY on every kernel (docs/abi.md), as native 6.1 does; native answers
// them from 6.9.  Not a scenario: the backends differ here by design.
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdint>

#include <gtest/gtest.h>

#include "backend.hpp"
#include "kernel_version.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

namespace
{

// <linux/eventpoll.h> of 6.9 on (Debian 12's user-space headers are 6.1's).
struct EpollParams {
    uint32_t busy_poll_usecs;
    uint16_t busy_poll_budget;
    uint8_t prefer_busy_poll;
    uint8_t pad; // must be zero
};
static_assert(sizeof(EpollParams) == 8);
constexpr unsigned long kEpiocSparams = _IOW(0x8A, 0x01, EpollParams);
constexpr unsigned long kEpiocGparams = _IOR(0x8A, 0x02, EpollParams);

// ioctl(fd, request, params): 0 or -errno.
int params_ioctl(int fd, unsigned long request, EpollParams *params)
{
    return ::ioctl(fd, request, params) == 0 ? 0 : -errno;
}

} // namespace

TEST(BusyPoll, MyEpollAnswersEnotty)
{
    if (active_modes().size() == 1)
        GTEST_SKIP() << "MYEPOLL_HOST_NATIVE_ONLY=1: no myepoll";
    Instance ep(backend(BackendKind::MyEpoll));
    EpollParams params{};
    EXPECT_EQ(params_ioctl(ep.fd(), kEpiocGparams, &params), -ENOTTY);
    params = {.busy_poll_usecs = 10, .busy_poll_budget = 8, .prefer_busy_poll = 1, .pad = 0};
    EXPECT_EQ(params_ioctl(ep.fd(), kEpiocSparams, &params), -ENOTTY);
}

// Native, for reference: the kernel the suite runs on decides.
TEST(BusyPoll, NativeAnswersFrom69)
{
    Instance ep(backend(BackendKind::Native));
    EpollParams params{};
    EXPECT_EQ(params_ioctl(ep.fd(), kEpiocGparams, &params), kernel_at_least(6, 9) ? 0 : -ENOTTY);
}
