// ChildProcess (see child_process.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

} // namespace myepoll::test
