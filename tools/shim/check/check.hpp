// A minimal case runner: each case is a function that records failed
// expectations; the runner prints one "@@myepoll case SUITE pass|fail NAME"
// line per case (docs/testing.md) with the failures before it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace myepoll::shim_check
{

class Check
{
  public:
    // Records a failure unless `ok`.
    void expect(bool ok, std::string_view what);
    // A call's outcome: its return value and, when it failed, errno.
    void expect_result(std::string_view what, long got, int got_errno, long want, int want_errno);
    [[nodiscard]] const std::vector<std::string> &failures() const noexcept { return failures_; }

  private:
    std::vector<std::string> failures_;
};

struct Case {
    std::string name;
    std::function<void(Check &)> run;
};

// All the cases (cases.cpp).
std::vector<Case> all_cases();

// Runs every case, each in a forked child (a crash or a hang fails that
// case only); returns the number of failed cases.
int run_cases(const std::vector<Case> &cases, std::string_view suite);

} // namespace myepoll::shim_check
