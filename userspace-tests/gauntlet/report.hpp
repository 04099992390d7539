// Report: the console protocol of docs/testing.md for one suite.
//
//   @@myepoll case <suite> pass|fail <name>
//   @@myepoll note <suite>: <text>
//
// Lines are written whole with one write(2), from any thread.  A failed
// case is preceded by a "<suite>: <name>: <why>" line.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

namespace gauntlet
{

class Report
{
  public:
    explicit Report(std::string suite) : suite_(std::move(suite)) {}

    void pass(std::string_view name);
    void fail(std::string_view name, std::string_view why);
    // pass(name) if why is empty, else fail(name, why).
    void check(std::string_view name, std::string_view why);
    void note(std::string_view text);
    // A plain diagnostic line, prefixed with the suite name.
    void say(std::string_view text);

    [[nodiscard]] int failures() const noexcept { return failures_.load(); }
    [[nodiscard]] int passes() const noexcept { return passes_.load(); }
    [[nodiscard]] const std::string &suite() const noexcept { return suite_; }

  private:
    std::string suite_;
    std::atomic<int> failures_{0};
    std::atomic<int> passes_{0};
};

// One line to stdout in a single write(2), drained to the terminal (the
// serial console) before returning.
void write_line(std::string_view line);

} // namespace gauntlet
