// Check and run_cases().
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "check.hpp"
#include "unique_fd.hpp"

namespace myepoll::shim_check
{

namespace
{

constexpr int kCaseTimeoutMs = 20'000;

std::string outcome(long rc, int err)
{
    if (rc >= 0 || err == 0)
        return std::to_string(rc);
    return std::to_string(rc) + " (" + ::strerrorname_np(err) + ")";
}

void write_all(int fd, const std::string &text)
{
    for (size_t off = 0; off < text.size();) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n <= 0)
            return;
        off += static_cast<size_t>(n);
    }
}

// The child: run the case, send its failures (one per line) to `out`.
[[noreturn]] void run_child(const Case &c, int out)
{
    Check check;
    try {
        c.run(check);
    } catch (const std::exception &e) {
        check.expect(false, std::string("exception: ") + e.what());
    }
    std::string text;
    for (const auto &f : check.failures())
        text += f + "\n";
    write_all(out, text);
    ::_exit(check.failures().empty() ? 0 : 1);
}

} // namespace

void Check::expect(bool ok, std::string_view what)
{
    if (!ok)
        failures_.emplace_back(what);
}

void Check::expect_result(std::string_view what, long got, int got_errno, long want, int want_errno)
{
    const bool same = (got < 0) == (want < 0) && (got >= 0 || got_errno == want_errno);
    if (!same)
        failures_.push_back(std::string(what) + ": shim " + outcome(got, got_errno) + ", native " +
                            outcome(want, want_errno));
}

int run_cases(const std::vector<Case> &cases, std::string_view suite)
{
    int failed = 0;
    for (const Case &c : cases) {
        std::fflush(stdout);
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            std::perror("shim_check: pipe2");
            return static_cast<int>(cases.size());
        }
        UniqueFd in(fds[0]);
        UniqueFd out(fds[1]);
        const pid_t pid = ::fork();
        if (pid == 0) {
            in.reset();
            run_child(c, out.get());
        }
        out.reset();
        std::string report;
        bool timed_out = false;
        for (;;) {
            pollfd p{in.get(), POLLIN, 0};
            const int ready = ::poll(&p, 1, kCaseTimeoutMs);
            if (ready == 0) {
                timed_out = true;
                ::kill(pid, SIGKILL);
                break;
            }
            char buf[4096];
            const ssize_t n = ready < 0 ? -1 : ::read(in.get(), buf, sizeof(buf));
            if (n <= 0)
                break;
            report.append(buf, static_cast<size_t>(n));
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        bool ok = !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (timed_out)
            report += "timed out after " + std::to_string(kCaseTimeoutMs / 1000) + " s\n";
        else if (WIFSIGNALED(status))
            report += std::string("killed by signal ") + ::sigabbrev_np(WTERMSIG(status)) + "\n";
        else if (!ok && report.empty())
            report = "exit status " + std::to_string(WEXITSTATUS(status)) + "\n";
        size_t start = 0;
        while (start < report.size()) {
            const size_t end = report.find('\n', start);
            std::printf("shim_check: %s: %s\n", c.name.c_str(),
                        report.substr(start, end - start).c_str());
            start = end == std::string::npos ? report.size() : end + 1;
        }
        std::printf("@@myepoll case %.*s %s %s\n", static_cast<int>(suite.size()), suite.data(),
                    ok ? "pass" : "fail", c.name.c_str());
        failed += ok ? 0 : 1;
    }
    std::fflush(stdout);
    return failed;
}

} // namespace myepoll::shim_check
