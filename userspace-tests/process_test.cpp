// Registrations are keyed by (open file, descriptor number) and belong to
// the instance, not to a process: a dup is its own registration, a number
// reused by another file is not the old registration, a forked child shares
// the parent's interest list, and a registration lives as long as any
// process holds its file.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "child_process.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"
#include "socket_io.hpp"

using namespace myepoll;
using namespace myepoll::test;
using namespace std::chrono_literals;

MYEPOLL_SCENARIO_GROUP(Process);

namespace
{

// In a child: one wait; reports the count and the first event.
int report_one_wait(Instance &ep, int64_t timeout_ns, ChildReport &report)
{
    Event events[4];
    const int rc = ep.wait(events, 4, timeout_ns);
    report.put(rc);
    if (rc > 0) {
        report.put(events[0].events);
        report.put(static_cast<long>(events[0].data));
    }
    return 0;
}

// Reaps the child and records its exit status and reports; returns them.
std::vector<long> record_child(Run &run, const std::string &what, ChildProcess &child)
{
    EXPECT_EQ(run.note(what + ": exit status", child.wait()), 0);
    const std::vector<long> values = child.reports();
    for (size_t i = 0; i < values.size(); ++i)
        run.note(what + ": report " + std::to_string(i), values[i]);
    return values;
}

using Reports = std::vector<long>;

} // namespace

MYEPOLL_SCENARIO(Process, ForkedChildWaitsOnTheSharedInstance)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN, 0x11)), 0);
    send_text(client.get(), "x");
    ASSERT_TRUE(wait_readable(server.get(), kEventDeadline));
    {
        ChildProcess child([&](ChildReport &r) { return report_one_wait(ep, ms(1000), r); });
        EXPECT_EQ(record_child(run, "child, data queued", child), (Reports{1, EPOLLIN, 0x11}));
    }
    EXPECT_EQ(drain(server.get()), 1u);
    {
        // The child blocks; the parent's write wakes it.
        ChildProcess child([&](ChildReport &r) { return report_one_wait(ep, ms(5000), r); });
        std::this_thread::sleep_for(50ms);
        send_text(client.get(), "y");
        EXPECT_EQ(record_child(run, "child, woken by the parent's write", child),
                  (Reports{1, EPOLLIN, 0x11}));
    }
    EXPECT_EQ(run.wait(ep, "the parent sees it too", 8, 0).events, (Events{{EPOLLIN, 0x11}}));
}

MYEPOLL_SCENARIO(Process, ChildCtlChangesTheParentsInterestList)
{
    auto [client_a, server_a] = tcp_pair();
    auto [client_b, server_b] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("parent adds a", ep.add(server_a.get(), EPOLLOUT, 0xA)), 0);
    {
        ChildProcess child([&](ChildReport &r) {
            r.put(ep.add(server_b.get(), EPOLLOUT, 0xB));
            r.put(ep.del(server_a.get()));
            return 0;
        });
        EXPECT_EQ(record_child(run, "child adds b, deletes a", child), (Reports{0, 0}));
    }
    EXPECT_EQ(run.wait(ep, "the parent's list", 8, ms(1000)).events, (Events{{EPOLLOUT, 0xB}}));
    EXPECT_EQ(run.note("parent adds b", ep.add(server_b.get(), EPOLLOUT, 0xB)), -EEXIST);
    EXPECT_EQ(run.note("parent deletes a", ep.del(server_a.get())), -ENOENT);
}

MYEPOLL_SCENARIO(Process, ChildExitKeepsTheParentsRegistrations)
{
    auto [client, server] = tcp_pair();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add", ep.add(server.get(), EPOLLIN | EPOLLRDHUP, 0x22)), 0);
    {
        // The child's copies of the socket and the instance close at its exit.
        ChildProcess child([](ChildReport &) { return 0; });
        EXPECT_EQ(record_child(run, "child exits", child), Reports{});
    }
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait(ep, "still registered", 8, ms(1000)).events, (Events{{EPOLLIN, 0x22}}));
    EXPECT_EQ(run.note("peer sees no end of stream", wait_readable(client.get(), 20ms)), 0);
}

MYEPOLL_SCENARIO(Process, FilesOnlyTheChildHeldGoWithTheirLastClose)
{
    Instance ep = run.instance();
    auto [parent_end, child_end] = unix_pair(); // lock-step with the child
    {
        ChildProcess child([&](ChildReport &r) {
            // The child's own sockets: one closed explicitly, one at exit.
            auto [a, b] = unix_pair();
            auto [c, d] = unix_pair();
            send_text(a.get(), "x");
            send_text(c.get(), "y");
            r.put(ep.add(b.get(), EPOLLIN, 0x33));
            r.put(ep.add(d.get(), EPOLLIN, 0x44));
            b.reset();
            send_text(child_end.get(), "closed");
            char go = 0;
            return ::read(child_end.get(), &go, 1) == 1 ? 0 : 2;
        });
        char step[8] = {};
        ASSERT_GT(::read(parent_end.get(), step, sizeof(step)), 0);
        EXPECT_EQ(run.wait(ep, "child closed one, the other is open", 8, ms(20)).events,
                  (Events{{EPOLLIN, 0x44}}));
        send_text(parent_end.get(), "g");
        EXPECT_EQ(record_child(run, "child exits", child), (Reports{0, 0}));
    }
    EXPECT_EQ(run.wait(ep, "its exit closed the other", 8, ms(20)).rc, 0);
}

MYEPOLL_SCENARIO(Process, DupsWithDifferentMasksReportSeparately)
{
    auto [client, server] = tcp_pair();
    UniqueFd copy(::dup(server.get()));
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add fd IN", ep.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add dup OUT", ep.add(copy.get(), EPOLLOUT, 2)), 0);
    EXPECT_EQ(run.wait(ep, "writable", 8, ms(1000)).events, (Events{{EPOLLOUT, 2}}));
    send_text(client.get(), "x");
    EXPECT_EQ(run.wait_for(ep, "readable too", {{EPOLLIN, 1}, {EPOLLOUT, 2}}).events,
              (Events{{EPOLLIN, 1}, {EPOLLOUT, 2}}));
    ASSERT_EQ(run.note("mod dup IN|OUT", ep.mod(copy.get(), EPOLLIN | EPOLLOUT, 3)), 0);
    EXPECT_EQ(run.wait(ep, "each with its own mask", 8, 0).events,
              (Events{{EPOLLIN, 1}, {EPOLLIN | EPOLLOUT, 3}}));
    ASSERT_EQ(run.note("del fd", ep.del(server.get())), 0);
    EXPECT_EQ(run.wait(ep, "the dup's registration", 8, 0).events,
              (Events{{EPOLLIN | EPOLLOUT, 3}}));
}

MYEPOLL_SCENARIO(Process, RegistrationOutlivesItsDescriptorNumber)
{
    auto [client_a, server_a] = tcp_pair();
    auto [client_b, server_b] = tcp_pair();
    Instance ep = run.instance();
    const int number = server_a.get();
    ASSERT_EQ(run.note("add a", ep.add(number, EPOLLIN, 0xA)), 0);
    UniqueFd keep_a(::dup(number));                    // a stays open
    ASSERT_EQ(::dup2(server_b.get(), number), number); // the number is b's now
    send_text(client_a.get(), "x");
    EXPECT_EQ(run.wait(ep, "a still reported under its number", 8, ms(1000)).events,
              (Events{{EPOLLIN, 0xA}}));
    EXPECT_EQ(run.note("DEL number: (b, number) not registered", ep.del(number)), -ENOENT);
    EXPECT_EQ(run.note("ADD number: b", ep.add(number, EPOLLIN, 0xB)), 0);
    send_text(client_b.get(), "y");
    EXPECT_EQ(run.wait_for(ep, "both", {{EPOLLIN, 0xA}, {EPOLLIN, 0xB}}).events,
              (Events{{EPOLLIN, 0xA}, {EPOLLIN, 0xB}}));
    keep_a.reset(); // a's last reference
    EXPECT_EQ(run.wait(ep, "a gone", 8, 0).events, (Events{{EPOLLIN, 0xB}}));
}

MYEPOLL_SCENARIO(Process, Dup2OverTheOnlyReferenceDropsTheRegistration)
{
    auto [client_a, server_a] = tcp_pair();
    auto [client_b, server_b] = tcp_pair();
    Instance ep = run.instance();
    const int number = server_a.get();
    ASSERT_EQ(run.note("add a", ep.add(number, EPOLLOUT, 0xA)), 0);
    EXPECT_EQ(run.wait(ep, "a writable", 8, ms(1000)).events, (Events{{EPOLLOUT, 0xA}}));
    ASSERT_EQ(::dup2(server_b.get(), number), number); // closes a: its last reference
    ASSERT_TRUE(wait_readable(client_a.get(), kEventDeadline));
    EXPECT_EQ(run.note("a's peer reads EOF", static_cast<long>(read_some(client_a.get(), 8))), 0);
    EXPECT_EQ(run.wait(ep, "a's registration is gone", 8, 0).rc, 0);
    EXPECT_EQ(run.note("DEL number", ep.del(number)), -ENOENT);
    EXPECT_EQ(run.note("ADD number: b", ep.add(number, EPOLLOUT, 0xB)), 0);
    EXPECT_EQ(run.wait(ep, "b", 8, 0).events, (Events{{EPOLLOUT, 0xB}}));
}
