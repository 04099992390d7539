// /proc/self/fdinfo/<epfd> lists an instance's items like native epoll:
//   tfd: %8d events: %8x data: %16llx  pos:%lli ino:%lx sdev:%x
// with the stored events (EPOLLERR | EPOLLHUP added, flag bits kept, a
// disarmed one-shot item showing only its flag bits), the data, and the
// target's inode and device.
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fdinfo.hpp"
#include "local_fds.hpp"
#include "net.hpp"
#include "run.hpp"
#include "scenario.hpp"

using namespace myepoll;
using namespace myepoll::test;

MYEPOLL_SCENARIO_GROUP(FdInfo);

namespace
{

// Records every item of ep's fdinfo: which of `names` its tfd is, its
// events, data and position, and whether ino and sdev are the target's.
// Returns the number of items.
long record_fdinfo(Run &run, const Instance &ep, const std::map<int, std::string> &names,
                   const std::string &when)
{
    const std::vector<FdinfoItem> items = fdinfo_items(ep.fd());
    for (const FdinfoItem &item : items) {
        const auto name = names.find(item.tfd);
        std::ostringstream label;
        label << when << ": " << (name != names.end() ? name->second : "unknown fd") << " 0x"
              << std::hex << item.data;
        run.note(label.str() + " tfd known", name != names.end());
        run.note(label.str() + " events", item.events);
        run.note(label.str() + " data", static_cast<long>(item.data));
        run.note(label.str() + " pos", item.pos);
        struct stat st {
        };
        const bool stat_ok = ::fstat(item.tfd, &st) == 0;
        const unsigned kernel_dev = (major(st.st_dev) << 20) | minor(st.st_dev);
        EXPECT_TRUE(name != names.end()) << label.str();
        EXPECT_TRUE(
            run.note(label.str() + " ino is the target's", stat_ok && st.st_ino == item.ino))
            << label.str();
        EXPECT_TRUE(
            run.note(label.str() + " sdev is the target's", stat_ok && kernel_dev == item.sdev))
            << label.str();
    }
    return run.note(when + ": items", static_cast<long>(items.size()));
}

uint32_t events_of(const Instance &ep, uint64_t data)
{
    for (const FdinfoItem &item : fdinfo_items(ep.fd()))
        if (item.data == data)
            return item.events;
    return 0;
}

} // namespace

MYEPOLL_SCENARIO(FdInfo, ListsEveryItemLikeNative)
{
    auto [client, server] = tcp_pair();
    UniqueFd copy(::dup(server.get()));
    Pipe pipe = make_pipe();
    UniqueFd efd = make_eventfd();
    Instance inner = run.instance();
    Instance ep = run.instance();
    ASSERT_EQ(run.note("add socket", ep.add(server.get(), EPOLLIN, 0x1122334455667788ull)), 0);
    ASSERT_EQ(run.note("add its dup", ep.add(copy.get(), EPOLLRDHUP | EPOLLPRI, 2)), 0);
    ASSERT_EQ(run.note("add pipe", ep.add(pipe.read.get(), EPOLLIN | EPOLLET, 3)), 0);
    ASSERT_EQ(run.note("add pipe writer", ep.add(pipe.write.get(), EPOLLOUT | EPOLLEXCLUSIVE, 4)),
              0);
    ASSERT_EQ(run.note("add eventfd", ep.add(efd.get(), EPOLLOUT | EPOLLONESHOT, ~0ull)), 0);
    ASSERT_EQ(run.note("add instance", ep.add(inner.fd(), EPOLLIN | EPOLLWAKEUP, 0)), 0);
    const std::map<int, std::string> names{{server.get(), "socket"},  {copy.get(), "socket dup"},
                                           {pipe.read.get(), "pipe"}, {pipe.write.get(), "writer"},
                                           {efd.get(), "eventfd"},    {inner.fd(), "instance"}};
    EXPECT_EQ(record_fdinfo(run, ep, names, "six items"), 6);
    EXPECT_EQ(events_of(ep, 0x1122334455667788ull),
              static_cast<uint32_t>(EPOLLIN | EPOLLERR | EPOLLHUP));
    EXPECT_EQ(events_of(ep, 3), EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLET);
    EXPECT_EQ(events_of(ep, 4),
              static_cast<uint32_t>(EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLEXCLUSIVE));
    EXPECT_EQ(record_fdinfo(run, inner, {}, "empty instance"), 0);
}

MYEPOLL_SCENARIO(FdInfo, FollowsModDelAndClose)
{
    auto [client, server] = tcp_pair();
    UniqueFd efd = make_eventfd();
    Instance ep = run.instance();
    const std::map<int, std::string> names{{server.get(), "socket"}, {efd.get(), "eventfd"}};
    ASSERT_EQ(run.note("add socket", ep.add(server.get(), EPOLLIN, 1)), 0);
    ASSERT_EQ(run.note("add eventfd", ep.add(efd.get(), EPOLLIN, 2)), 0);
    EXPECT_EQ(record_fdinfo(run, ep, names, "added"), 2);
    ASSERT_EQ(run.note("mod socket", ep.mod(server.get(), EPOLLOUT | EPOLLRDHUP, 0xabc)), 0);
    EXPECT_EQ(record_fdinfo(run, ep, names, "modified"), 2);
    EXPECT_EQ(events_of(ep, 0xabc),
              static_cast<uint32_t>(EPOLLOUT | EPOLLRDHUP | EPOLLERR | EPOLLHUP));
    ASSERT_EQ(run.note("del eventfd", ep.del(efd.get())), 0);
    EXPECT_EQ(record_fdinfo(run, ep, names, "deleted"), 1);
    server.reset();
    EXPECT_EQ(record_fdinfo(run, ep, {}, "socket closed"), 0);
}

MYEPOLL_SCENARIO(FdInfo, DisarmedOneshotShowsOnlyItsFlags)
{
    UniqueFd efd = make_eventfd(1);
    Instance ep = run.instance();
    const std::map<int, std::string> names{{efd.get(), "eventfd"}};
    ASSERT_EQ(run.note("add IN|ET|ONESHOT", ep.add(efd.get(), EPOLLIN | EPOLLET | EPOLLONESHOT, 7)),
              0);
    EXPECT_EQ(record_fdinfo(run, ep, names, "armed"), 1);
    EXPECT_EQ(run.wait(ep, "delivered", 8, 0).events, (Events{{EPOLLIN, 7}}));
    EXPECT_EQ(record_fdinfo(run, ep, names, "disarmed"), 1);
    EXPECT_EQ(events_of(ep, 7), EPOLLET | EPOLLONESHOT);
    ASSERT_EQ(run.note("mod IN|ONESHOT", ep.mod(efd.get(), EPOLLIN | EPOLLONESHOT, 8)), 0);
    EXPECT_EQ(record_fdinfo(run, ep, names, "re-armed"), 1);
    EXPECT_EQ(events_of(ep, 8), EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLONESHOT);
}
