// Options: "--name value" pairs after the subcommand, with typed getters
// that fall back to a default.  Unknown names are reported by unused().
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gauntlet
{

class Options
{
  public:
    // Throws std::invalid_argument on a malformed list.
    explicit Options(const std::vector<std::string> &args);

    uint64_t number(const std::string &name, uint64_t fallback) const;
    std::string text(const std::string &name, const std::string &fallback) const;
    bool has(const std::string &name) const;
    // Names given but never asked for (typos).
    std::vector<std::string> unused() const;

  private:
    std::map<std::string, std::string> values_;
    mutable std::set<std::string> asked_;
};

// A seed from the clock, for runs without --seed.
uint64_t clock_seed();

} // namespace gauntlet
