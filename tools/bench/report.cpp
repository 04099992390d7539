#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "result_table.hpp"

namespace myepoll::bench
{

namespace
{

std::string name(Api api)
{
    return std::string(api_name(api));
}

// Guest instructions for a time under icount, else "-".
std::string instructions(const Config &config, double ns)
{
    if (config.timing != "icount")
        return "-";
    return fixed(ns / std::ldexp(1.0, config.icount_shift));
}

const ScalingRow *native_scaling(const Results &r, std::size_t n, int k)
{
    for (const auto &row : r.scaling)
        if (row.n == n && row.k == k && row.api == Api::Native)
            return &row;
    return nullptr;
}

template <typename Row> const Row *native_of(const std::vector<Row> &rows, std::size_t n)
{
    for (const auto &row : rows)
        if (row.n == n && row.api == Api::Native)
            return &row;
    return nullptr;
}

void scaling_table(const Config &c, const Results &r, std::FILE *out)
{
    ResultTable t("scaling",
                  {"timing", "n", "k", "api", "rounds", "events", "wait_med_ns", "wait_p99_ns",
                   "wait_med_instr", "round_med_ns", "ratio_med", "ratio_p99"});
    for (const auto &row : r.scaling) {
        const ScalingRow *native = native_scaling(r, row.n, row.k);
        const double rm = native ? ratio(row.wait.median, native->wait.median) : 0;
        const double rp = native ? ratio(row.wait.p99, native->wait.p99) : 0;
        t.add({c.timing, std::to_string(row.n), std::to_string(row.k), name(row.api),
               std::to_string(row.wait.count), std::to_string(row.events), fixed(row.wait.median),
               fixed(row.wait.p99), instructions(c, row.wait.median), fixed(row.round.median),
               fixed(rm, 3), fixed(rp, 3)});
    }
    t.print(out);
}

void latency_table(const Config &c, const Results &r, std::FILE *out)
{
    const LatencyRow *native = nullptr;
    for (const auto &row : r.latency)
        if (row.api == Api::Native)
            native = &row;
    ResultTable t("latency", {"timing", "api", "round_trips", "rtt_med_ns", "rtt_p99_ns",
                              "rtt_med_instr", "ratio_med", "ratio_p99"});
    for (const auto &row : r.latency)
        t.add({c.timing, name(row.api), std::to_string(row.rtt.count), fixed(row.rtt.median),
               fixed(row.rtt.p99), instructions(c, row.rtt.median),
               fixed(native ? ratio(row.rtt.median, native->rtt.median) : 0, 3),
               fixed(native ? ratio(row.rtt.p99, native->rtt.p99) : 0, 3)});
    t.print(out);
}

void control_table(const Config &c, const Results &r, std::FILE *out)
{
    ResultTable t("control",
                  {"timing", "n", "api", "add_per_s", "add_cold_per_s", "mod_per_s", "del_per_s",
                   "add_instr", "ratio_add", "ratio_add_cold", "ratio_mod", "ratio_del"});
    for (const auto &row : r.control) {
        const ControlRow *nat = native_of(r.control, row.n);
        t.add({c.timing, std::to_string(row.n), control_label(row), fixed(row.add.median),
               fixed(row.add_cold), fixed(row.mod.median), fixed(row.del.median),
               row.add.median > 0 ? instructions(c, 1e9 / row.add.median) : "-",
               fixed(nat ? ratio(row.add.median, nat->add.median) : 0, 3),
               fixed(nat ? ratio(row.add_cold, nat->add_cold) : 0, 3),
               fixed(nat ? ratio(row.mod.median, nat->mod.median) : 0, 3),
               fixed(nat ? ratio(row.del.median, nat->del.median) : 0, 3)});
    }
    t.print(out);
}

void floor_table(const Config &c, const Results &r, std::FILE *out)
{
    ResultTable t("floor", {"timing", "op", "calls", "med_ns", "p99_ns", "med_instr"});
    for (const auto &row : r.floor)
        t.add({c.timing, row.op, std::to_string(row.cost.count), fixed(row.cost.median),
               fixed(row.cost.p99), instructions(c, row.cost.median)});
    t.print(out);
}

// Every median also over the 1-item row's (on the many-items row: the cost
// of the items, the mark there both times) and over the unloaded row's (on
// the 1-item row: the cost of being loaded and watching an anon inode).
void close_table(const Config &c, const Results &r, std::FILE *out)
{
    const CloseRow *one = nullptr, *unloaded = nullptr;
    for (const auto &row : r.close) {
        if (row.module == "loaded" && row.items == 1)
            one = &row;
        if (row.module == "unloaded")
            unloaded = &row;
    }
    ResultTable t("close", {"timing", "module", "items", "added", "closes", "close_med_ns",
                            "close_p99_ns", "close_med_instr", "ratio_1item", "ratio_unloaded"});
    for (const auto &row : r.close)
        t.add({c.timing, row.module, std::to_string(row.items), std::to_string(row.added),
               std::to_string(row.cost.count), fixed(row.cost.median), fixed(row.cost.p99),
               instructions(c, row.cost.median),
               fixed(one ? ratio(row.cost.median, one->cost.median) : 0, 3),
               fixed(unloaded ? ratio(row.cost.median, unloaded->cost.median) : 0, 3)});
    t.print(out);
}

void memory_tables(const Config &c, const Results &r, std::FILE *out)
{
    // slab: every cache's growth, noise included (other caches may shrink
    // meanwhile); attributed: only the caches that grew by 4 bytes a watch
    // or more, listed in memory_caches.
    ResultTable t("memory",
                  {"timing", "n", "api", "slab_bytes_per_watch", "meminfo_bytes_per_watch",
                   "attributed_bytes_per_watch", "ratio_slab", "ratio_attributed"});
    ResultTable caches("memory_caches", {"n", "api", "cache", "bytes_per_watch"});
    auto attributed = [](const MemoryRow &row) {
        double sum = 0;
        for (const auto &entry : row.caches)
            sum += entry.second;
        return sum;
    };
    for (const auto &row : r.memory) {
        const MemoryRow *nat = native_of(r.memory, row.n);
        t.add({c.timing, std::to_string(row.n), name(row.api), fixed(row.slab_per_watch, 1),
               fixed(row.meminfo_per_watch, 1), fixed(attributed(row), 1),
               fixed(nat ? ratio(row.slab_per_watch, nat->slab_per_watch) : 0, 3),
               fixed(nat ? ratio(attributed(row), attributed(*nat)) : 0, 3)});
        for (const auto &[cache, bytes] : row.caches)
            caches.add({std::to_string(row.n), name(row.api), cache, fixed(bytes, 1)});
    }
    t.print(out);
    caches.print(out);
}

const HarvestRow *harvest_row(const Results &r, const std::string &config, int k)
{
    for (const auto &row : r.harvest)
        if (row.config == config && row.k == k)
            return &row;
    return nullptr;
}

// Per event: each median over K.  consumer: the round less the same writes
// on eventfds nobody watches (the callback's work and taking the events).
void harvest_table(const Config &c, const Results &r, std::FILE *out)
{
    ResultTable t("harvest", {"timing", "n", "k", "config", "turns", "events", "trigger_instr_ev",
                              "take_instr_ev", "round_instr_ev", "consumer_instr_ev",
                              "round_med_ns", "ratio_consumer", "ratio_take", "ratio_round"});
    for (const auto &row : r.harvest) {
        const HarvestRow *base = harvest_row(r, "writes-only", row.k);
        const HarvestRow *nat = harvest_row(r, "native", row.k);
        const double k = row.k;
        auto consumer = [&](const HarvestRow &h) {
            return base ? h.round.median - base->trigger.median : 0.0;
        };
        const bool takes = row.config != "writes-only" && row.config != "native-disarmed";
        t.add({c.timing, std::to_string(row.n), std::to_string(row.k), row.config,
               std::to_string(row.round.count), std::to_string(row.events),
               instructions(c, row.trigger.median / k),
               takes ? instructions(c, row.take.median / k) : "-",
               takes ? instructions(c, row.round.median / k) : "-",
               takes ? instructions(c, consumer(row) / k) : "-", fixed(row.round.median),
               fixed(takes && nat ? ratio(consumer(row), consumer(*nat)) : 0, 3),
               fixed(takes && nat ? ratio(row.take.median, nat->take.median) : 0, 3),
               fixed(takes && nat ? ratio(row.round.median, nat->round.median) : 0, 3)});
    }
    t.print(out);
}

// Guest ns of one wake callback per event: a configuration's harvest trigger
// less the writes-only trigger (the smallest K), 0 without the harvest rows.
double callback_ns(const Results &r, const std::string &config)
{
    const HarvestRow *best = nullptr;
    for (const auto &row : r.harvest)
        if (row.config == config && (best == nullptr || row.k < best->k))
            best = &row;
    const HarvestRow *base = best ? harvest_row(r, "writes-only", best->k) : nullptr;
    if (base == nullptr)
        return 0;
    return (best->trigger.median - base->trigger.median) / best->k;
}

struct ReactorFigures {
    double rps = 0;            // median over the rounds
    double ns_per_request = 0; // guest time per request
    double epoll_ns = 0;       // the server's epoll share of it
};

ReactorFigures reactor_figures(const Results &r, const ReactorRow &row)
{
    ReactorFigures f;
    f.rps = summarize(row.rps).median;
    f.ns_per_request = f.rps > 0 ? 1e9 / f.rps : 0;
    // One wake callback per request reaches the server's instance.
    f.epoll_ns = row.wait_ns_per_request + row.ctl_ns_per_request + callback_ns(r, row.config);
    return f;
}

// Per request: the whole system's instructions, the server's wait and ctl
// calls, one callback, their sum (the epoll share).  reactor_bound: native
// less its epoll share is the Amdahl bound; the share of the gain it allows
// that each configuration reached.
void reactor_tables(const Config &c, const Results &r, std::FILE *out)
{
    const ReactorRow *nat = nullptr;
    for (const auto &row : r.reactor)
        if (row.config == "native")
            nat = &row;
    const ReactorFigures nf = nat ? reactor_figures(r, *nat) : ReactorFigures{};
    ResultTable t("reactor", {"timing", "config", "connections", "rounds", "requests", "rps_med",
                              "rps_min", "rps_max", "ratio_rps", "instr_per_req", "waits_per_req",
                              "events_per_turn", "wait_instr_per_req", "ctl_instr_per_req",
                              "callback_instr_per_req", "epoll_instr_per_req", "switched_waits"});
    for (const auto &row : r.reactor) {
        const ReactorFigures f = reactor_figures(r, row);
        const double per_turn =
            row.loop_turns ? static_cast<double>(row.events) / static_cast<double>(row.loop_turns)
                           : 0;
        t.add({c.timing, row.config, std::to_string(row.connections),
               std::to_string(row.rps.size()), std::to_string(row.requests), fixed(f.rps),
               fixed(row.rps.empty() ? 0 : *std::min_element(row.rps.begin(), row.rps.end())),
               fixed(row.rps.empty() ? 0 : *std::max_element(row.rps.begin(), row.rps.end())),
               fixed(ratio(f.rps, nf.rps), 3), instructions(c, f.ns_per_request),
               fixed(row.waits_per_request, 3), fixed(per_turn, 1),
               instructions(c, row.wait_ns_per_request), instructions(c, row.ctl_ns_per_request),
               instructions(c, callback_ns(r, row.config)), instructions(c, f.epoll_ns),
               std::to_string(row.switched_waits)});
    }
    t.print(out);
    if (nat == nullptr || nf.rps <= 0 || nf.epoll_ns >= nf.ns_per_request)
        return;
    const double bound_ns = nf.ns_per_request - nf.epoll_ns;
    const double bound_rps = 1e9 / bound_ns;
    const double allowed = bound_rps / nf.rps - 1;
    ResultTable b("reactor_bound", {"timing", "config", "rps_med", "native_instr_per_req",
                                    "native_epoll_instr_per_req", "bound_instr_per_req",
                                    "bound_rps", "allowed_gain", "gain", "pct_of_allowed_gain"});
    for (const auto &row : r.reactor) {
        if (row.config == "native")
            continue;
        const ReactorFigures f = reactor_figures(r, row);
        const double gain = f.rps / nf.rps - 1;
        b.add({c.timing, row.config, fixed(f.rps), instructions(c, nf.ns_per_request),
               instructions(c, nf.epoll_ns), instructions(c, bound_ns), fixed(bound_rps),
               fixed(allowed, 4), fixed(gain, 4),
               fixed(allowed > 0 ? 100 * gain / allowed : 0, 1)});
    }
    b.print(out);
}

} // namespace

void print_report(const Config &config, const Results &results, std::FILE *out)
{
    if (!results.close.empty())
        close_table(config, results, out);
    if (!results.floor.empty())
        floor_table(config, results, out);
    if (!results.scaling.empty())
        scaling_table(config, results, out);
    if (!results.latency.empty())
        latency_table(config, results, out);
    if (!results.harvest.empty())
        harvest_table(config, results, out);
    if (!results.reactor.empty())
        reactor_tables(config, results, out);
    if (!results.control.empty())
        control_table(config, results, out);
    if (!results.memory.empty())
        memory_tables(config, results, out);
}

} // namespace myepoll::bench
