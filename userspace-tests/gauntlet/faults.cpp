// gauntlet faults: CREATE, CTL ADD/MOD/DEL, WAIT and the close paths, each
// stepped through every fault-injection point it reaches (fail_nth.hpp,
// fault_stepper.hpp, fault_fixtures.hpp).
//
// Pass 1 fails every injectable point of the calling thread: the module's
// slab caches and kmallocs, the kernel's own allocations on the way (anon
// inode file, dentry, fsnotify mark connector, fd table...), user copies.
// Pass 2 (when the kernel was booted with slub_debug=A,myep_*) counts only
// the module's caches among slab allocations (failslab cache-filter).
//
// Options: --max-points N per operation (400)
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>

#include <cerrno>
#include <string>
#include <vector>

#include "calls.hpp"
#include "fault_fixtures.hpp"
#include "fdinfo.hpp"
#include "format.hpp"
#include "parts.hpp"

namespace gauntlet
{

namespace
{

struct Operation {
    std::string name;
    FixtureFactory make;
};

std::vector<Operation> all_operations(FaultEnv env)
{
    std::vector<Operation> ops = {{"create", create_fixture(env)}};
    for (EndpointKind kind : {EndpointKind::UnixStream, EndpointKind::UnixDgram, EndpointKind::Tcp,
                              EndpointKind::Pipe, EndpointKind::EventFd, EndpointKind::SignalFd})
        ops.push_back({"ctl-add-" + std::string(kind_name(kind)),
                       add_fixture(env, AddTarget::Endpoint, kind)});
    ops.push_back(
        {"ctl-add-instance", add_fixture(env, AddTarget::Instance, EndpointKind::UnixStream)});
    ops.push_back({"ctl-add-dup-of-watched",
                   add_fixture(env, AddTarget::DupOfWatched, EndpointKind::UnixStream)});
    ops.push_back({"ctl-add-watched-elsewhere",
                   add_fixture(env, AddTarget::WatchedElsewhere, EndpointKind::UnixStream)});
    ops.push_back({"ctl-mod", mod_fixture(env)});
    ops.push_back({"ctl-del", del_fixture(env)});
    ops.push_back({"wait", wait_fixture(env, false, false)});
    ops.push_back({"wait-sigmask", wait_fixture(env, true, false)});
    ops.push_back({"wait-nested", wait_fixture(env, false, true)});
    ops.push_back({"close-watched", close_watched_fixture(env)});
    ops.push_back({"close-instance", close_instance_fixture(env)});
    return ops;
}

std::vector<Operation> module_cache_operations(FaultEnv env)
{
    return {
        {"module-caches-create", create_fixture(env)},
        {"module-caches-ctl-add-unix-stream",
         add_fixture(env, AddTarget::Endpoint, EndpointKind::UnixStream)},
        {"module-caches-ctl-add-unix-dgram",
         add_fixture(env, AddTarget::Endpoint, EndpointKind::UnixDgram)},
        {"module-caches-ctl-add-tcp", add_fixture(env, AddTarget::Endpoint, EndpointKind::Tcp)},
        {"module-caches-ctl-add-instance",
         add_fixture(env, AddTarget::Instance, EndpointKind::UnixStream)},
        {"module-caches-ctl-add-dup-of-watched",
         add_fixture(env, AddTarget::DupOfWatched, EndpointKind::UnixStream)},
    };
}

struct Totals {
    unsigned operations = 0, points = 0, named = 0, absorbed = 0;
};

void run_pass(FailNth &fail, KmsgReader &kmsg, Report &report, FaultEnv env, unsigned max,
              const std::vector<Operation> &ops, Totals *totals)
{
    FaultStepper stepper(fail, kmsg, report, env.instance, max);
    for (const Operation &op : ops) {
        const StepStats stats = stepper.run(op.name, op.make);
        ++totals->operations;
        totals->points += stats.points;
        totals->named += stats.named;
        totals->absorbed += stats.absorbed;
    }
}

std::string totals_text(const Totals &t)
{
    return std::to_string(t.operations) + " operations, " + std::to_string(t.points) +
           " injection points stepped (" + std::to_string(t.named) + " named sites, " +
           std::to_string(t.points - t.named) + " silent), " + std::to_string(t.absorbed) +
           " faults absorbed by a successful call";
}

} // namespace

int run_faults(const Options &options, Report &report)
{
    const unsigned max = static_cast<unsigned>(options.number("max-points", 400));
    reject_unused(options);

    // No page faults of our own while a fault is armed: a failed page-table
    // allocation in user mode would call the OOM killer.
    if (::mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        report.note("mlockall failed: " + rc_name(-errno));
    // The signalfd fixture is made ready by SIGUSR1 to ourselves.
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &usr1, nullptr);

    UniqueFd dev = open_device();
    if (!dev) {
        report.fail("setup", "cannot open " MYEPOLL_DEVICE ": " + rc_name(-errno));
        return 1;
    }
    const int made = create(dev.get(), O_CLOEXEC);
    if (made < 0) {
        report.fail("setup", "CREATE: " + rc_name(made));
        return 1;
    }
    UniqueFd instance(made);
    const FaultEnv env{dev.get(), instance.get()};
    KmsgReader kmsg;
    if (!kmsg.ok())
        report.note("no /dev/kmsg: fault sites will not be named");

    std::string why;
    Totals all;
    {
        auto fail = FailNth::setup(false, &why);
        if (!fail) {
            report.fail("fault-injection-available", why);
            return 1;
        }
        run_pass(*fail, kmsg, report, env, max, all_operations(env), &all);
    }
    report.note("every injectable point: " + totals_text(all));

    if (module_caches_flagged()) {
        Totals module;
        auto fail = FailNth::setup(true, &why);
        if (!fail) {
            report.fail("fault-injection-available", why);
            return 1;
        }
        run_pass(*fail, kmsg, report, env, max, module_cache_operations(env), &module);
        report.note("module caches only (cache-filter): " + totals_text(module));
    } else {
        report.note("module-cache pass not run: the module's caches are not flagged for "
                    "failslab (boot with slub_debug=A,myep_*)");
    }

    const auto items = read_fdinfo(instance.get());
    report.check("instance-clean-at-end",
                 !items ? "cannot read fdinfo"
                 : items->empty()
                     ? ""
                     : std::to_string(items->size()) + " item(s) left in the persistent instance");
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
