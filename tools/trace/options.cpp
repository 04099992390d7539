#include "options.hpp"

#include <getopt.h>

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string_view>

#include "counters.hpp"

namespace myepoll::trace
{

namespace
{

const char kUsage[] =
    "usage: %s [options]\n"
    "\n"
    "Runs TCP workloads on native epoll and on /dev/myepoll and counts, with BPF\n"
    "(fentry/fexit, tp_btf on sched_wakeup and on myepoll's tracepoints, the\n"
    "syscalls:sys_{enter,exit}_* tracepoints), what each backend did: wait calls,\n"
    "events delivered, wake callbacks, wakeups of the waiter, time in the wait\n"
    "call, latency from the socket's wakeup to the waiter's return.\n"
    "\n"
    "  --backend native|myepoll|both     (default both)\n"
    "  --workload pingpong|fanout|burst  run this one instead of the default set\n"
    "                                    (pingpong-lt, fanout-lt, burst-lt, burst-et)\n"
    "  --mode lt|et|both                 trigger mode of --workload (default lt)\n"
    "  --rounds N                        rounds (default 1000; burst 100)\n"
    "  --connections N --active K        fanout: N connections, K get a message per\n"
    "                                    round (default 64, 8)\n"
    "  --burst B                         burst: messages per round (default 16)\n"
    "  --size BYTES                      bytes per message (default 1)\n"
    "  --json                            JSON instead of the table\n"
    "  --expect COUNTER=N                check a count known exactly (repeatable),\n"
    "                                    e.g. delivered=1000; prints one\n"
    "                                    '@@myepoll case SUITE pass|fail ...' per check,\n"
    "                                    and one per cross-check of two probes that\n"
    "                                    must agree (docs/tracing.md)\n"
    "  --suite NAME                      SUITE of those lines (default trace)\n"
    "  --help\n"
    "\n"
    "Exit status: 0 ok, 1 a run or a check failed, 2 bad usage, 3 BPF setup failed.\n";

enum OptionId {
    kBackend = 1000,
    kWorkload,
    kMode,
    kRounds,
    kConnections,
    kActive,
    kBurst,
    kSize,
    kJson,
    kExpect,
    kSuite,
    kHelp
};

std::optional<std::uint64_t> to_number(std::string_view text, std::uint64_t max)
{
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > max)
        return std::nullopt;
    return value;
}

struct Choices {
    std::optional<WorkloadKind> kind;
    std::vector<bool> modes{false};
    std::optional<int> rounds;
    WorkloadSpec spec;
};

// Applies one option; returns an error message or "".
std::string apply(int id, std::string_view arg, Options &opts, Choices &c)
{
    auto number = [&](std::uint64_t max, auto &out) {
        const auto v = to_number(arg, max);
        if (v)
            out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
        return v.has_value();
    };
    switch (id) {
    case kBackend:
        if (arg == "native" || arg == "myepoll" || arg == "both") {
            opts.backends.clear();
            if (arg != "myepoll")
                opts.backends.push_back(BackendKind::Native);
            if (arg != "native")
                opts.backends.push_back(BackendKind::MyEpoll);
            return "";
        }
        return "--backend takes native, myepoll or both";
    case kWorkload:
        if (arg == "pingpong")
            c.kind = WorkloadKind::PingPong;
        else if (arg == "fanout")
            c.kind = WorkloadKind::Fanout;
        else if (arg == "burst")
            c.kind = WorkloadKind::Burst;
        else
            return "--workload takes pingpong, fanout or burst";
        return "";
    case kMode:
        if (arg == "lt" || arg == "et" || arg == "both") {
            c.modes = arg == "lt"   ? std::vector{false}
                      : arg == "et" ? std::vector{true}
                                    : std::vector{false, true};
            return "";
        }
        return "--mode takes lt, et or both";
    case kRounds: {
        int rounds = 0;
        if (!number(10'000'000, rounds))
            return "--rounds takes 1 .. 10000000";
        c.rounds = rounds;
        return "";
    }
    case kConnections:
        return number(100'000, c.spec.connections) ? "" : "--connections takes 1 .. 100000";
    case kActive:
        return number(100'000, c.spec.active) ? "" : "--active takes 1 .. 100000";
    case kBurst:
        return number(4096, c.spec.burst) ? "" : "--burst takes 1 .. 4096";
    case kSize:
        return number(65536, c.spec.size) ? "" : "--size takes 1 .. 65536";
    case kJson:
        opts.json = true;
        return "";
    case kExpect: {
        const auto eq = arg.find('=');
        const auto name = arg.substr(0, eq);
        std::uint64_t value = 0;
        const auto *end = arg.data() + arg.size();
        if (eq == std::string_view::npos || !counter_exists(name) ||
            std::from_chars(arg.data() + eq + 1, end, value).ptr != end || eq + 1 == arg.size())
            return "--expect takes COUNTER=N with a counter of --json's output, not '" +
                   std::string(arg) + "'";
        opts.expectations.push_back({std::string(name), value});
        return "";
    }
    case kSuite:
        opts.suite = arg;
        return arg.empty() || arg.find(' ') != std::string_view::npos ? "--suite takes one word"
                                                                      : "";
    default:
        return "unknown option";
    }
}

} // namespace

std::vector<WorkloadSpec> default_workloads()
{
    WorkloadSpec pingpong;
    WorkloadSpec fanout;
    fanout.kind = WorkloadKind::Fanout;
    fanout.rounds = 200;
    WorkloadSpec burst;
    burst.kind = WorkloadKind::Burst;
    burst.rounds = 100;
    WorkloadSpec burst_et = burst;
    burst_et.edge = true;
    return {pingpong, fanout, burst, burst_et};
}

ParsedOptions parse_options(int argc, char **argv)
{
    static const option long_options[] = {
        {"backend", required_argument, nullptr, kBackend},
        {"workload", required_argument, nullptr, kWorkload},
        {"mode", required_argument, nullptr, kMode},
        {"rounds", required_argument, nullptr, kRounds},
        {"connections", required_argument, nullptr, kConnections},
        {"active", required_argument, nullptr, kActive},
        {"burst", required_argument, nullptr, kBurst},
        {"size", required_argument, nullptr, kSize},
        {"json", no_argument, nullptr, kJson},
        {"expect", required_argument, nullptr, kExpect},
        {"suite", required_argument, nullptr, kSuite},
        {"help", no_argument, nullptr, kHelp},
        {nullptr, 0, nullptr, 0},
    };
    const char *argv0 = argc > 0 ? argv[0] : "trace";
    Options opts;
    Choices choices;
    opterr = 0;
    int id;
    while ((id = getopt_long(argc, argv, ":", long_options, nullptr)) != -1) {
        std::string error;
        if (id == kHelp) {
            std::printf(kUsage, argv0);
            return {std::nullopt, 0};
        }
        if (id == ':' || id == '?')
            error = std::string("bad or incomplete option ") + argv[optind - 1];
        else
            error = apply(id, optarg ? optarg : "", opts, choices);
        if (!error.empty()) {
            std::fprintf(stderr, "%s: %s\n\n", argv0, error.c_str());
            std::fprintf(stderr, kUsage, argv0);
            return {std::nullopt, 2};
        }
    }
    if (optind < argc) {
        std::fprintf(stderr, "%s: unexpected argument %s\n", argv0, argv[optind]);
        return {std::nullopt, 2};
    }
    if (choices.spec.active > choices.spec.connections) {
        std::fprintf(stderr, "%s: --active must not exceed --connections\n", argv0);
        return {std::nullopt, 2};
    }
    if (!choices.kind) {
        opts.workloads = default_workloads();
        if (choices.rounds)
            for (auto &w : opts.workloads)
                w.rounds = *choices.rounds;
    } else {
        for (const bool edge : choices.modes) {
            WorkloadSpec spec = choices.spec;
            spec.kind = *choices.kind;
            spec.edge = edge;
            spec.rounds = choices.rounds.value_or(spec.kind == WorkloadKind::Burst ? 100 : 1000);
            opts.workloads.push_back(spec);
        }
    }
    return {std::move(opts), 0};
}

} // namespace myepoll::trace
