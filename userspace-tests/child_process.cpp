// ChildProcess (see child_process.hpp).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "child_process.hpp"

namespace myepoll::test
{

void ChildReport::put(long value) const
{
    // A pipe write of a few bytes is atomic; the parent reads after exit.
    if (::write(fd_, &value, sizeof(value)) != sizeof(value))
        ::_exit(126);
}

ChildProcess::ChildProcess(Body body)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0)
        throw std::system_error(errno, std::generic_category(), "pipe2");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::system_error(errno, std::generic_category(), "fork");
    if (pid_ == 0) {
        int status = 125;
        try {
            ChildReport report(write_end.get());
            status = body(report);
        } catch (...) {
            status = 124;
        }
        ::_exit(status);
    }
    reports_ = std::move(read_end);
}

ChildProcess::~ChildProcess()
{
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        wait();
    }
}

int ChildProcess::wait()
{
    int status = 0;
    pid_t rc;
    do
        rc = ::waitpid(pid_, &status, 0);
    while (rc < 0 && errno == EINTR);
    reaped_ = true;
    if (rc < 0)
        return -errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<long> ChildProcess::reports()
{
    std::vector<long> values;
    long value;
    while (::read(reports_.get(), &value, sizeof(value)) == sizeof(value))
        values.push_back(value);
    return values;
}

std::optional<long> ChildProcess::next_report(std::chrono::milliseconds deadline)
{
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        pollfd pfd{reports_.get(), POLLIN, 0};
        const int rc = ::poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 0)));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            return std::nullopt;
        long value;
        if (::read(reports_.get(), &value, sizeof(value)) != sizeof(value))
            return std::nullopt; // exited without a report
        return value;
    }
}

} // namespace myepoll::test
