// ConsoleListener (see console_listener.hpp).
#include <cstdio>

#include "console_listener.hpp"

namespace myepoll::test
{

namespace
{

std::string full_name(const testing::TestInfo &info)
{
    return std::string(info.test_suite_name()) + "." + info.name();
}

} // namespace

void ConsoleListener::OnTestProgramStart(const testing::UnitTest &unit)
{
    if (terse_) {
        std::printf("%s: %d tests\n", suite_.c_str(), unit.test_to_run_count());
        std::fflush(stdout);
    }
}

void ConsoleListener::OnTestStart(const testing::TestInfo &info)
{
    current_ = full_name(info);
}

void ConsoleListener::OnTestPartResult(const testing::TestPartResult &result)
{
    if (!terse_ || !(result.failed() || result.skipped()))
        return;
    std::printf("%s:%d: %s in %s\n%s\n", result.file_name() ? result.file_name() : "?",
                result.line_number(), result.skipped() ? "skipped" : "failure", current_.c_str(),
                result.message());
    std::fflush(stdout);
}

void ConsoleListener::OnTestEnd(const testing::TestInfo &info)
{
    // A skipped test did not show anything: it counts as a failure.
    const testing::TestResult *result = info.result();
    const bool passed = result->Passed() && !result->Skipped();
    const std::string name = full_name(info);
    if (!passed)
        failed_.push_back(name);
    std::printf("@@myepoll case %s %s %s\n", suite_.c_str(), passed ? "pass" : "fail",
                name.c_str());
    std::fflush(stdout);
}

void ConsoleListener::OnTestProgramEnd(const testing::UnitTest &unit)
{
    if (!terse_)
        return;
    const int run = unit.test_to_run_count();
    std::printf("%s: %d passed, %d failed, %.1f s\n", suite_.c_str(),
                run - static_cast<int>(failed_.size()), static_cast<int>(failed_.size()),
                static_cast<double>(unit.elapsed_time()) / 1000.0);
    for (const std::string &name : failed_)
        std::printf("%s: FAILED %s\n", suite_.c_str(), name.c_str());
    std::fflush(stdout);
}

} // namespace myepoll::test
