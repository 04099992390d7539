// FuzzWorker (see fuzz_worker.hpp).
#include <fcntl.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <string>

#include "calls.hpp"
#include "format.hpp"
#include "fuzz_worker.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

constexpr size_t kMaxOwnInstances = 6;
constexpr size_t kEndpoints = 6;

uint64_t now_ns()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

void put(uint64_t addr, const void *data, size_t size)
{
    std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(addr)), data, size);
}

bool known_cmd(unsigned long cmd)
{
    return cmd == MYEPOLL_IOC_CREATE || cmd == MYEPOLL_IOC_CTL || cmd == MYEPOLL_IOC_WAIT ||
           cmd == MYEPOLL_IOC_CTL_BATCH || cmd == MYEPOLL_IOC_VERSION ||
           cmd == MYEPOLL_IOC_RING_SETUP;
}

// ioctl types the VFS (or the tty layer, were a tty ever reached) acts on
// before a driver sees the call: FIOCLEX & co. ('T'), FIFREEZE/FITHAW
// ('X'), FS_IOC_* ('f', 0x94, 0x15), FIBMAP/FIGETBSZ (0).
bool generic_type(unsigned type)
{
    return type == 0 || type == 'T' || type == 'X' || type == 'f' || type == 0x94 || type == 0x15;
}

unsigned long make_cmd(unsigned dir, unsigned type, unsigned nr, unsigned size)
{
    return (static_cast<unsigned long>(dir & 3) << 30) |
           (static_cast<unsigned long>(size & 0x3fff) << 16) |
           (static_cast<unsigned long>(type & 0xff) << 8) | (nr & 0xff);
}

} // namespace

FuzzWorker::FuzzWorker(FuzzShared &shared, uint64_t seed, unsigned index)
    : shared_(shared), rng_(seed), index_(index)
{
    const std::string path = "/tmp/gauntlet-fuzz-" + std::to_string(index);
    regular_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    ::unlink(path.c_str());
    directory_.reset(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    null_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    for (size_t k = 0; k < kEndpoints; ++k) {
        const EndpointKind kind = k == 0 ? EndpointKind::SignalFd : random_kind(rng_);
        endpoints_.push_back(make_endpoint(kind));
    }
    for (size_t k = 0; k < 3; ++k) {
        const int fd = create(shared_.dev, O_CLOEXEC);
        if (fd >= 0)
            instances_.emplace_back(fd);
    }
    // Safe structs on the read-only page: DEL of a never-open fd (EBADF), and
    // a WAIT for at most one event that does not block.
    const struct myepoll_ctl ctl_args {
        EPOLL_CTL_DEL, shared_.closed_base + 15, 0
    };
    const struct myepoll_wait wait_args {
        arena_.output_tail(sizeof(Event)), 1, 0, 0, 0, 0
    };
    arena_.set_read_only_structs(&ctl_args, sizeof(ctl_args), &wait_args, sizeof(wait_args));
}

uint32_t FuzzWorker::random_events()
{
    static const uint32_t bits[] = {
        EPOLLIN,     EPOLLOUT,     EPOLLPRI,    EPOLLERR, EPOLLHUP,   EPOLLRDNORM,
        EPOLLRDBAND, EPOLLWRNORM,  EPOLLWRBAND, EPOLLMSG, EPOLLRDHUP, EPOLLEXCLUSIVE,
        EPOLLWAKEUP, EPOLLONESHOT, EPOLLET,     1U << 17, 1U << 24,   1U << 27};
    if (rng_.chance(5))
        return static_cast<uint32_t>(rng_.next());
    uint32_t events = rng_.chance(80) ? uint32_t{EPOLLIN} : 0;
    const unsigned n = static_cast<unsigned>(rng_.below(4));
    for (unsigned k = 0; k < n; ++k)
        events |= bits[rng_.below(sizeof(bits) / sizeof(bits[0]))];
    return events;
}

FuzzWorker::Fd FuzzWorker::pick_target()
{
    const uint64_t r = rng_.below(100);
    if (r < 40 && !endpoints_.empty()) {
        const Endpoint &ep = endpoints_[rng_.below(endpoints_.size())];
        return {rng_.chance(80) || !ep.peer ? ep.watched.get() : ep.peer.get(), FdClass::Pollable};
    }
    if (r < 55 && !instances_.empty())
        return {instances_[rng_.below(instances_.size())].get(), FdClass::Instance};
    if (r < 62 && !shared_.instances.empty())
        return {shared_.instances[rng_.below(shared_.instances.size())], FdClass::Instance};
    if (r < 66)
        return {regular_.get(), FdClass::Unpollable};
    if (r < 69)
        return {directory_.get(), FdClass::Unpollable};
    if (r < 72)
        return {null_.get(), FdClass::Unpollable};
    if (r < 75)
        return {shared_.dev, FdClass::Unpollable};
    if (r < 85)
        return {shared_.closed_base + static_cast<int>(rng_.below(16)), FdClass::Closed};
    if (r < 88)
        return {rng_.pick({-1, INT_MIN, INT_MAX}), FdClass::Closed};
    if (r < 95 && !recently_closed_.empty())
        return {recently_closed_[rng_.below(recently_closed_.size())], FdClass::Unknown};
    return {static_cast<int>(rng_.below(1024)), FdClass::Unknown};
}

FuzzWorker::Fd FuzzWorker::pick_ioctl_fd()
{
    const uint64_t r = rng_.below(100);
    if (r < 42 && !instances_.empty())
        return {instances_[rng_.below(instances_.size())].get(), FdClass::Instance};
    if (r < 67 && !shared_.instances.empty())
        return {shared_.instances[rng_.below(shared_.instances.size())], FdClass::Instance};
    if (r < 79)
        return {shared_.dev, FdClass::Device};
    if (r < 85) {
        const Endpoint &ep = endpoints_[rng_.below(endpoints_.size())];
        return {ep.watched.get(), FdClass::Pollable};
    }
    if (r < 90)
        return {rng_.pick({regular_.get(), directory_.get(), null_.get()}), FdClass::Unpollable};
    if (r < 96)
        return {shared_.closed_base + static_cast<int>(rng_.below(16)), FdClass::Closed};
    if (!recently_closed_.empty())
        return {recently_closed_[rng_.below(recently_closed_.size())], FdClass::Unknown};
    return {-1, FdClass::Closed};
}

void FuzzWorker::record(const char *op, long rc)
{
    ++outcomes_[std::string(op) + " " + (rc >= 0 ? std::string("ok") : rc_name(rc))];
}

void FuzzWorker::contract(const char *op, long rc, long want, const std::string &what)
{
    if (rc == want)
        return;
    shared_.problems.add("errno-contract", std::string(op) + " " + what + ": got " + rc_name(rc) +
                                               ", expected " + rc_name(want));
}

void FuzzWorker::whitelist(const char *op, long rc, std::initializer_list<int> allowed,
                           const std::string &what)
{
    if (rc >= 0)
        return;
    for (int e : allowed)
        if (rc == -e)
            return;
    shared_.problems.add("errno-whitelist",
                         std::string(op) + " " + what + ": " + rc_name(rc) + " is not allowed");
}

void FuzzWorker::call_create(const Fd &on)
{
    unsigned long flags;
    const uint64_t r = rng_.below(100);
    if (r < 40)
        flags = 0;
    else if (r < 80)
        flags = O_CLOEXEC;
    else if (r < 90)
        flags = 1UL << rng_.below(64);
    else
        flags = rng_.next();
    const long rc = raw_ioctl(on.fd, MYEPOLL_IOC_CREATE, flags);
    record("CREATE", rc);
    if (rc >= 0) {
        UniqueFd made(static_cast<int>(rc));
        if (on.cls != FdClass::Device && on.cls != FdClass::Unknown)
            shared_.problems.add("errno-contract", "CREATE on a non-device fd returned an fd");
        if (on.cls == FdClass::Device && (flags & ~static_cast<unsigned long>(O_CLOEXEC)))
            shared_.problems.add(flags >> 32 != 0 ? "create-flags-high-bits" : "errno-contract",
                                 "CREATE with flags " + hex(flags) +
                                     " (unknown bits) succeeded, expected EINVAL");
        const long version = raw_ioctl(made.get(), MYEPOLL_IOC_VERSION, 0);
        if (on.cls == FdClass::Device && version != MYEPOLL_ABI_VERSION)
            shared_.problems.add("success-values",
                                 "VERSION of a new instance: " + rc_name(version));
        if (on.cls == FdClass::Device && instances_.size() < kMaxOwnInstances)
            instances_.push_back(std::move(made));
        return;
    }
    switch (on.cls) {
    case FdClass::Device:
        if (flags & ~static_cast<unsigned long>(O_CLOEXEC))
            contract("CREATE", rc, -EINVAL, "with unknown flag bits");
        else
            whitelist("CREATE", rc, {EMFILE, ENFILE, ENOMEM}, "on the device");
        break;
    case FdClass::Closed:
        contract("CREATE", rc, -EBADF, "on a closed fd");
        break;
    case FdClass::Unknown:
        whitelist("CREATE", rc, {EBADF, ENOTTY}, "on a recently closed fd");
        break;
    default:
        contract("CREATE", rc, -ENOTTY, "on a non-device fd");
    }
}

void FuzzWorker::call_ctl(const Fd &on)
{
    struct myepoll_ctl a {
    };
    const uint64_t r = rng_.below(100);
    a.op = r < 35   ? EPOLL_CTL_ADD
           : r < 55 ? EPOLL_CTL_MOD
           : r < 75 ? EPOLL_CTL_DEL
           : r < 80 ? 0
           : r < 85 ? 4
           : r < 90 ? -1
           : r < 95 ? INT_MIN
                    : static_cast<int32_t>(rng_.next());
    const Fd target = pick_target();
    a.fd = target.fd;
    const Event event{random_events(), rng_.next()};
    PtrKind event_kind;
    a.event = arena_.input(rng_, sizeof(Event), &event_kind);
    if (is_writable(event_kind))
        put(a.event, &event, sizeof(event));
    PtrKind args_kind;
    uint64_t args = arena_.input(rng_, sizeof(struct myepoll_ctl), &args_kind);
    if (args_kind == PtrKind::ReadOnly)
        args = arena_.read_only_ctl();
    if (is_writable(args_kind))
        put(args, &a, sizeof(a));
    const long rc = raw_ioctl(on.fd, MYEPOLL_IOC_CTL, args);
    record("CTL", rc);
    if (rc > 0)
        shared_.problems.add("success-values", "CTL returned " + std::to_string(rc));

    switch (on.cls) {
    case FdClass::Instance:
        break;
    case FdClass::Closed:
        contract("CTL", rc, -EBADF, "on a closed fd");
        return;
    case FdClass::Unknown:
        whitelist("CTL", rc,
                  {EBADF, ENOTTY, EFAULT, EPERM, EINVAL, ELOOP, EEXIST, ENOENT, ENOSPC, ENOMEM},
                  "on a recently closed fd");
        return;
    default:
        contract("CTL", rc, -ENOTTY, "on a file that is not an instance");
        return;
    }
    const std::string what = "op " + std::to_string(a.op) + " fd " + std::to_string(a.fd) +
                             " events " + hex(event.events);
    if (surely_faults(args_kind)) {
        contract("CTL", rc, -EFAULT, "with a faulting argument pointer");
        return;
    }
    if (args_kind == PtrKind::ReadOnly) {
        contract("CTL", rc, -EBADF, "from the read-only page (DEL of a closed fd)");
        return;
    }
    whitelist("CTL", rc, {EFAULT, EBADF, EPERM, EINVAL, ELOOP, EEXIST, ENOENT, ENOSPC, ENOMEM},
              what);
    if (!is_writable(args_kind))
        return;
    const bool has_event = a.op != EPOLL_CTL_DEL;
    if (has_event && surely_faults(event_kind))
        contract("CTL", rc, -EFAULT, what + " with a faulting event pointer");
    else if (has_event && event_kind == PtrKind::Random)
        return;
    else if (target.cls == FdClass::Closed)
        contract("CTL", rc, -EBADF, what + " (closed target)");
    else if (target.cls == FdClass::Unpollable)
        contract("CTL", rc, -EPERM, what + " (target cannot poll)");
    else if (target.cls == FdClass::Unknown)
        return;
    else if (target.fd == on.fd)
        contract("CTL", rc, -EINVAL, what + " (the instance itself)");
    else if (a.op != EPOLL_CTL_ADD && a.op != EPOLL_CTL_MOD && a.op != EPOLL_CTL_DEL)
        contract("CTL", rc, -EINVAL, what + " (unknown op)");
    else if (rc == -EFAULT || rc == -EBADF || rc == -EPERM)
        shared_.problems.add("errno-contract", "CTL " + what + ": " + rc_name(rc) +
                                                   " with valid pointers and an open, "
                                                   "pollable target");
}

void FuzzWorker::call_wait(const Fd &on)
{
    struct myepoll_wait w {
    };
    PtrKind events_kind;
    w.events = arena_.output(rng_, &events_kind);
    const uint64_t r = rng_.below(100);
    w.maxevents = r < 60   ? 1 + static_cast<int>(rng_.below(64))
                  : r < 65 ? 0
                  : r < 70 ? -1
                  : r < 73 ? INT_MIN
                  : r < 78 ? kMaxEvents
                  : r < 83 ? kMaxEvents + 1
                  : r < 86 ? INT_MAX
                  : r < 93 ? static_cast<int>(1000 + rng_.below(100000))
                           : static_cast<int32_t>(rng_.next());
    w.flags = rng_.chance(92) ? 0 : static_cast<uint32_t>(rng_.next() | 1);
    w.timeout_ns = rng_.chance(85) ? 0 : 1 + static_cast<int64_t>(rng_.below(100000));
    PtrKind sig_kind = PtrKind::Valid;
    if (!rng_.chance(75)) {
        w.sigmask = arena_.input(rng_, 8, &sig_kind);
        if (is_writable(sig_kind)) {
            // Any mask but SIGUSR1 is fine: nothing signals us.
            const uint64_t mask = rng_.next() | (1ULL << (SIGUSR1 - 1));
            put(w.sigmask, &mask, sizeof(mask));
        }
        w.sigsetsize =
            rng_.chance(85) ? kKernelSigsetSize : rng_.pick<uint64_t>({0, 4, 16, 128, rng_.next()});
    }
    PtrKind args_kind;
    uint64_t args = arena_.input(rng_, sizeof(struct myepoll_wait), &args_kind);
    if (args_kind == PtrKind::ReadOnly)
        args = arena_.read_only_wait();
    if (is_writable(args_kind))
        put(args, &w, sizeof(w));
    const long rc = raw_ioctl(on.fd, MYEPOLL_IOC_WAIT, args);
    record("WAIT", rc);

    switch (on.cls) {
    case FdClass::Instance:
        break;
    case FdClass::Closed:
        contract("WAIT", rc, -EBADF, "on a closed fd");
        return;
    case FdClass::Unknown:
        whitelist("WAIT", rc, {EBADF, ENOTTY, EFAULT, EINVAL, EINTR}, "on a recently closed fd");
        return;
    default:
        contract("WAIT", rc, -ENOTTY, "on a file that is not an instance");
        return;
    }
    if (surely_faults(args_kind)) {
        contract("WAIT", rc, -EFAULT, "with a faulting argument pointer");
        return;
    }
    if (args_kind == PtrKind::ReadOnly) {
        if (rc < 0 || rc > 1)
            shared_.problems.add("errno-contract", "WAIT from the read-only page: " + rc_name(rc));
        return;
    }
    whitelist("WAIT", rc, {EFAULT, EINVAL, EINTR}, "on an instance");
    if (!is_writable(args_kind))
        return;
    const std::string what = "maxevents " + std::to_string(w.maxevents) + " flags " +
                             std::to_string(w.flags) + " sigsetsize " +
                             std::to_string(w.sigsetsize);
    if (rc >= 0 && rc > w.maxevents)
        shared_.problems.add("success-values", "WAIT " + what + " returned " + std::to_string(rc));
    if (w.flags != 0)
        contract("WAIT", rc, -EINVAL, what + " (reserved flags)");
    else if (w.sigmask != 0 && w.sigsetsize != kKernelSigsetSize)
        contract("WAIT", rc, -EINVAL, what + " (sigsetsize)");
    else if (w.sigmask != 0 && surely_faults(sig_kind))
        contract("WAIT", rc, -EFAULT, what + " (faulting sigmask)");
    else if (w.sigmask != 0 && sig_kind == PtrKind::Random)
        return;
    else if (w.maxevents <= 0 || w.maxevents > kMaxEvents)
        contract("WAIT", rc, -EINVAL, what + " (maxevents)");
    else if (events_kind == PtrKind::Kernel || events_kind == PtrKind::NonCanonical ||
             events_kind == PtrKind::Random)
        contract("WAIT", rc, -EFAULT, what + " (kernel events pointer)");
    else if (rc > 0 && is_writable(events_kind)) {
        for (long k = 0; k < rc; ++k) {
            Event e;
            std::memcpy(&e, reinterpret_cast<const void *>(w.events + k * sizeof(Event)),
                        sizeof(e));
            if (e.events == 0)
                shared_.problems.add("success-values", "WAIT reported an event with no bits");
        }
    }
}

void FuzzWorker::call_version(const Fd &on)
{
    const long rc = raw_ioctl(on.fd, MYEPOLL_IOC_VERSION, rng_.next());
    record("VERSION", rc);
    switch (on.cls) {
    case FdClass::Instance:
    case FdClass::Device:
        contract("VERSION", rc, MYEPOLL_ABI_VERSION, "");
        break;
    case FdClass::Closed:
        contract("VERSION", rc, -EBADF, "on a closed fd");
        break;
    case FdClass::Unknown:
        if (rc != MYEPOLL_ABI_VERSION)
            whitelist("VERSION", rc, {EBADF, ENOTTY}, "on a recently closed fd");
        break;
    default:
        contract("VERSION", rc, -ENOTTY, "on a file that is not an instance");
    }
}

void FuzzWorker::call_unknown(const Fd &on)
{
    unsigned long cmd;
    do {
        const uint64_t r = rng_.below(100);
        if (r < 40) // a near miss: a known number with another direction or size
            cmd = make_cmd(static_cast<unsigned>(rng_.below(4)), MYEPOLL_IOC_MAGIC,
                           static_cast<unsigned>(rng_.below(6)),
                           rng_.pick<unsigned>({0, 4, 8, 12, 16, 24, 32, 40, 48, 64,
                                                static_cast<unsigned>(rng_.below(0x4000))}));
        else if (r < 70)
            cmd = make_cmd(static_cast<unsigned>(rng_.below(4)), MYEPOLL_IOC_MAGIC,
                           static_cast<unsigned>(rng_.below(256)),
                           static_cast<unsigned>(rng_.below(0x4000)));
        else
            cmd = static_cast<uint32_t>(rng_.next());
    } while (known_cmd(cmd) || generic_type((cmd >> 8) & 0xff));
    PtrKind kind;
    const unsigned long arg = rng_.chance(50) ? arena_.input(rng_, 64, &kind) : rng_.next();
    const long rc = raw_ioctl(on.fd, cmd, arg);
    record("UNKNOWN", rc);
    contract("UNKNOWN", rc, -ENOTTY, "cmd " + hex(cmd));
}

void FuzzWorker::housekeeping()
{
    const uint64_t r = rng_.below(100);
    Endpoint &ep = endpoints_[rng_.below(endpoints_.size())];
    if (r < 35) {
        ep.poke();
    } else if (r < 55) {
        ep.drain();
    } else if (r < 70) { // close without DEL, and a new one
        recently_closed_.push_back(ep.watched.get());
        try {
            ep = make_endpoint(random_kind(rng_));
        } catch (const std::exception &e) {
            shared_.problems.add("setup", std::string("endpoint: ") + e.what());
        }
    } else if (r < 75 && !instances_.empty()) {
        auto victim = instances_.begin() + static_cast<long>(rng_.below(instances_.size()));
        recently_closed_.push_back(victim->get());
        instances_.erase(victim);
    } else if (!shared_.instances.empty()) { // something for the WAITs to find
        const int epfd = shared_.instances[rng_.below(shared_.instances.size())];
        (void)ctl(epfd, EPOLL_CTL_ADD, ep.watched.get(),
                  rng_.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLOUT}), rng_.next());
    }
    if (recently_closed_.size() > 8)
        recently_closed_.erase(recently_closed_.begin());
    if (instances_.empty()) {
        const int fd = create(shared_.dev, O_CLOEXEC);
        if (fd >= 0)
            instances_.emplace_back(fd);
    }
}

void FuzzWorker::one_call()
{
    const uint64_t r = rng_.below(100);
    if (r < 45) {
        call_ctl(pick_ioctl_fd());
    } else if (r < 75) {
        call_wait(pick_ioctl_fd());
    } else if (r < 83) {
        call_create(rng_.chance(75) ? Fd{shared_.dev, FdClass::Device} : pick_ioctl_fd());
    } else if (r < 86) {
        call_version(pick_ioctl_fd());
    } else if (r < 88) {
        call_ring_setup(pick_ioctl_fd());
    } else if (r < 92) {
        call_own_ring();
    } else {
        Fd on = pick_ioctl_fd();
        if (on.cls != FdClass::Instance && on.cls != FdClass::Device)
            on = {shared_.dev, FdClass::Device};
        call_unknown(on);
    }
}

void FuzzWorker::run(uint64_t calls)
{
    for (uint64_t done = 0; done < calls; ++done) {
        if ((done & 255) == 0 && shared_.deadline_ns != 0 && now_ns() > shared_.deadline_ns)
            break;
        if (rng_.chance(8))
            housekeeping();
        one_call();
        ++shared_.calls;
    }
    std::lock_guard lock(shared_.outcomes_mu);
    for (const auto &[key, count] : outcomes_)
        shared_.outcomes[key] += count;
}

std::string FuzzWorker::check_own_instances()
{
    std::string out;
    uint64_t serial = 0;
    for (const UniqueFd &fd : instances_) {
        const std::string why = check_usable(fd.get(), 0xf0220000ULL + index_ * 1000 + ++serial);
        if (!why.empty())
            out += " [instance fd " + std::to_string(fd.get()) + ": " + why + "]";
    }
    return out;
}

} // namespace gauntlet
