// Problems: per-check failure collection (see problems.hpp).
#include <algorithm>

#include "problems.hpp"

namespace gauntlet
{

void Problems::add(std::string_view check, std::string text)
{
    std::lock_guard lock(mu_);
    auto it = entries_.find(check);
    if (it == entries_.end())
        it = entries_.emplace(std::string(check), Entry{}).first;
    ++it->second.count;
    if (it->second.first.size() < kKeep)
        it->second.first.push_back(std::move(text));
}

size_t Problems::count(std::string_view check) const
{
    std::lock_guard lock(mu_);
    const auto it = entries_.find(check);
    return it == entries_.end() ? 0 : it->second.count;
}

void Problems::report(Report &report, const std::vector<std::string> &checks) const
{
    std::lock_guard lock(mu_);
    for (const auto &check : checks) {
        const auto it = entries_.find(check);
        if (it == entries_.end()) {
            report.pass(check);
            continue;
        }
        for (const auto &text : it->second.first)
            report.say(check + ": " + text);
        report.fail(check, std::to_string(it->second.count) + " problem(s), first listed above");
    }
}

std::vector<std::string> Problems::others(const std::vector<std::string> &checks) const
{
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto &[name, entry] : entries_)
        if (std::find(checks.begin(), checks.end(), name) == checks.end())
            out.push_back(name);
    return out;
}

} // namespace gauntlet
