// build/gauntlet: the reliability gauntlet of the myepoll module
// (docs/reliability.md).  Runs in the test VM, on the debug kernel, and
// reports through the console protocol of docs/testing.md.
//
//   gauntlet races    [--threads N --rounds N --slots N --forks N --seed S]
//   gauntlet faults   [--max-points N]
//   gauntlet fuzz     [--calls N --threads N --seed S --seconds N]
//   gauntlet lifetime [--cycles N --module PATH --seed S]
//   gauntlet leaks    [--settle N --kmemleak 0|1 --age N]
//   gauntlet delivery [--cycles N --backends native,myepoll --hogs K --deadline-ms N
//                      --bounds 40,200 --seed S]
//   gauntlet two-writes [--runs N --cases 16,56,58 --backends native,myepoll --hogs K]
//
// Every subcommand also takes --suite NAME, the suite name in its case
// lines (default: the subcommand).  Exit status: 0 if every case passed,
// 1 if one failed, 2 for a usage error.
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "parts.hpp"

namespace gauntlet
{

void reject_unused(const Options &options)
{
    const auto unused = options.unused();
    if (unused.empty())
        return;
    std::string names;
    for (const auto &name : unused)
        names += " " + name;
    throw std::invalid_argument("unknown option(s):" + names);
}

} // namespace gauntlet

int main(int argc, char **argv)
{
    using namespace gauntlet;
    const std::map<std::string, int (*)(const Options &, Report &)> parts = {
        {"races", run_races},           {"faults", run_faults}, {"fuzz", run_fuzz},
        {"lifetime", run_lifetime},     {"leaks", run_leaks},   {"delivery", run_delivery},
        {"two-writes", run_two_writes},
    };
    if (argc < 2 || parts.count(argv[1]) == 0) {
        std::fprintf(stderr, "usage: gauntlet races|faults|fuzz|lifetime|leaks|delivery|two-writes "
                             "[--option value]...\n"
                             "(see docs/reliability.md)\n");
        return 2;
    }
    const std::string part = argv[1];
    std::unique_ptr<Options> options;
    try {
        options = std::make_unique<Options>(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const std::invalid_argument &e) {
        std::fprintf(stderr, "gauntlet %s: %s\n", part.c_str(), e.what());
        return 2;
    }
    Report report(options->text("suite", part));
    try {
        return parts.at(part)(*options, report);
    } catch (const std::invalid_argument &e) { // bad option values
        std::fprintf(stderr, "gauntlet %s: %s\n", part.c_str(), e.what());
        return 2;
    } catch (const std::exception &e) {
        report.fail(part + "-unexpected-exception", e.what());
        return 1;
    }
}
