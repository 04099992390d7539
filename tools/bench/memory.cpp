// Memory: slab usage before and after watching every server side on a fresh
// instance, divided by the number of watches.  Everything the ADD path
// allocates counts (epoll items and wait entries, myepoll's items, wait
// entries, fsnotify marks and connectors), whatever cache it lands in; the
// caches that grew by at least 4 bytes per watch are listed.  The instance
// is closed and its frees (RCU, fsnotify's reaper) are let run before the
// next measurement.  Once per API, on sockets myepoll has never watched: a
// second myepoll pass would find the marks its first left idle (close.c)
// and miss them.
#include <unistd.h>

#include <map>
#include <string>
#include <system_error>

#include "backend.hpp"
#include "sections.hpp"
#include "slab.hpp"

namespace myepoll::bench
{

namespace
{

constexpr uint32_t kEpollIn = 0x001;

struct Sample {
    double slab = 0, meminfo = 0;
    std::map<std::string, double> caches;
};

Sample measure(BackendKind kind, const Connections &conns)
{
    const std::size_t n = conns.size();
    ::usleep(300'000);
    const SlabSnapshot before = slab_snapshot();
    Sample s;
    {
        Instance instance(backend(kind));
        for (std::size_t i = 0; i < n; ++i) {
            const int rc = instance.add(conns.server(i), kEpollIn, i);
            if (rc < 0)
                throw std::system_error(-rc, std::generic_category(), "memory: add");
        }
        const SlabSnapshot after = slab_snapshot();
        s.slab = (after.total - before.total) / static_cast<double>(n);
        s.meminfo = (after.meminfo - before.meminfo) / static_cast<double>(n);
        for (const auto &[name, bytes] : after.caches) {
            const auto it = before.caches.find(name);
            const double grown = bytes - (it == before.caches.end() ? 0 : it->second);
            if (grown >= 4.0 * static_cast<double>(n))
                s.caches[name] = grown / static_cast<double>(n);
        }
    }
    ::usleep(300'000);
    return s;
}

} // namespace

void run_memory(const Config &, const Connections &conns, Results &results)
{
    const std::pair<Api, BackendKind> kinds[] = {{Api::Native, BackendKind::Native},
                                                 {Api::MyEpoll, BackendKind::MyEpoll}};
    for (const auto &[api, kind] : kinds) {
        Sample s = measure(kind, conns);
        MemoryRow row{conns.size(), api, s.slab, s.meminfo, {}};
        row.caches.assign(s.caches.begin(), s.caches.end());
        results.memory.push_back(std::move(row));
    }
}

} // namespace myepoll::bench
