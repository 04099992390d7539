// The shared ready ring against its own user: the header and the entries
// are ordinary memory of the process, and a buggy or hostile consumer may
// write anything there at any time.  The module keeps tail, mask and the
// ring's size in kernel memory, reads head once per publication and masks
// every index (docs/abi.md): garbage must change nothing but what this
// instance delivers to its user.  While one thread writes random values
// all over the mapping and another keeps the watched files waking, WAIT
// must return a count within the ring's size or honour its timeout, a
// second, plain instance must deliver exactly as before, and the kernel
// must say nothing (the console parser fails the run on an oops, BUG: or
// WARNING:).  The instance is finally closed under the scribbler, its
// mapping outliving the fd.
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <libmyepoll.h>

#include "local_fds.hpp"
#include "unique_fd.hpp"

using namespace myepoll;
using namespace myepoll::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace
{

constexpr unsigned kEntries = 16;
constexpr int kWatched = 12; // more than the ring holds: overflow too

// MYEPOLL_IOC_WAIT on a ring instance: the count or -errno.
long ring_wait(int epfd, int maxevents, int64_t timeout_ns)
{
    struct myepoll_wait arg {
    };
    arg.maxevents = maxevents;
    arg.timeout_ns = timeout_ns;
    const int rc = ::ioctl(epfd, MYEPOLL_IOC_WAIT, &arg);
    return rc < 0 ? -errno : rc;
}

} // namespace

TEST(RingScribble, GarbageInTheMappingHurtsNoOne)
{
    UniqueFd epfd(myepoll_create1(MYEPOLL_CLOEXEC));
    ASSERT_TRUE(epfd) << "myepoll_create1: " << errno;
    myepoll_ring_setup setup{kEntries, 0, 0};
    ASSERT_EQ(::ioctl(epfd.get(), MYEPOLL_IOC_RING_SETUP, &setup), 0) << errno;
    void *map = ::mmap(nullptr, setup.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, epfd.get(), 0);
    ASSERT_NE(map, MAP_FAILED) << errno;
    auto *words = static_cast<std::atomic<uint32_t> *>(map);
    const size_t nwords = setup.map_size / sizeof(uint32_t);

    std::vector<UniqueFd> watched;
    for (int i = 0; i < kWatched; ++i) {
        watched.push_back(make_eventfd());
        myepoll_event ev{(i % 3 == 0 ? 0U : MYEPOLL_ET) | MYEPOLL_IN |
                             (i % 4 == 1 ? MYEPOLL_OUT : 0U),
                         static_cast<uint64_t>(i)};
        ASSERT_EQ(myepoll_ctl(epfd.get(), MYEPOLL_CTL_ADD, watched.back().get(), &ev), 0);
    }
    UniqueFd plain(myepoll_create1(MYEPOLL_CLOEXEC));
    UniqueFd plain_efd = make_eventfd();
    myepoll_event plain_ev{MYEPOLL_IN | MYEPOLL_ET, 0xabc};
    ASSERT_EQ(myepoll_ctl(plain.get(), MYEPOLL_CTL_ADD, plain_efd.get(), &plain_ev), 0);

    std::atomic<bool> stop_scribbling{false};
    std::atomic<bool> stop_waking{false};
    std::thread scribbler([&] {
        std::mt19937_64 rng(12);
        while (!stop_scribbling.load(std::memory_order_relaxed)) {
            const uint64_t r = rng();
            // Mostly the header's words (head, tail, mask, flags), else anywhere.
            const size_t at = (r & 3) != 0 ? std::array<size_t, 4>{0, 16, 17, 18}[(r >> 2) & 3]
                                           : static_cast<size_t>((r >> 8) % nwords);
            const uint32_t value = (r & 0x30) == 0 ? static_cast<uint32_t>(r >> 32)
                                                   : static_cast<uint32_t>(r >> 40) % 64;
            words[at].store(value, std::memory_order_relaxed);
        }
    });
    std::thread waker([&] {
        size_t i = 0;
        while (!stop_waking.load(std::memory_order_relaxed)) {
            eventfd_add(watched[i++ % watched.size()].get(), 1);
            if (i % 7 == 0)
                (void)eventfd_take(watched[i % watched.size()].get());
            std::this_thread::yield();
        }
    });

    const auto end = Clock::now() + 2s;
    int waits = 0, slow = 0, out_of_range = 0, plain_wrong = 0;
    std::mt19937 rng(34);
    while (Clock::now() < end) {
        const int maxevents = 1 + static_cast<int>(rng() % kEntries);
        const int64_t timeout = (rng() % 4 == 0) ? 20'000'000 : 0;
        const auto start = Clock::now();
        const long rc = ring_wait(epfd.get(), maxevents, timeout);
        const auto took = Clock::now() - start;
        ++waits;
        if (!(rc >= 0 && rc <= static_cast<long>(kEntries)) && rc != -EINTR)
            ++out_of_range;
        if (took > 2s) // a 0 or 20 ms timeout, even on an emulated CPU
            ++slow;
        if (waits % 16 == 0) { // the plain instance, untouched by all this
            eventfd_add(plain_efd.get(), 1);
            myepoll_event got[4];
            const int n = myepoll_wait(plain.get(), got, 4, 1000);
            if (n != 1 || got[0].data != 0xabc || got[0].events != MYEPOLL_IN)
                ++plain_wrong;
        }
    }
    EXPECT_GT(waits, 10);
    EXPECT_EQ(out_of_range, 0) << "WAIT counts outside 0 .. " << kEntries;
    EXPECT_EQ(slow, 0) << "WAITs that overstayed their timeout";
    EXPECT_EQ(plain_wrong, 0) << "the plain instance delivered otherwise";

    // A sleeping WAIT with nothing woken: it returns (any count: a garbage
    // head reads as a full ring) or times out, in time.
    stop_waking = true;
    waker.join();
    for (UniqueFd &fd : watched)
        (void)eventfd_take(fd.get());
    const auto start = Clock::now();
    const long rc = ring_wait(epfd.get(), kEntries, 100'000'000);
    EXPECT_TRUE(rc >= 0 && rc <= static_cast<long>(kEntries)) << rc;
    EXPECT_LT(Clock::now() - start, 2s);

    epfd.reset(); // closed under the scribbler: the mapping outlives it
    std::this_thread::sleep_for(20ms);
    stop_scribbling = true;
    scribbler.join();
    EXPECT_EQ(::munmap(map, setup.map_size), 0);
    eventfd_add(plain_efd.get(), 1);
    myepoll_event got[4];
    EXPECT_EQ(myepoll_wait(plain.get(), got, 4, 1000), 1);
}
