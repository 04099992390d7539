#include "checks.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace myepoll::bench
{

namespace
{

class Cases
{
  public:
    explicit Cases(std::string suite) : suite_(std::move(suite)) {}

    void report(const std::string &name, bool ok, const std::string &why)
    {
        if (!ok) {
            std::printf("%s: %s: %s\n", suite_.c_str(), name.c_str(), why.c_str());
            ++failed_;
        }
        std::printf("@@myepoll case %s %s %s\n", suite_.c_str(), ok ? "pass" : "fail",
                    name.c_str());
    }
    [[nodiscard]] int failed() const noexcept { return failed_; }

  private:
    std::string suite_;
    int failed_ = 0;
};

void check_scaling(const Results &r, Cases &cases)
{
    for (const auto &row : r.scaling) {
        if (row.api != Api::MyEpoll)
            continue;
        const std::string name = "scaling-n" + std::to_string(row.n) + "-k" + std::to_string(row.k);
        std::string why;
        for (const auto &other : r.scaling) {
            if (other.n != row.n || other.k != row.k)
                continue;
            if (other.events == 0 || other.wait.count == 0)
                why += std::string(api_name(other.api)) + " reported no events; ";
            else if (other.events != other.expected)
                why += std::string(api_name(other.api)) + " reported " +
                       std::to_string(other.events) + " events, expected " +
                       std::to_string(other.expected) + "; ";
            if (other.api == Api::Native && other.events != row.events)
                why += "myepoll " + std::to_string(row.events) + " events vs native " +
                       std::to_string(other.events) + "; ";
        }
        cases.report(name, why.empty(), why);
    }
}

void check_latency(const Results &r, Cases &cases)
{
    for (const auto &row : r.latency) {
        const bool ok = row.rtt.count > 0 && row.rtt.median > 0;
        cases.report("latency-" + std::string(api_name(row.api)), ok, "no round trips timed");
    }
}

void check_control(const Results &r, Cases &cases)
{
    for (const auto &row : r.control) {
        const bool ok = row.add.median > 0 && row.mod.median > 0 && row.del.median > 0;
        cases.report("control-n" + std::to_string(row.n) + "-" + control_label(row), ok,
                     "a ctl rate is zero");
    }
}

void check_harvest(const Results &r, Cases &cases)
{
    for (const auto &row : r.harvest) {
        if (row.config == "writes-only" || row.config == "native-disarmed")
            continue;
        const bool ok = row.round.count > 0 && row.events == row.expected;
        cases.report("harvest-k" + std::to_string(row.k) + "-" + row.config, ok,
                     std::to_string(row.events) + " events, expected " +
                         std::to_string(row.expected));
    }
}

void check_reactor(const Results &r, Cases &cases)
{
    for (const auto &row : r.reactor)
        cases.report("reactor-" + row.config, row.problems.empty() && row.requests > 0,
                     row.problems.empty() ? "no request completed" : row.problems);
}

void check_floor(const Results &r, Cases &cases)
{
    for (const auto &row : r.floor)
        cases.report("floor-" + row.op, row.cost.count > 0, "no calls timed");
}

void check_memory(const Results &r, Cases &cases)
{
    for (const auto &row : r.memory) {
        const bool ok = row.slab_per_watch > 0;
        cases.report("memory-" + std::string(api_name(row.api)), ok,
                     "no slab growth seen for the watches");
    }
}

// Every close timed and none failed; every ADD of the items returned 0.
void check_close(const Config &config, const Results &r, Cases &cases)
{
    const auto rounds = static_cast<std::size_t>(config.rounds);
    for (const auto &row : r.close) {
        std::string why = row.error.empty() ? "" : row.error + "; ";
        if (row.error.empty() && row.cost.count != rounds)
            why += "timed " + std::to_string(row.cost.count) + " closes of " +
                   std::to_string(rounds) + "; ";
        if (row.close_errors > 0)
            why += std::to_string(row.close_errors) + " close() calls failed; ";
        if (row.added != row.items)
            why += std::to_string(row.items - row.added) + " of " + std::to_string(row.items) +
                   " ADDs failed (" + std::strerror(row.add_errno) + "); ";
        cases.report("close-" + row.module + "-items" + std::to_string(row.items), why.empty(),
                     why);
    }
}

} // namespace

int print_checks(const Config &config, const Results &results)
{
    Cases cases(config.suite);
    check_close(config, results, cases);
    check_floor(results, cases);
    check_scaling(results, cases);
    check_latency(results, cases);
    check_harvest(results, cases);
    check_reactor(results, cases);
    check_control(results, cases);
    check_memory(results, cases);
    std::fflush(stdout);
    return cases.failed();
}

} // namespace myepoll::bench
