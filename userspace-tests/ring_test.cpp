// The shared ready ring, directly (docs/abi.md, "The ready ring"): what the
// module publishes for edge-triggered, level-triggered and one-shot items,
// a full ring, the set-up's and mmap()'s errors, a forked consumer, nesting
// and a watched file's close.  The scenarios' ring suite (ring_relation.hpp)
// compares the ring with native epoll; these check the ring's own contract.
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <libmyepoll.h>

#include "child_process.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;

namespace
{

struct RingDeleter {
    void operator()(myepoll_ring *ring) const noexcept { myepoll_ring_destroy(ring); }
};
using RingPtr = std::unique_ptr<myepoll_ring, RingDeleter>;

// A plain instance on /dev/myepoll (no ring yet): its fd.
UniqueFd plain_instance()
{
    return UniqueFd(myepoll_create1(MYEPOLL_CLOEXEC));
}

// An instance with a ring of `entries`, mapped.  The ring goes before the
// fd (members are destroyed in reverse).
struct RingInstance {
    UniqueFd fd;
    RingPtr ring;

    explicit RingInstance(unsigned entries = 8)
        : fd(plain_instance()), ring(myepoll_ring_create(fd.get(), entries))
    {
    }

    [[nodiscard]] bool ok() const noexcept { return fd && ring; }
    int add(int target, uint32_t events, uint64_t data) const
    {
        Event ev{events, data};
        return myepoll_ctl(fd.get(), MYEPOLL_CTL_ADD, target, &ev) == 0 ? 0 : -errno;
    }
    int mod(int target, uint32_t events, uint64_t data) const
    {
        Event ev{events, data};
        return myepoll_ctl(fd.get(), MYEPOLL_CTL_MOD, target, &ev) == 0 ? 0 : -errno;
    }
    // Without a system call: what the ring holds.
    [[nodiscard]] Events harvest() const
    {
        std::vector<Event> buffer(64);
        const int n = myepoll_ring_harvest(ring.get(), buffer.data(), 64);
        return to_events(buffer, n);
    }
    [[nodiscard]] Events wait(int64_t timeout_ns, int maxevents = 64) const
    {
        std::vector<Event> buffer(static_cast<size_t>(maxevents));
        const int n =
            myepoll_ring_wait(ring.get(), buffer.data(), maxevents, timeout_ns, nullptr, 8);
        return to_events(buffer, n);
    }

    static Events to_events(const std::vector<Event> &buffer, int n)
    {
        Events events;
        for (int i = 0; i < n; ++i)
            events.push_back({buffer[i].events, buffer[i].data});
        sort_by_data(events);
        return events;
    }
};

// RING_SETUP with these arguments: 0 or -errno.
int setup(int fd, unsigned entries, unsigned flags = 0)
{
    myepoll_ring_setup arg{entries, flags, 0};
    return ::ioctl(fd, MYEPOLL_IOC_RING_SETUP, &arg) == 0 ? 0 : -errno;
}

// mmap() of an instance: 0 (unmapped again) or -errno.
int try_map(int fd, size_t length, off_t offset)
{
    void *map = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
    if (map == MAP_FAILED)
        return -errno;
    ::munmap(map, length);
    return 0;
}

bool module_has_ring()
{
    return myepoll_abi_version() >= 3;
}

// Every case needs a module with the ring; most use one instance with a
// ring of 8 entries, `ep`.
class Ring : public ::testing::Test
{
  protected:
    void SetUp() override
    {
        ASSERT_TRUE(module_has_ring()) << "no myepoll module with the ring (ABI 3) loaded";
        ASSERT_TRUE(ep.ok());
    }

    RingInstance ep;
};

} // namespace

TEST_F(Ring, EdgeTriggeredEventfdIsPublishedOncePerWrite)
{
    UniqueFd efd = make_eventfd();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN | EPOLLET, 1), 0);
    EXPECT_EQ(ep.harvest(), Events{}) << "an idle eventfd";
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(ep.harvest(), (Events{{EPOLLIN, 1}})) << "published by the wakeup itself";
    EXPECT_EQ(ep.harvest(), Events{}) << "taken";
    EXPECT_EQ(ep.wait(ms(20)), Events{}) << "ET: no re-publication while still readable";
    eventfd_add(efd.get(), 1);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(ep.harvest(), (Events{{EPOLLIN, 1}})) << "two writes before a take: one entry";
    EXPECT_EQ(eventfd_take(efd.get()), 3u);
}

TEST_F(Ring, LevelTriggeredItemIsRepublishedWhileReady)
{
    UniqueFd efd = make_eventfd();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN, 2), 0);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(ep.harvest(), (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(ep.wait(0), (Events{{EPOLLIN, 2}})) << "WAIT re-polls and publishes again";
    EXPECT_EQ(ep.wait(ms(1000)), (Events{{EPOLLIN, 2}})) << "and returns at once";
    EXPECT_EQ(eventfd_take(efd.get()), 1u);
    EXPECT_EQ(ep.wait(0), Events{}) << "drained";
    EXPECT_EQ(ep.wait(ms(20)), Events{});
}

TEST_F(Ring, OneshotIsDisarmedAtPublication)
{
    UniqueFd efd = make_eventfd();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN | EPOLLONESHOT, 3), 0);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(ep.harvest(), (Events{{EPOLLIN, 3}}));
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(ep.harvest(), Events{}) << "disarmed";
    EXPECT_EQ(ep.wait(ms(20)), Events{}) << "disarmed, still readable";
    ASSERT_EQ(ep.mod(efd.get(), EPOLLIN | EPOLLONESHOT, 4), 0);
    EXPECT_EQ(ep.wait(ms(1000)), (Events{{EPOLLIN, 4}})) << "MOD re-arms (and re-polls)";
    EXPECT_EQ(ep.wait(ms(20)), Events{}) << "disarmed again";
}

TEST_F(Ring, TcpSocketsEdgeAndLevelTriggered)
{
    auto [client1, server1] = tcp_pair();
    auto [client2, server2] = tcp_pair();
    ASSERT_EQ(ep.add(server1.get(), EPOLLIN | EPOLLET, 10), 0);
    ASSERT_EQ(ep.add(server2.get(), EPOLLIN, 20), 0);
    EXPECT_EQ(ep.wait(0), Events{});
    send_text(client1.get(), "a");
    send_text(client2.get(), "b");
    ASSERT_TRUE(wait_readable(server1.get(), kEventDeadline));
    ASSERT_TRUE(wait_readable(server2.get(), kEventDeadline));
    EXPECT_EQ(ep.wait(ms(1000)), (Events{{EPOLLIN, 10}, {EPOLLIN, 20}}));
    EXPECT_EQ(ep.wait(ms(20)), (Events{{EPOLLIN, 20}})) << "only the LT item again";
    EXPECT_EQ(drain(server2.get()), 1u);
    EXPECT_EQ(ep.wait(ms(20)), Events{});
    send_text(client1.get(), "c");
    EXPECT_EQ(ep.wait(ms(1000)), (Events{{EPOLLIN, 10}})) << "a new arrival";
    ASSERT_EQ(::shutdown(client1.get(), SHUT_WR), 0);
    const Events hup = ep.wait(ms(1000));
    ASSERT_EQ(hup.size(), 1u);
    EXPECT_EQ(hup[0].data, 10u);
    EXPECT_NE(hup[0].events & EPOLLIN, 0u);
}

TEST_F(Ring, FullRingLosesNothing)
{
    RingInstance small(2);
    ASSERT_TRUE(small.ok());
    std::vector<UniqueFd> efds;
    for (uint64_t i = 0; i < 10; ++i) {
        efds.push_back(make_eventfd());
        ASSERT_EQ(small.add(efds.back().get(), EPOLLIN | EPOLLET, 100 + i), 0);
    }
    for (const UniqueFd &efd : efds)
        eventfd_add(efd.get(), 1);
    EXPECT_NE(myepoll_ring_flags(small.ring.get()) & MYEPOLL_RING_OVERFLOW, 0) << "8 left over";
    std::multiset<uint64_t> seen;
    const Events first = small.harvest();
    EXPECT_EQ(first.size(), 2u) << "the ring's two entries";
    for (const Reported &r : first)
        seen.insert(r.data);
    for (int round = 0; round < 20; ++round) {
        const Events got = small.wait(0);
        if (got.empty())
            break;
        EXPECT_LE(got.size(), 2u);
        for (const Reported &r : got) {
            EXPECT_EQ(r.events, EPOLLIN);
            seen.insert(r.data);
        }
    }
    std::set<uint64_t> distinct(seen.begin(), seen.end());
    EXPECT_EQ(distinct.size(), 10u) << "every item delivered after WAIT";
    EXPECT_EQ(seen.size(), 10u) << "and each once: one entry per item";
    EXPECT_EQ(myepoll_ring_flags(small.ring.get()) & MYEPOLL_RING_OVERFLOW, 0);
}

TEST_F(Ring, SetupAfterAnItemOrTwiceIsEbusy)
{
    UniqueFd fd = plain_instance();
    UniqueFd efd = make_eventfd();
    Event ev{EPOLLIN, 1};
    ASSERT_EQ(myepoll_ctl(fd.get(), MYEPOLL_CTL_ADD, efd.get(), &ev), 0);
    EXPECT_EQ(setup(fd.get(), 8), -EBUSY) << "an item already";
    ASSERT_EQ(myepoll_ctl(fd.get(), MYEPOLL_CTL_DEL, efd.get(), nullptr), 0);
    UniqueFd other = plain_instance();
    EXPECT_EQ(setup(other.get(), 8), 0);
    EXPECT_EQ(setup(other.get(), 8), -EBUSY) << "a ring already";
}

TEST_F(Ring, SetupArgumentsAreChecked)
{
    for (unsigned entries : {0u, 1u, 3u, 6u, 100u, unsigned{MYEPOLL_RING_MAX_ENTRIES} * 2, ~0u}) {
        UniqueFd fd = plain_instance();
        EXPECT_EQ(setup(fd.get(), entries), -EINVAL) << "entries " << entries;
    }
    UniqueFd flagged = plain_instance();
    EXPECT_EQ(setup(flagged.get(), 8, 1), -EINVAL) << "flags";
    EXPECT_EQ(setup(flagged.get(), 8), 0) << "a failed set-up leaves none behind";
    UniqueFd largest = plain_instance();
    EXPECT_EQ(setup(largest.get(), MYEPOLL_RING_MAX_ENTRIES), 0);
    UniqueFd smallest = plain_instance();
    EXPECT_EQ(setup(smallest.get(), 2), 0);
}

TEST_F(Ring, MmapNeedsTheSetupAndItsSize)
{
    UniqueFd fd = plain_instance();
    EXPECT_EQ(try_map(fd.get(), 4096, 0), -ENODEV) << "before the set-up";
    myepoll_ring_setup arg{8, 0, 0};
    ASSERT_EQ(::ioctl(fd.get(), MYEPOLL_IOC_RING_SETUP, &arg), 0);
    ASSERT_GE(arg.map_size, MYEPOLL_RING_ENTRIES_OFFSET + 8 * sizeof(myepoll_ring_entry));
    EXPECT_EQ(try_map(fd.get(), arg.map_size, 0), 0);
    EXPECT_EQ(try_map(fd.get(), arg.map_size, 4096), -EINVAL) << "an offset";
    EXPECT_EQ(try_map(fd.get(), arg.map_size + 4096, 0), -EINVAL) << "larger than the ring";
}

TEST_F(Ring, WaitTakesNoBuffer)
{
    Event events[4];
    EXPECT_EQ(myepoll_wait(ep.fd.get(), events, 4, 0), -1);
    EXPECT_EQ(errno, EINVAL);
}

TEST_F(Ring, ForkedChildConsumesTheSharedRing)
{
    UniqueFd efd = make_eventfd();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN | EPOLLET, 7), 0);
    ChildProcess child([this](ChildReport &report) {
        report.put(1); // started
        const Events got = ep.wait(ms(5000));
        report.put(static_cast<long>(got.size()));
        report.put(got.empty() ? -1 : static_cast<long>(got[0].data));
        return 0;
    });
    ASSERT_EQ(child.next_report(std::chrono::milliseconds(5000)), 1);
    eventfd_add(efd.get(), 1);
    EXPECT_EQ(child.wait(), 0);
    EXPECT_EQ(child.reports(), (std::vector<long>{1, 7})) << "one event, the eventfd's";
    EXPECT_EQ(ep.harvest(), Events{}) << "the child took it from the shared ring";
}

TEST_F(Ring, NativeEpollSeesARingInstanceWithEntries)
{
    UniqueFd efd = make_eventfd();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN | EPOLLET, 5), 0);
    UniqueFd outer(::epoll_create1(EPOLL_CLOEXEC));
    epoll_event watch{};
    watch.events = EPOLLIN;
    watch.data.u64 = 99;
    ASSERT_EQ(::epoll_ctl(outer.get(), EPOLL_CTL_ADD, ep.fd.get(), &watch), 0);
    epoll_event got[4];
    EXPECT_EQ(::epoll_wait(outer.get(), got, 4, 0), 0) << "an empty ring";
    eventfd_add(efd.get(), 1);
    ASSERT_EQ(::epoll_wait(outer.get(), got, 4, 1000), 1) << "an entry";
    EXPECT_EQ(got[0].events, static_cast<uint32_t>(EPOLLIN));
    EXPECT_EQ(got[0].data.u64, 99u);
    EXPECT_EQ(ep.harvest(), (Events{{EPOLLIN, 5}}));
    EXPECT_EQ(::epoll_wait(outer.get(), got, 4, 0), 0) << "taken: empty again";
}

TEST_F(Ring, ClosedWatchedFileStopsPublishing)
{
    UniqueFd efd = make_eventfd();
    Pipe pipe = make_pipe();
    ASSERT_EQ(ep.add(efd.get(), EPOLLIN, 1), 0);
    ASSERT_EQ(ep.add(pipe.read.get(), EPOLLIN | EPOLLET, 2), 0);
    eventfd_add(efd.get(), 1);
    efd.reset(); // ready, published, then closed
    pipe.read.reset();
    const Events stale = ep.wait(0);
    EXPECT_LE(stale.size(), 1u) << "at most the entry published before the close";
    for (const Reported &r : stale)
        EXPECT_EQ(r, (Reported{EPOLLIN, 1}));
    EXPECT_EQ(ep.wait(ms(20)), Events{}) << "the closed item is gone from the ready list";
    ASSERT_EQ(::write(pipe.write.get(), "x", 1), -1) << "no reader any more";
    EXPECT_EQ(ep.wait(ms(20)), Events{});
}

// Natively every wait reports a level-triggered item while it is ready.  On
// the ring it is re-published by WAIT, which myepoll_ring_wait() calls only
// when it finds the ring empty: a steady stream of other publications must
// not hide it for good.
TEST_F(Ring, LevelTriggeredItemIsNotStarvedByPublications)
{
    UniqueFd level = make_eventfd();
    UniqueFd edge = make_eventfd();
    ASSERT_EQ(ep.add(level.get(), EPOLLIN, 1), 0);
    ASSERT_EQ(ep.add(edge.get(), EPOLLIN | EPOLLET, 2), 0);
    eventfd_add(level.get(), 1); // ready from now on
    int level_seen = 0;
    for (int i = 0; i < 8; ++i) {
        eventfd_add(edge.get(), 1); // a new edge before every wait
        for (const Reported &r : ep.wait(ms(1000)))
            level_seen += r.data == 1 ? 1 : 0;
    }
    EXPECT_GE(level_seen, 4) << "the level-triggered item was reported in " << level_seen
                             << " of 8 waits (natively in every one)";
}
