// Nesting: an instance fd is pollable.  poll(), select(), a native epoll
// instance and another instance of the same backend see it readable
// exactly when one of its items really has an event (re-polled, so an item
// queued by a wakeup whose data was read since does not count), and are
// woken when that happens.  With the native backend this is native epoll
// nested in native epoll; with myepoll, a myepoll instance in each watcher.
// Loops and chains deeper than native's limit are ELOOP.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "later.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

MYEPOLL_SCENARIO_GROUP(Nesting);

namespace
{

// Something that watches an instance fd for readability.  observe() gives
// 1 when it reports the instance readable within the timeout, 0 when not,
// -errno on an error.
class Watcher
{
  public:
    virtual ~Watcher() = default;
    virtual long observe(int timeout_ms) = 0;
};

class PollWatcher final : public Watcher
{
  public:
    explicit PollWatcher(int fd) : fd_(fd) {}
    long observe(int timeout_ms) override
    {
        pollfd p{fd_, POLLIN, 0};
        const int rc = ::poll(&p, 1, timeout_ms);
        if (rc < 0)
            return -errno;
        return rc == 0 ? 0 : p.revents; // POLLIN (1) when readable
    }

  private:
    int fd_;
};

class SelectWatcher final : public Watcher
{
  public:
    explicit SelectWatcher(int fd) : fd_(fd) {}
    long observe(int timeout_ms) override
    {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd_, &readable);
        timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        const int rc = ::select(fd_ + 1, &readable, nullptr, nullptr, &tv);
        if (rc < 0)
            return -errno;
        return FD_ISSET(fd_, &readable) ? 1 : 0;
    }

  private:
    int fd_;
};

// An instance of `backend` watching the fd with EPOLLIN (data 0xE).
class EpollWatcher final : public Watcher
{
  public:
    EpollWatcher(Backend &backend, int fd) : outer_(backend)
    {
        added_ = outer_.add(fd, EPOLLIN, 0xE);
    }
    long observe(int timeout_ms) override
    {
        if (added_ != 0)
            return added_;
        Event events[4];
        const int rc = outer_.wait(events, 4, ms(timeout_ms));
        if (rc <= 0)
            return rc;
        return rc == 1 && events[0].data == 0xE ? events[0].events : -EPROTO; // EPOLLIN (1)
    }

  private:
    Instance outer_;
    int added_;
};

template <typename MakeWatcher> void readiness_seen_by(Run &run, MakeWatcher make_watcher)
{
    auto [client, server] = tcp_pair();
    Instance inner = run.instance();
    ASSERT_EQ(run.note("inner: add IN", inner.add(server.get(), EPOLLIN, 1)), 0);
    std::unique_ptr<Watcher> watcher = make_watcher(inner.fd());
    EXPECT_EQ(run.note("idle", watcher->observe(0)), 0);

    send_text(client.get(), "a");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(run.note("item ready", watcher->observe(1000)), 1);
    EXPECT_EQ(run.wait(inner, "inner reports it", 8, 0).events, (Events{{EPOLLIN, 1}}));
    EXPECT_EQ(run.note("still ready (level-triggered)", watcher->observe(0)), 1);
    EXPECT_EQ(drain(server.get()), 1u);
    EXPECT_EQ(run.note("read: idle again", watcher->observe(0)), 0);

    // Queued by the wakeup, read before anyone looked: not readiness.
    send_text(client.get(), "b");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    EXPECT_EQ(drain(server.get()), 1u);
    EXPECT_EQ(run.note("queued but idle", watcher->observe(0)), 0);

    // Blocked in the watcher, woken through the instance.
    const auto start = Clock::now();
    {
        Later writer(30ms, [fd = client.get()] { send_text(fd, "c"); });
        EXPECT_EQ(run.note("blocked watcher woken", watcher->observe(2000)), 1);
    }
    EXPECT_LT(Clock::now() - start, 1500ms) << "woken late";
    EXPECT_EQ(run.wait(inner, "inner reports it", 8, 0).events, (Events{{EPOLLIN, 1}}));
}

// A chain of `count` instances where instance i watches instance i + 1,
// built from the top (`downwards`: each new instance is added below the
// deepest one) or from the bottom (each new one watches the top).  Records
// every ADD until the first failure.
void build_chain(Run &run, int count, bool downwards)
{
    std::vector<Instance> chain;
    for (int i = 0; i < count; ++i)
        chain.push_back(run.instance());
    for (int i = 1; i < count; ++i) {
        const int rc = downwards ? chain[i - 1].add(chain[i].fd(), EPOLLIN, i)
                                 : chain[count - i - 1].add(chain[count - i].fd(), EPOLLIN, i);
        run.note(std::to_string(i + 1) + " instances", rc);
        EXPECT_EQ(rc, i + 1 <= 5 ? 0 : -ELOOP) << "chain of " << i + 1 << " instances";
        if (rc != 0)
            break;
    }
}

} // namespace

MYEPOLL_SCENARIO(Nesting, ReadinessSeenByPoll)
{
    readiness_seen_by(run, [](int fd) { return std::make_unique<PollWatcher>(fd); });
}

MYEPOLL_SCENARIO(Nesting, ReadinessSeenBySelect)
{
    readiness_seen_by(run, [](int fd) { return std::make_unique<SelectWatcher>(fd); });
}

MYEPOLL_SCENARIO(Nesting, ReadinessSeenByNativeEpoll)
{
    readiness_seen_by(run, [](int fd) {
        return std::make_unique<EpollWatcher>(backend(BackendKind::Native), fd);
    });
}

MYEPOLL_SCENARIO(Nesting, ReadinessSeenByAnotherInstance)
{
    readiness_seen_by(run,
                      [&run](int fd) { return std::make_unique<EpollWatcher>(run.backend(), fd); });
}

MYEPOLL_SCENARIO(Nesting, EdgeTriggeredOuterSeesEachArrival)
{
    auto [client, server] = tcp_pair();
    Instance inner = run.instance();
    Instance outer = run.instance();
    ASSERT_EQ(run.note("inner: add IN", inner.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("outer: add inner IN|ET", outer.add(inner.fd(), EPOLLIN | EPOLLET, 2)), 0);
    EXPECT_EQ(run.wait(outer, "idle", 8, 0).rc, 0);
    send_text(client.get(), "a");
    EXPECT_EQ(run.wait(outer, "first arrival", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(outer, "inner still ready, no new wakeup", 8, 0).rc, 0);
    send_text(client.get(), "b");
    EXPECT_EQ(run.wait(outer, "second arrival wakes the outer again", 8, ms(1000)).events,
              (Events{{EPOLLIN, 2}}));
    EXPECT_EQ(run.wait(inner, "inner: one item", 8, 0).events, (Events{{EPOLLIN, 1}}));
}

MYEPOLL_SCENARIO(Nesting, OuterMaskFiltersInstanceReadiness)
{
    auto [client, server] = tcp_pair();
    Instance inner = run.instance();
    Instance outer = run.instance();
    ASSERT_EQ(run.note("inner: add OUT", inner.add(server.get(), EPOLLOUT, 1)), 0);
    ASSERT_EQ(run.note("outer: add inner OUT", outer.add(inner.fd(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.wait(outer, "instance readiness is IN only", 8, 0).rc, 0);
    ASSERT_EQ(run.note("outer: mod IN|RDNORM|OUT",
                       outer.mod(inner.fd(), EPOLLIN | EPOLLRDNORM | EPOLLOUT, 3)),
              0);
    EXPECT_EQ(run.wait(outer, "IN|RDNORM", 8, 0).events, (Events{{EPOLLIN | EPOLLRDNORM, 3}}));
    ASSERT_EQ(run.note("inner: mod IN", inner.mod(server.get(), EPOLLIN, 4)), 0);
    EXPECT_EQ(run.wait(outer, "inner item idle", 8, 0).rc, 0);
}

MYEPOLL_SCENARIO(Nesting, ClosedInnerInstanceDisappearsFromTheOuter)
{
    auto [client, server] = tcp_pair();
    Instance outer = run.instance();
    int number = -1;
    {
        Instance inner = run.instance();
        number = inner.fd();
        ASSERT_EQ(run.note("inner: add OUT", inner.add(server.get(), EPOLLOUT, 1)), 0);
        ASSERT_EQ(run.note("outer: add inner", outer.add(inner.fd(), EPOLLIN, 2)), 0);
        EXPECT_EQ(run.wait(outer, "inner ready", 8, ms(1000)).events, (Events{{EPOLLIN, 2}}));
    } // closed, no DEL
    EXPECT_EQ(run.wait(outer, "inner closed", 8, 0).rc, 0);
    Instance again = run.instance();
    ASSERT_EQ(again.fd(), number);
    ASSERT_EQ(run.note("inner': add OUT", again.add(server.get(), EPOLLOUT, 3)), 0);
    EXPECT_EQ(run.wait(outer, "a new instance on the same number is not registered", 8, 0).rc, 0);
    EXPECT_EQ(run.note("outer: add it", outer.add(again.fd(), EPOLLIN, 4)), 0);
    EXPECT_EQ(run.wait(outer, "registered", 8, 0).events, (Events{{EPOLLIN, 4}}));
}

MYEPOLL_SCENARIO(Nesting, TwoInstanceLoopIsEloop)
{
    Instance a = run.instance();
    Instance b = run.instance();
    EXPECT_EQ(run.note("a watches b", a.add(b.fd(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("b watches a", b.add(a.fd(), EPOLLIN, 2)), -ELOOP);
    EXPECT_EQ(run.note("a watches b again", a.add(b.fd(), EPOLLIN, 1)), -EEXIST);
    EXPECT_EQ(run.note("a stops watching b", a.del(b.fd())), 0);
    EXPECT_EQ(run.note("b watches a", b.add(a.fd(), EPOLLIN, 2)), 0);
}

MYEPOLL_SCENARIO(Nesting, ThreeInstanceLoopIsEloop)
{
    Instance a = run.instance();
    Instance b = run.instance();
    Instance c = run.instance();
    EXPECT_EQ(run.note("a watches b", a.add(b.fd(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("b watches c", b.add(c.fd(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.note("c watches a", c.add(a.fd(), EPOLLIN, 3)), -ELOOP);
    EXPECT_EQ(run.note("c watches b", c.add(b.fd(), EPOLLIN, 3)), -ELOOP);
}

MYEPOLL_SCENARIO(Nesting, DiamondIsNotALoop)
{
    Instance a = run.instance();
    Instance b = run.instance();
    Instance c = run.instance();
    Instance d = run.instance();
    EXPECT_EQ(run.note("a watches b", a.add(b.fd(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("a watches c", a.add(c.fd(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.note("b watches d", b.add(d.fd(), EPOLLIN, 3)), 0);
    EXPECT_EQ(run.note("c watches d", c.add(d.fd(), EPOLLIN, 4)), 0);
    EXPECT_EQ(run.note("d watches a", d.add(a.fd(), EPOLLIN, 5)), -ELOOP);
}

MYEPOLL_SCENARIO(Nesting, DepthLimitBuildingUpwards)
{
    build_chain(run, 9, false);
}

MYEPOLL_SCENARIO(Nesting, DepthLimitBuildingDownwards)
{
    build_chain(run, 9, true);
}

MYEPOLL_SCENARIO(Nesting, DepthLimitJoiningTwoChains)
{
    // Two chains of three: joined, six instances deep.  A chain of three
    // and a chain of two: five, allowed.
    std::vector<Instance> top, bottom, shorter;
    for (int i = 0; i < 3; ++i) {
        top.push_back(run.instance());
        bottom.push_back(run.instance());
        if (i < 2)
            shorter.push_back(run.instance());
    }
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(run.note("top chain", top[i].add(top[i + 1].fd(), EPOLLIN, 1)), 0);
        ASSERT_EQ(run.note("bottom chain", bottom[i].add(bottom[i + 1].fd(), EPOLLIN, 1)), 0);
    }
    ASSERT_EQ(run.note("shorter chain", shorter[0].add(shorter[1].fd(), EPOLLIN, 1)), 0);
    EXPECT_EQ(run.note("3 + 3", top[2].add(bottom[0].fd(), EPOLLIN, 2)), -ELOOP);
    EXPECT_EQ(run.note("3 + 2", top[2].add(shorter[0].fd(), EPOLLIN, 2)), 0);
    EXPECT_EQ(run.note("then one more below", shorter[1].add(bottom[2].fd(), EPOLLIN, 3)), -ELOOP);
}
