// FaultStepper (see fault_stepper.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "fault_stepper.hpp"
#include "fdinfo.hpp"
#include "format.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

// The number the next open() would get.
int lowest_free_fd()
{
    const int fd = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
    if (fd >= 0)
        ::close(fd);
    return fd;
}

} // namespace

long expected_error(const Injection &injection)
{
    if (injection.site.rfind("fail_usercopy", 0) == 0)
        return -EFAULT;
    if (injection.site.rfind("failslab", 0) == 0 || injection.site.rfind("fail_page_alloc", 0) == 0)
        return -ENOMEM;
    return 0;
}

std::string check_rc(long rc, const Injection &injection)
{
    if (rc >= 0)
        return "";
    if (!injection.fired)
        return "failed with " + rc_name(rc) + " although no fault was injected";
    const long want = expected_error(injection);
    if (want != 0 ? rc == want : (rc == -ENOMEM || rc == -EFAULT))
        return "";
    return "failed with " + rc_name(rc) + ", expected " +
           (want != 0 ? rc_name(want) : std::string("ENOMEM or EFAULT")) + " for the fault at " +
           (injection.site.empty() ? std::string("a silent site") : injection.site);
}

std::string FaultStepper::after_step()
{
    const auto items = read_fdinfo(instance_);
    if (!items)
        return "cannot read the instance's fdinfo";
    if (!items->empty())
        return std::to_string(items->size()) + " item(s) left in the instance (tfd " +
               std::to_string(items->front().tfd) + ") after the fixture's files were closed";
    return check_usable(instance_, 0xfa170000ULL + ++serial_);
}

StepStats FaultStepper::run(const std::string &name, const FixtureFactory &make)
{
    StepStats stats;
    std::string problems;
    int bad_steps = 0;
    bool finished = false;
    for (unsigned n = 1; n <= max_points_ + 1 && !finished; ++n) {
        const int free_before = lowest_free_fd();
        std::string why;
        std::unique_ptr<FaultFixture> fixture = make(&why);
        if (!fixture) {
            report_.fail(name, "setup: " + why);
            return stats;
        }
        kmsg_.mark();
        Injection injection;
        if (!fail_.arm(n)) {
            report_.fail(name, "cannot arm fail-nth");
            return stats;
        }
        const long rc = fixture->call();
        injection.fired = fail_.disarm();
        if (injection.fired)
            injection.site = fault_site(kmsg_.take());
        std::string error = fixture->verify(rc, injection);
        fixture.reset();
        if (error.empty())
            error = after_step();
        const int free_after = lowest_free_fd();
        if (error.empty() && free_after != free_before)
            error = "fd leak: the lowest free fd went from " + std::to_string(free_before) +
                    " to " + std::to_string(free_after);
        if (!error.empty()) {
            if (++bad_steps <= 5)
                report_.say(name + ": step " + std::to_string(n) + " (" +
                            (injection.fired
                                 ? (injection.site.empty() ? "silent site" : injection.site)
                                 : std::string("no fault")) +
                            "): " + error);
            problems = "see the steps above";
        }
        if (!injection.fired) {
            finished = true;
            stats.points = n - 1;
            break;
        }
        ++stats.sites[injection.site.empty() ? "(silent)" : injection.site];
        if (!injection.site.empty())
            ++stats.named;
        if (rc >= 0)
            ++stats.absorbed;
    }
    if (!finished)
        problems += " [still faulting after " + std::to_string(max_points_) + " points]";
    std::string summary =
        std::to_string(stats.points) + " points, " + std::to_string(stats.named) + " named sites:";
    for (const auto &[site, count] : stats.sites)
        if (site != "(silent)")
            summary += " {" + site + (count > 1 ? " x" + std::to_string(count) : "") + "}";
    summary += " " + std::to_string(stats.points - stats.named) + " silent, " +
               std::to_string(stats.absorbed) + " absorbed";
    report_.say(name + ": " + summary);
    report_.check(name, problems);
    return stats;
}

} // namespace gauntlet
