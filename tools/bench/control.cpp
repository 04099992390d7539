// Control: on a fresh instance, ADD every server side, MOD each to another
// mask (not ready: nothing is queued), DEL each; operations per second of
// each pass.  Native and myepoll alternate, repeated.  myepoll's first ADD
// of a file creates its inode's close-tracking mark; a later ADD of the same
// file (a later rep) finds the mark DEL left idle: the first rep's ADD rate
// is reported apart as the cold one.
#include <string>
#include <system_error>

#include "backend.hpp"
#include "clock.hpp"
#include "sections.hpp"

namespace myepoll::bench
{

namespace
{

constexpr uint32_t kEpollIn = 0x001;
constexpr uint32_t kEpollRdHup = 0x2000;

void check(int rc, const Instance &instance, const char *op)
{
    if (rc < 0)
        throw std::system_error(-rc, std::generic_category(),
                                std::string(instance.backend().name()) + " " + op);
}

double per_second(std::size_t ops, int64_t ns)
{
    return ns > 0 ? static_cast<double>(ops) * 1e9 / static_cast<double>(ns) : 0;
}

struct Rates {
    std::vector<double> add, mod, del;
};

void one_pass(BackendKind kind, const Connections &conns, Rates &rates)
{
    const std::size_t n = conns.size();
    Instance instance(backend(kind));
    const int64_t t0 = now_ns();
    for (std::size_t i = 0; i < n; ++i)
        check(instance.add(conns.server(i), kEpollIn, i), instance, "add");
    const int64_t t1 = now_ns();
    for (std::size_t i = 0; i < n; ++i)
        check(instance.mod(conns.server(i), kEpollIn | kEpollRdHup, i), instance, "mod");
    const int64_t t2 = now_ns();
    for (std::size_t i = 0; i < n; ++i)
        check(instance.del(conns.server(i)), instance, "del");
    const int64_t t3 = now_ns();
    rates.add.push_back(per_second(n, t1 - t0));
    rates.mod.push_back(per_second(n, t2 - t1));
    rates.del.push_back(per_second(n, t3 - t2));
}

} // namespace

void run_control(const Config &config, const Connections &conns, Results &results)
{
    const std::pair<Api, BackendKind> kinds[] = {{Api::Native, BackendKind::Native},
                                                 {Api::MyEpoll, BackendKind::MyEpoll}};
    Rates rates[2];
    for (int r = 0; r < config.ctl_reps; ++r)
        for (int i = 0; i < 2; ++i)
            one_pass(kinds[i].second, conns, rates[i]);
    for (int i = 0; i < 2; ++i)
        results.control.push_back({conns.size(), kinds[i].first, summarize(rates[i].add),
                                   summarize(rates[i].mod), summarize(rates[i].del),
                                   rates[i].add.front()});
}

} // namespace myepoll::bench
