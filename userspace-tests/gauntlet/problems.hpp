// Problems: failures found by many threads, collected per check name with a
// count and the first few descriptions, then reported as one case each.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "report.hpp"

namespace gauntlet
{

class Problems
{
  public:
    static constexpr size_t kKeep = 6; // descriptions kept per check

    void add(std::string_view check, std::string text);
    [[nodiscard]] size_t count(std::string_view check) const;
    // One case per name in checks: pass if nothing was added under it,
    // else fail with the count and the first descriptions.
    void report(Report &report, const std::vector<std::string> &checks) const;
    // Checks with problems that are not in checks (a bug of the caller).
    [[nodiscard]] std::vector<std::string> others(const std::vector<std::string> &checks) const;

  private:
    struct Entry {
        size_t count = 0;
        std::vector<std::string> first;
    };
    mutable std::mutex mu_;
    std::map<std::string, Entry, std::less<>> entries_;
};

} // namespace gauntlet
