#include "options.hpp"

#include <getopt.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <system_error>

namespace myepoll::demo
{
namespace
{

void print_usage(std::FILE *out, const char *argv0)
{
    std::fprintf(out,
                 "usage: %s [options]\n"
                 "\n"
                 "Single-threaded Reactor echo server (Redis ae style) driven by a load\n"
                 "generator on another thread; runs once per backend and compares them.\n"
                 "\n"
                 "  --backend native|myepoll|both  readiness API of the server (default both)\n"
                 "  --connections N                concurrent connections (default 1000)\n"
                 "  --requests R                   requests per connection (default 20)\n"
                 "  --size B                       bytes per request (default 64)\n"
                 "  --timeout-s S                  time limit per backend (default 60)\n"
                 "  --connect-batch K              client connects in progress at once "
                 "(default 256)\n"
                 "  --backlog N                    listen backlog (default 4096)\n"
                 "  --max-events N                 server events per wait (default 1024)\n"
                 "  --help                         this text\n"
                 "\n"
                 "Prints a table and one line per backend:\n"
                 "  @@myepoll case demo pass|fail <backend>\n"
                 "Exit status: 0 all passed, 1 a backend failed, 2 bad usage.\n",
                 argv0);
}

// Parses a decimal integer in [lo, hi]; nullopt otherwise.
template <typename T> std::optional<T> parse_number(std::string_view text, T lo, T hi)
{
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < lo || value > hi)
        return std::nullopt;
    return value;
}

enum OptionId {
    kBackend = 1000,
    kConnections,
    kRequests,
    kSize,
    kTimeout,
    kConnectBatch,
    kBacklog,
    kMaxEvents,
    kHelp,
};

} // namespace

ParsedOptions parse_options(int argc, char **argv)
{
    static const option long_options[] = {
        {"backend", required_argument, nullptr, kBackend},
        {"connections", required_argument, nullptr, kConnections},
        {"requests", required_argument, nullptr, kRequests},
        {"size", required_argument, nullptr, kSize},
        {"timeout-s", required_argument, nullptr, kTimeout},
        {"connect-batch", required_argument, nullptr, kConnectBatch},
        {"backlog", required_argument, nullptr, kBacklog},
        {"max-events", required_argument, nullptr, kMaxEvents},
        {"help", no_argument, nullptr, kHelp},
        {nullptr, 0, nullptr, 0},
    };
    const char *argv0 = argc > 0 ? argv[0] : "demo";
    auto bad = [&](const std::string &message) {
        std::fprintf(stderr, "%s: %s\n\n", argv0, message.c_str());
        print_usage(stderr, argv0);
        return ParsedOptions{std::nullopt, 2};
    };

    Options opts;
    opterr = 0;
    optind = 1;
    int id;
    while ((id = getopt_long(argc, argv, ":", long_options, nullptr)) != -1) {
        const std::string_view arg = optarg ? optarg : "";
        const std::string name = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        auto number = [&](auto lo, auto hi) { return parse_number<decltype(lo)>(arg, lo, hi); };
        switch (id) {
        case kBackend:
            if (arg == "native")
                opts.backends = {BackendKind::Native};
            else if (arg == "myepoll")
                opts.backends = {BackendKind::MyEpoll};
            else if (arg == "both")
                opts.backends = {BackendKind::Native, BackendKind::MyEpoll};
            else
                return bad("--backend must be native, myepoll or both, not '" + std::string(arg) +
                           "'");
            break;
        case kConnections:
            if (auto v = number(1, 1'000'000))
                opts.connections = *v;
            else
                return bad("--connections must be 1 .. 1000000");
            break;
        case kRequests:
            if (auto v = number(1, 1'000'000'000))
                opts.requests = *v;
            else
                return bad("--requests must be 1 .. 1000000000");
            break;
        case kSize:
            if (auto v = number(std::size_t{1}, std::size_t{16} << 20))
                opts.size = *v;
            else
                return bad("--size must be 1 .. 16777216");
            break;
        case kTimeout:
            if (auto v = number(1, 86'400))
                opts.timeout_s = *v;
            else
                return bad("--timeout-s must be 1 .. 86400");
            break;
        case kConnectBatch:
            if (auto v = number(1, 1'000'000))
                opts.connect_batch = *v;
            else
                return bad("--connect-batch must be 1 .. 1000000");
            break;
        case kBacklog:
            if (auto v = number(1, 1 << 20))
                opts.backlog = *v;
            else
                return bad("--backlog must be 1 .. 1048576");
            break;
        case kMaxEvents:
            if (auto v = number(1, 1 << 16))
                opts.max_events = *v;
            else
                return bad("--max-events must be 1 .. 65536");
            break;
        case kHelp:
            print_usage(stdout, argv0);
            return {std::nullopt, 0};
        case ':':
            return bad("option " + name + " needs a value");
        default:
            return bad("unknown option " + name);
        }
    }
    if (optind < argc)
        return bad("unexpected argument '" + std::string(argv[optind]) + "'");
    return {opts, 0};
}

} // namespace myepoll::demo
