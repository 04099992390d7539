// Control: on a fresh instance, ADD every server side, MOD each to another
// mask (not ready: nothing is queued), DEL each; operations per second of
// each pass.  Native and myepoll alternate, repeated.  myepoll's first ADD
// of a file creates its inode's close-tracking mark; a later ADD of the same
// file (a later rep) finds the mark DEL left idle: the first rep's ADD rate
// is reported apart as the cold one.  A third configuration, myepoll's
// batched CTL, applies the same ops kBatch to a MYEPOLL_IOC_CTL_BATCH.
#include <algorithm>
#include <string>
#include <system_error>
#include <vector>

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

constexpr unsigned kBatch = 64;

struct Rates {
    std::vector<double> add, mod, del;
};

// The op on every server side, one call each.
void each(Instance &instance, const Connections &conns, int op, uint32_t events)
{
    for (std::size_t i = 0; i < conns.size(); ++i) {
        const Event event{events, i};
        check(instance.backend().ctl(instance.fd(), op, conns.server(i), &event), instance, "ctl");
    }
}

// The op on every server side, kBatch per MYEPOLL_IOC_CTL_BATCH; the op
// array is built outside the timed calls, as a server's would be.
void batched(Instance &instance, std::vector<CtlOp> &ops, int op, uint32_t events, int64_t &ns)
{
    for (std::size_t i = 0; i < ops.size(); ++i)
        ops[i] = {op, ops[i].fd, events, 0, i};
    const int64_t t0 = now_ns();
    for (std::size_t i = 0; i < ops.size(); i += kBatch) {
        const auto nr = static_cast<unsigned>(std::min<std::size_t>(kBatch, ops.size() - i));
        check(instance.ctl_batch(&ops[i], nr), instance, "ctl_batch");
    }
    ns = now_ns() - t0;
    for (const CtlOp &done : ops)
        check(done.result, instance, "batched op");
}

void one_pass(BackendKind kind, unsigned batch, const Connections &conns, Rates &rates)
{
    const std::size_t n = conns.size();
    Instance instance(backend(kind));
    int64_t ns[3];
    if (batch > 1) {
        std::vector<CtlOp> ops(n);
        for (std::size_t i = 0; i < n; ++i)
            ops[i].fd = conns.server(i);
        batched(instance, ops, MYEPOLL_CTL_ADD, kEpollIn, ns[0]);
        batched(instance, ops, MYEPOLL_CTL_MOD, kEpollIn | kEpollRdHup, ns[1]);
        batched(instance, ops, MYEPOLL_CTL_DEL, 0, ns[2]);
    } else {
        const int ops[3] = {MYEPOLL_CTL_ADD, MYEPOLL_CTL_MOD, MYEPOLL_CTL_DEL};
        const uint32_t events[3] = {kEpollIn, kEpollIn | kEpollRdHup, 0};
        for (int k = 0; k < 3; ++k) {
            const int64_t t0 = now_ns();
            each(instance, conns, ops[k], events[k]);
            ns[k] = now_ns() - t0;
        }
    }
    rates.add.push_back(per_second(n, ns[0]));
    rates.mod.push_back(per_second(n, ns[1]));
    rates.del.push_back(per_second(n, ns[2]));
}

struct Configuration {
    Api api;
    BackendKind kind;
    unsigned batch;
};

} // namespace

std::string control_label(const ControlRow &row)
{
    std::string label(api_name(row.api));
    return row.batch > 1 ? label + "-batch" + std::to_string(row.batch) : label;
}

void run_control(const Config &config, const Connections &conns, Results &results)
{
    const Configuration configs[] = {{Api::Native, BackendKind::Native, 1},
                                     {Api::MyEpoll, BackendKind::MyEpoll, 1},
                                     {Api::MyEpoll, BackendKind::MyEpoll, kBatch}};
    Rates rates[3];
    for (int r = 0; r < config.ctl_reps; ++r)
        for (int i = 0; i < 3; ++i)
            one_pass(configs[i].kind, configs[i].batch, conns, rates[i]);
    for (int i = 0; i < 3; ++i)
        results.control.push_back({conns.size(), configs[i].api, configs[i].batch,
                                   summarize(rates[i].add), summarize(rates[i].mod),
                                   summarize(rates[i].del), rates[i].add.front()});
}

} // namespace myepoll::bench
