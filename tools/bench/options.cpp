#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "config.hpp"

namespace myepoll::bench
{

namespace
{

const char kUsage[] =
    "usage: bench [options]\n"
    "  --timing icount|tcg      how the VM runs (labels the output)\n"
    "  --icount-shift S         guest ns per instruction = 2^S (default 3)\n"
    "  --smoke                  short run; checks event counts, prints case lines\n"
    "  --suite NAME             suite name of the case lines (default bench)\n"
    "  --sizes N,N,...          connection counts for the scaling run\n"
    "  --actives K,K,...        ready connections per round\n"
    "  --rounds R               timed rounds per API (select/poll: fewer at large N)\n"
    "  --linear-rounds R        least timed rounds of select/poll\n"
    "  --warmup W               untimed rounds first\n"
    "  --blocks B               interleave the APIs in B blocks\n"
    "  --select-max N           largest N select runs at (default 1000)\n"
    "  --latency-iterations I   ping-pong round trips per API\n"
    "  --ctl-sizes N,N,...      fds for the ADD/MOD/DEL rates\n"
    "  --ctl-reps R             repetitions of the ctl rates\n"
    "  --memory-size N          watches for the memory measurement (0: none)\n"
    "  --close-instances I      instances watching the fds of the close cost\n"
    "  --close-fds F            fds of one eventfd each instance watches (I x F items)\n"
    "  --harvest-size N         eventfds per configuration of the harvest section\n"
    "  --harvest-actives K,K    events per turn of the harvest section (<= 4096)\n"
    "  --reactor-connections N  clients of the reactor section (the demo's server)\n"
    "  --reactor-requests R     requests per client\n"
    "  --reactor-rounds R       runs of each configuration\n"
    "  --module-file KO         time the close cost without myepoll too: unload it,\n"
    "                           then load KO again\n"
    "  --only a,b               sections: close,floor,scaling,latency,control,memory,\n"
    "                           harvest,reactor\n";

[[noreturn]] void usage(int status)
{
    std::fputs(kUsage, status ? stderr : stdout);
    std::exit(status);
}

std::vector<std::string> split(std::string_view list)
{
    std::vector<std::string> out;
    std::stringstream in{std::string(list)};
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

long number(std::string_view text)
{
    char *end = nullptr;
    const std::string s(text);
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 0) {
        std::fprintf(stderr, "bench: not a number: %s\n", s.c_str());
        usage(2);
    }
    return v;
}

template <typename T> std::vector<T> numbers(std::string_view list)
{
    std::vector<T> out;
    for (const auto &item : split(list))
        out.push_back(static_cast<T>(number(item)));
    return out;
}

// The smoke run: every path once, small.
void make_smoke(Config &c)
{
    c.smoke = true;
    c.sizes = {10, 100};
    c.rounds = 60;
    c.linear_rounds = 60;
    c.warmup = 10;
    c.blocks = 2;
    c.latency_iterations = 200;
    c.ctl_sizes = {100};
    c.ctl_reps = 1;
    c.memory_size = 1000;
    c.close_instances = 10;
    c.close_fds = 100;
    c.harvest_size = 1000;
    c.harvest_actives = {64};
    c.reactor_connections = 100;
    c.reactor_requests = 5;
    c.reactor_rounds = 1;
}

} // namespace

Config parse_options(int argc, char **argv)
{
    Config c;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help")
            usage(0);
        if (arg == "--smoke") {
            make_smoke(c);
            continue;
        }
        if (i + 1 >= argc)
            usage(2);
        const std::string_view v = argv[++i];
        if (arg == "--timing")
            c.timing = v;
        else if (arg == "--icount-shift")
            c.icount_shift = static_cast<int>(number(v));
        else if (arg == "--suite")
            c.suite = v;
        else if (arg == "--sizes")
            c.sizes = numbers<std::size_t>(v);
        else if (arg == "--actives")
            c.actives = numbers<int>(v);
        else if (arg == "--rounds")
            c.rounds = static_cast<int>(number(v));
        else if (arg == "--linear-rounds")
            c.linear_rounds = static_cast<int>(number(v));
        else if (arg == "--warmup")
            c.warmup = static_cast<int>(number(v));
        else if (arg == "--blocks")
            c.blocks = std::max(1, static_cast<int>(number(v)));
        else if (arg == "--select-max")
            c.select_max = static_cast<std::size_t>(number(v));
        else if (arg == "--latency-iterations")
            c.latency_iterations = static_cast<int>(number(v));
        else if (arg == "--ctl-sizes")
            c.ctl_sizes = numbers<std::size_t>(v);
        else if (arg == "--ctl-reps")
            c.ctl_reps = std::max(1, static_cast<int>(number(v)));
        else if (arg == "--memory-size")
            c.memory_size = static_cast<std::size_t>(number(v));
        else if (arg == "--close-instances")
            c.close_instances = static_cast<std::size_t>(number(v));
        else if (arg == "--close-fds")
            c.close_fds = static_cast<std::size_t>(number(v));
        else if (arg == "--harvest-size")
            c.harvest_size = static_cast<std::size_t>(number(v));
        else if (arg == "--harvest-actives")
            c.harvest_actives = numbers<int>(v);
        else if (arg == "--reactor-connections")
            c.reactor_connections = static_cast<int>(number(v));
        else if (arg == "--reactor-requests")
            c.reactor_requests = static_cast<int>(number(v));
        else if (arg == "--reactor-rounds")
            c.reactor_rounds = std::max(1, static_cast<int>(number(v)));
        else if (arg == "--module-file")
            c.module_file = v;
        else if (arg == "--only")
            c.only = split(v);
        else
            usage(2);
    }
    return c;
}

bool wants(const Config &config, const std::string &section)
{
    if (config.only.empty())
        return true;
    for (const auto &s : config.only)
        if (s == section)
            return true;
    return false;
}

} // namespace myepoll::bench
