// gauntlet lifetime: the module's own lifetime and that of what it hooks.
//
//   rmmod-refused-*       delete_module(O_NONBLOCK) while the device, an
//                         instance, or a forked child's instance is open
//                         fails with EWOULDBLOCK/EBUSY and nothing breaks
//   insmod-while-loaded   finit_module of a loaded module: EEXIST
//   pollfree-*            pollfree.hpp
//   cycles                N x (rmmod -> insmod -> workload -> close), the
//                         workload's watched sockets outliving the module;
//                         every few cycles with fs.epoll.max_user_watches=100 (ENOSPC
//                         checked) or with an instance open at rmmod time
//
// Run it with no other user of the module.  It leaves the module loaded.
// Options: --cycles N (100) --module PATH (/myepoll.ko) --seed S
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "calls.hpp"
#include "cycle_workload.hpp"
#include "format.hpp"
#include "module_loader.hpp"
#include "parts.hpp"
#include "pollfree.hpp"
#include "slab_objects.hpp"
#include "sysfs_file.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

const std::string kModule = "myepoll";

bool refused(long rc)
{
    return rc == -EWOULDBLOCK || rc == -EBUSY;
}

// rmmod must fail now, and leave the module live.
std::string expect_refused(const char *while_what)
{
    const long rc = unload_module(kModule);
    if (!refused(rc))
        return std::string("delete_module while ") + while_what + " returned " + rc_name(rc) +
               ", expected EWOULDBLOCK or EBUSY";
    const auto state = module_state(kModule);
    if (!state || state->state != "Live")
        return "the module is not live after the refused rmmod";
    return "";
}

std::string rmmod_with_device_open()
{
    UniqueFd dev = open_device();
    if (!dev)
        return "open " MYEPOLL_DEVICE ": " + rc_name(-errno);
    std::string why = expect_refused(MYEPOLL_DEVICE " is open");
    if (!why.empty())
        return why;
    UniqueFd instance(create(dev.get(), O_CLOEXEC));
    if (!instance)
        return "CREATE after the refused rmmod failed";
    return check_usable(instance.get(), 0x11fe01);
}

std::string rmmod_with_instance_open()
{
    UniqueFd instance;
    UniqueFd nested;
    {
        UniqueFd dev = open_device();
        if (!dev)
            return "open " MYEPOLL_DEVICE ": " + rc_name(-errno);
        instance.reset(create(dev.get(), O_CLOEXEC));
        nested.reset(create(dev.get(), O_CLOEXEC));
    } // only the instances hold the module now
    if (!instance || !nested)
        return "CREATE failed";
    Endpoint ep = make_endpoint(EndpointKind::UnixStream);
    if (ctl(nested.get(), EPOLL_CTL_ADD, ep.watched.get(), EPOLLIN, 1) != 0 ||
        ctl(instance.get(), EPOLL_CTL_ADD, nested.get(), EPOLLIN, 2) != 0)
        return "ADD failed";
    std::string why = expect_refused("an instance is open");
    if (!why.empty())
        return why;
    why = check_usable(instance.get(), 0x11fe02);
    if (!why.empty())
        return why;
    ep = Endpoint{}; // close tracking, after the refused rmmod
    nested.reset();
    why = expect_refused("an instance is still open");
    return why.empty() ? check_usable(instance.get(), 0x11fe03) : why;
}

std::string rmmod_with_child_instance()
{
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return "pipe: " + rc_name(-errno);
    UniqueFd rd(pipefd[0]), wr(pipefd[1]);
    UniqueFd instance;
    {
        UniqueFd dev = open_device();
        instance.reset(create(dev.get(), O_CLOEXEC));
    }
    if (!instance)
        return "CREATE failed";
    const pid_t pid = ::fork();
    if (pid == 0) { // keeps its copy of the instance until the parent writes
        wr.reset();
        char byte;
        const bool ok = ::read(rd.get(), &byte, 1) == 1 &&
                        wait(instance.get(), nullptr, 1, 0) == 0; // still usable
        ::_exit(ok ? 0 : 1);
    }
    if (pid < 0)
        return "fork: " + rc_name(-errno);
    rd.reset();
    instance.reset(); // only the child holds it now
    std::string why = expect_refused("a child holds an instance");
    const char byte = 'g';
    (void)::write(wr.get(), &byte, 1);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (why.empty() && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
        why = "the child could not use its instance after the refused rmmod";
    return why;
}

std::string pollfree(PollfreeEnd end)
{
    UniqueFd dev = open_device();
    if (!dev)
        return "open " MYEPOLL_DEVICE ": " + rc_name(-errno);
    return run_pollfree(dev.get(), end);
}

// The module is gone: no module, no device node, no caches.
std::string check_unloaded()
{
    if (module_state(kModule))
        return "still in /proc/modules after rmmod";
    if (path_exists(MYEPOLL_DEVICE))
        return MYEPOLL_DEVICE " still exists after rmmod";
    // (A merged cache leaves its alias symlink behind: only a directory counts.)
    if (slab_objects("myep_item") && !slab_objects("myep_item")->merged)
        return "slab cache myep_item still exists after rmmod";
    return "";
}

std::string one_cycle(unsigned c, const std::string &path, Rng &rng,
                      std::vector<Endpoint> *survivors)
{
    long rc = unload_module(kModule);
    if (rc != 0)
        return "rmmod: " + rc_name(rc);
    std::string why = check_unloaded();
    if (!why.empty())
        return why;
    // Sockets the last workload watched outlive the module: no mark, no
    // wait entry of the module may be left on them.
    for (Endpoint &ep : *survivors) {
        ep.poke();
        ep.drain();
    }
    survivors->clear();

    // The module reads fs.epoll.max_user_watches at load (module/limits.c).
    const bool limited = c % 10 == 3;
    SettingsGuard watch_limit;
    if (limited && !watch_limit.set("/proc/sys/fs/epoll/max_user_watches", "100"))
        return "cannot set fs.epoll.max_user_watches";
    rc = load_module(path, "");
    if (rc != 0)
        return "insmod: " + rc_name(rc);
    const auto state = module_state(kModule);
    if (!state || state->state != "Live" || state->refcount != 0)
        return "after insmod: not live with no users";
    if (!path_exists(MYEPOLL_DEVICE))
        return "no " MYEPOLL_DEVICE " after insmod";
    if (limited) {
        why = run_watch_limit(100);
        if (!why.empty())
            return "watch limit: " + why;
    }
    if (c % 10 == 7) {
        UniqueFd dev = open_device();
        UniqueFd instance(create(dev.get(), 0));
        dev.reset();
        why = expect_refused("an instance is open");
        if (!why.empty())
            return why;
    }
    why = run_cycle_workload(rng, survivors);
    if (!why.empty())
        return "workload: " + why;
    const auto after = module_state(kModule);
    if (!after || after->refcount != 0)
        return "module refcount " + std::to_string(after ? after->refcount : -1) +
               " after every file was closed";
    return "";
}

} // namespace

int run_lifetime(const Options &options, Report &report)
{
    const unsigned cycles = static_cast<unsigned>(options.number("cycles", 100));
    const std::string path = options.text("module", "/myepoll.ko");
    const uint64_t seed = options.number("seed", clock_seed());
    reject_unused(options);
    report.note("seed " + std::to_string(seed) + ", " + std::to_string(cycles) + " cycles, " +
                path);
    if (!module_state(kModule)) {
        report.fail("setup", "the module is not loaded");
        return 1;
    }

    auto run = [&report](const char *name, std::string (*fn)()) {
        std::string why;
        try {
            why = fn();
        } catch (const std::exception &e) {
            why = e.what();
        }
        report.check(name, why);
    };
    run("rmmod-refused-device-open", rmmod_with_device_open);
    run("rmmod-refused-instance-open", rmmod_with_instance_open);
    run("rmmod-refused-child-holds-instance", rmmod_with_child_instance);
    report.check("insmod-while-loaded", [&] {
        const long rc = load_module(path);
        return rc == -EEXIST
                   ? std::string()
                   : "finit_module of the loaded module: " + rc_name(rc) + ", expected EEXIST";
    }());
    report.check("pollfree-del", pollfree(PollfreeEnd::Del));
    report.check("pollfree-close-file", pollfree(PollfreeEnd::CloseFile));
    report.check("pollfree-close-instance", pollfree(PollfreeEnd::CloseInstance));

    Rng rng(seed);
    std::vector<Endpoint> survivors;
    std::string why;
    unsigned done = 0;
    const auto start = std::chrono::steady_clock::now();
    for (; done < cycles && why.empty(); ++done) {
        try {
            why = one_cycle(done, path, rng, &survivors);
        } catch (const std::exception &e) {
            why = e.what();
        }
        if (!why.empty())
            why = "cycle " + std::to_string(done + 1) + ": " + why;
    }
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report.note(std::to_string(done) + " cycles in " + std::to_string(took) + " s");
    // Leave it loaded, whatever happened.
    survivors.clear();
    if (!module_state(kModule)) {
        const long rc = load_module(path);
        if (rc != 0)
            why += " [reloading at the end: " + rc_name(rc) + "]";
    }
    report.check("cycles", why);
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
