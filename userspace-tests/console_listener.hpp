// ConsoleListener: the test program's side of the console line protocol
// (docs/testing.md).  For every finished test it prints exactly one line
//   @@myepoll case <suite> pass|fail <TestSuite.TestName>
// and, being meant to replace gtest's default printer on the VM's slow
// serial console, prints details only for failures, plus a summary.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace myepoll::test
{

class ConsoleListener : public testing::EmptyTestEventListener
{
  public:
    // terse: also print failure details and a summary (when gtest's own
    // printer has been removed).
    ConsoleListener(std::string suite, bool terse) : suite_(std::move(suite)), terse_(terse) {}

    void OnTestProgramStart(const testing::UnitTest &unit) override;
    void OnTestStart(const testing::TestInfo &info) override;
    void OnTestPartResult(const testing::TestPartResult &result) override;
    void OnTestEnd(const testing::TestInfo &info) override;
    void OnTestProgramEnd(const testing::UnitTest &unit) override;

  private:
    std::string suite_;
    bool terse_;
    std::string current_; // the running test (gtest's lock is held in OnTestPartResult)
    std::vector<std::string> failed_;
};

} // namespace myepoll::test
