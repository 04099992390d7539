// The shim's cases.  "shim" calls are the plain names (bound to the
// preloaded shim), "native" ones go to glibc directly (libc_direct.hpp).
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <linux/myepoll.h>

#include "check.hpp"
#include "fixtures.hpp"
#include "libc_direct.hpp"
#include "unique_fd.hpp"

namespace myepoll::shim_check
{

namespace
{

using Clock = std::chrono::steady_clock;

// A call's outcome: return value, and errno when it failed.
struct Outcome {
    long rc;
    int err;
};

template <typename F> Outcome call(F f)
{
    errno = 0;
    const long rc = f();
    return {rc, rc < 0 ? errno : 0};
}

void expect_same(Check &c, const std::string &what, Outcome shim, Outcome native)
{
    c.expect_result(what, shim.rc, shim.err, native.rc, native.err);
}

void expect_outcome(Check &c, const std::string &what, Outcome got, long want, int want_errno)
{
    c.expect_result(what, got.rc, got.err, want, want_errno);
}

long as_long(const void *p)
{
    return reinterpret_cast<long>(p);
}

// Files that are not epoll instances of any kind, as epfd.
struct NotInstances {
    UniqueFd pipe_r, pipe_w, dev_null, device, eventfd, regular;
    std::array<std::pair<const char *, int>, 8> list() const
    {
        return {{{"pipe", pipe_r.get()},
                 {"/dev/null", dev_null.get()},
                 {MYEPOLL_DEVICE, device.get()},
                 {"eventfd", eventfd.get()},
                 {"regular file", regular.get()},
                 {"fd -1", -1},
                 {"closed fd", 900'000},
                 {"stdin", 0}}};
    }
};

NotInstances not_instances()
{
    NotInstances n;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == 0) {
        n.pipe_r.reset(p[0]);
        n.pipe_w.reset(p[1]);
    }
    n.dev_null.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    n.device.reset(::open(MYEPOLL_DEVICE, O_RDWR | O_CLOEXEC));
    n.eventfd.reset(::eventfd(0, EFD_CLOEXEC));
    n.regular.reset(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
    return n;
}

// --- create -----------------------------------------------------------------

void create_size(Check &c)
{
    for (const int size : {0, -1}) {
        const std::string what = "epoll_create(" + std::to_string(size) + ")";
        expect_same(c, what, call([&] { return ::epoll_create(size); }),
                    call([&] { return libc().epoll_create(size); }));
    }
    UniqueFd fd(::epoll_create(1));
    c.expect(is_myepoll(fd.get()), "epoll_create(1) gave a myepoll instance");
}

void create1_flags(Check &c)
{
    UniqueFd cloexec = shim_instance(c, EPOLL_CLOEXEC);
    c.expect(::fcntl(cloexec.get(), F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC sets FD_CLOEXEC");
    UniqueFd plain = shim_instance(c, 0);
    c.expect(::fcntl(plain.get(), F_GETFD) == 0, "flags 0: no FD_CLOEXEC");
    c.expect(::fcntl(plain.get(), F_GETFL) == O_RDWR, "F_GETFL is O_RDWR");
    for (const int flags : {O_NONBLOCK, 1, -1}) {
        const std::string what = "epoll_create1(" + std::to_string(flags) + ")";
        expect_same(c, what, call([&] { return ::epoll_create1(flags); }),
                    call([&] { return libc().epoll_create1(flags); }));
    }
}

void syscall_create(Check &c)
{
    UniqueFd a(static_cast<int>(::syscall(SYS_epoll_create1, EPOLL_CLOEXEC)));
    c.expect(is_myepoll(a.get()), "syscall(SYS_epoll_create1) gave a myepoll instance");
    c.expect(::fcntl(a.get(), F_GETFD) == FD_CLOEXEC, "syscall(SYS_epoll_create1, CLOEXEC)");
    UniqueFd b(static_cast<int>(::syscall(SYS_epoll_create, 4)));
    c.expect(is_myepoll(b.get()), "syscall(SYS_epoll_create, 4) gave a myepoll instance");
    expect_same(c, "syscall(SYS_epoll_create, 0)",
                call([] { return ::syscall(SYS_epoll_create, 0); }),
                call([] { return libc().syscall(SYS_epoll_create, 0); }));
    expect_same(c, "syscall(SYS_epoll_create1, O_NONBLOCK)",
                call([] { return ::syscall(SYS_epoll_create1, O_NONBLOCK); }),
                call([] { return libc().syscall(SYS_epoll_create1, O_NONBLOCK); }));
}

// --- fd numbers -------------------------------------------------------------
//
// A create gives the lowest free fd, natively and under the shim: each form
// is run (twice in a row, unless said otherwise) under the shim and natively
// in the same fd table, and the fd numbers and FD_CLOEXEC must match.

// What one create gave: the fd, or -1 and errno; FD_CLOEXEC; whether the fd
// is of the expected kind (myepoll under the shim, eventpoll natively).
struct Created {
    Outcome outcome;
    int fd_flags;
    bool right_kind;
};

std::string describe(const Created &c)
{
    if (c.outcome.rc < 0)
        return "-1 (" + std::string(::strerrorname_np(c.outcome.err)) + ")";
    return "fd " + std::to_string(c.outcome.rc) +
           (c.fd_flags == FD_CLOEXEC ? " FD_CLOEXEC"
            : c.fd_flags == 0        ? ""
                                     : " F_GETFD failed") +
           (c.right_kind ? "" : " (" + fd_link(static_cast<int>(c.outcome.rc)) + ")");
}

bool same(const Created &a, const Created &b)
{
    if (a.outcome.rc < 0 || b.outcome.rc < 0)
        return a.outcome.rc == b.outcome.rc && a.outcome.err == b.outcome.err;
    return a.outcome.rc == b.outcome.rc && a.fd_flags == b.fd_flags && a.right_kind && b.right_kind;
}

// `times` creates in a row, all kept open until the last one is made.
template <typename Create>
std::vector<Created> create_in_a_row(Create create, bool (*kind)(int), int times)
{
    std::vector<Created> out;
    std::vector<UniqueFd> fds;
    for (int i = 0; i < times; ++i) {
        const Outcome o = call(create);
        const int fd = static_cast<int>(o.rc);
        out.push_back({o, o.rc >= 0 ? ::fcntl(fd, F_GETFD) : -1, o.rc >= 0 && kind(fd)});
        fds.emplace_back(o.rc >= 0 ? fd : -1);
    }
    return out;
}

// One create form, as the shim and as glibc make it.
struct CreateForm {
    std::string name;
    std::function<long()> shim, native;
};

std::vector<CreateForm> create_forms()
{
    std::vector<CreateForm> forms;
    for (const int flags : {0, static_cast<int>(EPOLL_CLOEXEC)}) {
        const std::string f = flags ? "EPOLL_CLOEXEC" : "0";
        forms.push_back({"epoll_create1(" + f + ")", [=] { return ::epoll_create1(flags); },
                         [=] { return libc().epoll_create1(flags); }});
        forms.push_back({"syscall(SYS_epoll_create1, " + f + ")",
                         [=] { return ::syscall(SYS_epoll_create1, flags); },
                         [=] { return libc().syscall(SYS_epoll_create1, flags); }});
    }
    forms.push_back({"epoll_create(1)", [] { return ::epoll_create(1); },
                     [] { return libc().epoll_create(1); }});
    forms.push_back({"syscall(SYS_epoll_create, 1)", [] { return ::syscall(SYS_epoll_create, 1); },
                     [] { return libc().syscall(SYS_epoll_create, 1); }});
    return forms;
}

// Every create form in the fd table as it is now, `times` in a row: the
// shim's fds and their FD_CLOEXEC are native's.
void expect_native_fds(Check &c, const std::string &situation, int times = 2)
{
    for (const CreateForm &form : create_forms()) {
        const auto shim = create_in_a_row(form.shim, is_myepoll, times);
        const auto native = create_in_a_row(form.native, is_native_epoll, times);
        for (size_t i = 0; i < shim.size(); ++i) {
            c.expect(same(shim[i], native[i]),
                     situation + ": " + form.name + (i == 0 ? "" : ", again") + ": shim " +
                         describe(shim[i]) + ", native " + describe(native[i]));
        }
    }
}

UniqueFd open_null()
{
    return UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

// The number the next open() would get.
int lowest_free()
{
    return open_null().get();
}

void create_fd_numbers(Check &c)
{
    expect_native_fds(c, "as started");

    // Stdin closed: 0 is the lowest free number.
    UniqueFd stdin_copy(::fcntl(0, F_DUPFD_CLOEXEC, 100));
    ::close(0);
    expect_native_fds(c, "after close(0)");
    if (stdin_copy)
        ::dup2(stdin_copy.get(), 0);

    // Holes between open fds: the first hole, then the next one.
    std::array<UniqueFd, 5> open;
    for (UniqueFd &fd : open)
        fd = open_null();
    const int hole = open[1].get();
    const int next_hole = open[3].get();
    open[1].reset();
    open[3].reset();
    c.expect(lowest_free() == hole,
             "the closed fd " + std::to_string(hole) + " is the lowest free");
    expect_native_fds(c, "after closing fds " + std::to_string(hole) + " and " +
                             std::to_string(next_hole));
}

// RLIMIT_NOFILE lowered so that every fd below it but `spare` is open;
// restored on destruction.
class FullTable
{
  public:
    explicit FullTable(int spare)
    {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit low = saved_;
        low.rlim_cur = static_cast<rlim_t>(lowest_free() + 4);
        ok_ = ::setrlimit(RLIMIT_NOFILE, &low) == 0;
        for (UniqueFd fd = open_null(); fd; fd = open_null())
            fillers_.push_back(std::move(fd));
        for (int i = 0; i < spare && !fillers_.empty(); ++i) {
            free_.push_back(fillers_.back().get());
            fillers_.pop_back();
        }
        std::sort(free_.begin(), free_.end());
    }
    FullTable(const FullTable &) = delete;
    FullTable &operator=(const FullTable &) = delete;
    ~FullTable() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

    [[nodiscard]] bool ok() const noexcept { return ok_ && !fillers_.empty(); }
    // The free numbers below the limit, lowest first.
    [[nodiscard]] const std::vector<int> &free() const noexcept { return free_; }

  private:
    rlimit saved_{};
    bool ok_ = false;
    std::vector<UniqueFd> fillers_;
    std::vector<int> free_;
};

// No fd free: EMFILE from every form; and EINVAL for bad flags or size,
// which native checks before it takes an fd.
void create_no_fd_free(Check &c)
{
    FullTable full(0);
    c.expect(full.ok(), "fd table filled up to a lowered RLIMIT_NOFILE");
    expect_native_fds(c, "no fd free");
    for (const int flags : {O_NONBLOCK, -1}) {
        const std::string f = std::to_string(flags);
        expect_same(c, "no fd free: epoll_create1(" + f + ")",
                    call([&] { return ::epoll_create1(flags); }),
                    call([&] { return libc().epoll_create1(flags); }));
        expect_same(c, "no fd free: syscall(SYS_epoll_create1, " + f + ")",
                    call([&] { return ::syscall(SYS_epoll_create1, flags); }),
                    call([&] { return libc().syscall(SYS_epoll_create1, flags); }));
    }
    expect_same(c, "no fd free: epoll_create(0)", call([] { return ::epoll_create(0); }),
                call([] { return libc().epoll_create(0); }));
}

// Two fds free: the shim needs both for a moment (README.md), but the
// instance ends up on the lower, as native.  With one free it fails with
// EMFILE where native succeeds (a documented difference), and leaves that
// fd free.
void create_few_fds_free(Check &c)
{
    {
        FullTable full(2);
        c.expect(full.ok() && full.free().size() == 2, "two fds free below RLIMIT_NOFILE");
        expect_native_fds(c, "two fds free", 1);
    }
    FullTable full(1);
    c.expect(full.ok() && full.free().size() == 1, "one fd free below RLIMIT_NOFILE");
    const int spare = full.free().empty() ? -1 : full.free().front();
    expect_outcome(c, "one fd free: epoll_create1(0) under the shim",
                   call([] { return ::epoll_create1(0); }), -1, EMFILE);
    c.expect(lowest_free() == spare, "one fd free: the shim's failed create left it free");
    UniqueFd native(libc().epoll_create1(0));
    c.expect(native.get() == spare, "one fd free: native epoll_create1(0) takes it");
}

size_t open_fd_count()
{
    size_t n = 0;
    if (DIR *dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr)
            ++n;
        ::closedir(dir);
    }
    return n;
}

// The device number of a character device fd, 0 for anything else.
dev_t rdev(int fd)
{
    struct stat st = {};
    return ::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) ? st.st_rdev : 0;
}

// Creates racing with another thread's open/close: every instance is a
// myepoll one with the FD_CLOEXEC asked for, the other thread's fds are
// never replaced, and no fd is left behind.
void create_threads(Check &c)
{
    constexpr int kRounds = 300;
    const size_t before = open_fd_count();
    const dev_t null_rdev = rdev(open_null().get());
    std::atomic<bool> stop{false};
    std::atomic<int> clobbered{0};
    std::thread other([&] {
        while (!stop.load()) {
            UniqueFd fd = open_null();
            if (rdev(fd.get()) != null_rdev)
                clobbered.fetch_add(1);
        }
    });
    int wrong = 0;
    for (int i = 0; i < kRounds; ++i) {
        const int flags = i % 2 ? EPOLL_CLOEXEC : 0;
        UniqueFd ep(::epoll_create1(flags));
        if (!is_myepoll(ep.get()) || ::fcntl(ep.get(), F_GETFD) != (flags ? FD_CLOEXEC : 0))
            ++wrong;
    }
    stop = true;
    other.join();
    c.expect(wrong == 0, std::to_string(wrong) + " of " + std::to_string(kRounds) +
                             " creates gave no myepoll instance with the FD_CLOEXEC asked for");
    c.expect(clobbered == 0, "the other thread's /dev/null fd was replaced " +
                                 std::to_string(clobbered.load()) + " times");
    c.expect(open_fd_count() == before, "as many fds open afterwards as before");
}

// --- syscall() pass-through -------------------------------------------------

void syscall_passthrough(Check &c)
{
    c.expect(::syscall(SYS_getpid) == ::getpid(), "syscall(SYS_getpid)");
    int p[2];
    c.expect(::pipe2(p, O_CLOEXEC) == 0, "pipe2");
    UniqueFd r(p[0]), w(p[1]);
    c.expect(::syscall(SYS_write, w.get(), "abc", 3) == 3, "syscall(SYS_write) of 3 bytes");
    expect_same(c, "syscall(SYS_close, -1)", call([] { return ::syscall(SYS_close, -1); }),
                call([] { return libc().syscall(SYS_close, -1); }));
    // Six arguments.
    const long addr =
        ::syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    c.expect(addr != -1, "syscall(SYS_mmap) with six arguments");
    if (addr != -1) {
        *reinterpret_cast<volatile char *>(addr) = 1;
        ::munmap(reinterpret_cast<void *>(addr), 4096);
    }
    // Numbers next to the epoll ones, unimplemented: ENOSYS both ways.
    for (const long nr : {214L /* epoll_ctl_old */, 215L /* epoll_wait_old */}) {
        const std::string what = "syscall(" + std::to_string(nr) + ")";
        expect_same(c, what, call([&] { return ::syscall(nr, 0, 0, 0); }),
                    call([&] { return libc().syscall(nr, 0, 0, 0); }));
    }
}

// --- calls on fds that are not myepoll instances ----------------------------

void ctl_not_an_instance(Check &c)
{
    NotInstances n = not_instances();
    UniqueFd target = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 1}};
    for (const auto &[name, epfd] : n.list()) {
        for (epoll_event *event : {&ev, static_cast<epoll_event *>(nullptr)}) {
            for (const int op : {EPOLL_CTL_ADD, EPOLL_CTL_DEL}) {
                const std::string what = std::string("epoll_ctl(") + name + ", op " +
                                         std::to_string(op) + (event ? ", event)" : ", NULL)");
                expect_same(c, what,
                            call([&] { return ::epoll_ctl(epfd, op, target.get(), event); }),
                            call([&] { return libc().epoll_ctl(epfd, op, target.get(), event); }));
                expect_same(c, "syscall " + what, call([&] {
                                return ::syscall(SYS_epoll_ctl, epfd, op, target.get(),
                                                 as_long(event));
                            }),
                            call([&] {
                                return libc().syscall(SYS_epoll_ctl, epfd, op, target.get(),
                                                      as_long(event));
                            }));
            }
        }
    }
}

void wait_not_an_instance(Check &c)
{
    NotInstances n = not_instances();
    epoll_event events[4];
    const timespec zero{0, 0};
    sigset_t mask;
    sigemptyset(&mask);
    for (const auto &[name, epfd] : n.list()) {
        for (const int maxevents : {1, 0}) {
            const std::string args =
                std::string("(") + name + ", maxevents " + std::to_string(maxevents) + ")";
            expect_same(c, "epoll_wait" + args,
                        call([&] { return ::epoll_wait(epfd, events, maxevents, 0); }),
                        call([&] { return libc().epoll_wait(epfd, events, maxevents, 0); }));
            expect_same(
                c, "epoll_pwait" + args,
                call([&] { return ::epoll_pwait(epfd, events, maxevents, 0, &mask); }),
                call([&] { return libc().epoll_pwait(epfd, events, maxevents, 0, &mask); }));
            expect_same(
                c, "epoll_pwait2" + args,
                call([&] { return ::epoll_pwait2(epfd, events, maxevents, &zero, nullptr); }),
                call([&] { return libc().epoll_pwait2(epfd, events, maxevents, &zero, nullptr); }));
            expect_same(
                c, "syscall(SYS_epoll_wait)" + args,
                call([&] { return ::syscall(SYS_epoll_wait, epfd, events, maxevents, 0); }),
                call([&] { return libc().syscall(SYS_epoll_wait, epfd, events, maxevents, 0); }));
            expect_same(c, "syscall(SYS_epoll_pwait2)" + args, call([&] {
                            return ::syscall(SYS_epoll_pwait2, epfd, events, maxevents, &zero,
                                             nullptr, 8);
                        }),
                        call([&] {
                            return libc().syscall(SYS_epoll_pwait2, epfd, events, maxevents, &zero,
                                                  nullptr, 8);
                        }));
        }
    }
}

// A native epoll fd (from glibc directly) used through the shim: every call
// reaches native epoll and works; errno is left alone on success.
void native_instance_passthrough(Check &c)
{
    UniqueFd ep = native_instance(c);
    UniqueFd efd = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 7}};
    errno = 777;
    c.expect(::epoll_ctl(ep.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "epoll_ctl ADD");
    c.expect(errno == 777, "errno unchanged by a successful pass-through ctl");
    epoll_event out[2]{};
    c.expect(::epoll_wait(ep.get(), out, 2, 0) == 0, "epoll_wait: nothing ready yet");
    signal_eventfd(efd.get());
    errno = 777;
    c.expect(::epoll_wait(ep.get(), out, 2, 0) == 1 && out[0].data.u64 == 7, "epoll_wait");
    c.expect(errno == 777, "errno unchanged by a successful pass-through wait");
    c.expect(::epoll_pwait(ep.get(), out, 2, 0, nullptr) == 1, "epoll_pwait");
    const timespec zero{0, 0};
    c.expect(::epoll_pwait2(ep.get(), out, 2, &zero, nullptr) == 1, "epoll_pwait2");
    c.expect(::syscall(SYS_epoll_wait, ep.get(), out, 2, 0) == 1, "syscall(SYS_epoll_wait)");
    c.expect(::syscall(SYS_epoll_pwait2, ep.get(), out, 2, &zero, nullptr, 8) == 1,
             "syscall(SYS_epoll_pwait2)");
    c.expect(::syscall(SYS_epoll_ctl, ep.get(), EPOLL_CTL_DEL, efd.get(), nullptr) == 0,
             "syscall(SYS_epoll_ctl) DEL");
    c.expect(::epoll_wait(ep.get(), out, 2, 0) == 0, "nothing after DEL");
}

// --- myepoll instances ------------------------------------------------------

void ctl_errors_on_instance(Check &c)
{
    UniqueFd mine = shim_instance(c);
    UniqueFd native = native_instance(c);
    UniqueFd efd = eventfd_ready(false);
    UniqueFd regular(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
    epoll_event ev{EPOLLIN, {.u64 = 1}};
    struct Try {
        const char *what;
        int op;
        int fd; // -2: the instance itself
        epoll_event *event;
    };
    const Try tries[] = {
        {"DEL not registered", EPOLL_CTL_DEL, efd.get(), &ev},
        {"MOD not registered", EPOLL_CTL_MOD, efd.get(), &ev},
        {"ADD bad fd", EPOLL_CTL_ADD, 900'000, &ev},
        {"ADD itself", EPOLL_CTL_ADD, -2, &ev},
        {"ADD regular file", EPOLL_CTL_ADD, regular.get(), &ev},
        {"ADD NULL event", EPOLL_CTL_ADD, efd.get(), nullptr},
        {"bad op", 99, efd.get(), &ev},
        {"ADD", EPOLL_CTL_ADD, efd.get(), &ev},
        {"ADD again", EPOLL_CTL_ADD, efd.get(), &ev},
        {"MOD", EPOLL_CTL_MOD, efd.get(), &ev},
        {"DEL", EPOLL_CTL_DEL, efd.get(), nullptr},
    };
    for (const Try &t : tries) {
        const int shim_fd = t.fd == -2 ? mine.get() : t.fd;
        const int native_fd = t.fd == -2 ? native.get() : t.fd;
        expect_same(c, std::string("epoll_ctl ") + t.what,
                    call([&] { return ::epoll_ctl(mine.get(), t.op, shim_fd, t.event); }),
                    call([&] { return libc().epoll_ctl(native.get(), t.op, native_fd, t.event); }));
    }
    // The same through syscall().
    expect_same(c, "syscall(SYS_epoll_ctl) ADD bad fd", call([&] {
                    return ::syscall(SYS_epoll_ctl, mine.get(), EPOLL_CTL_ADD, 900'000, &ev);
                }),
                call([&] {
                    return libc().syscall(SYS_epoll_ctl, native.get(), EPOLL_CTL_ADD, 900'000, &ev);
                }));
}

void wait_errors_on_instance(Check &c)
{
    UniqueFd mine = shim_instance(c);
    UniqueFd native = native_instance(c);
    UniqueFd efd = eventfd_ready(true);
    epoll_event ev{EPOLLIN, {.u64 = 1}};
    c.expect(::epoll_ctl(mine.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "ADD to myepoll");
    c.expect(libc().epoll_ctl(native.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "ADD to native");
    epoll_event out[2];
    for (const int maxevents : {0, -1}) {
        expect_same(c, "epoll_wait maxevents " + std::to_string(maxevents),
                    call([&] { return ::epoll_wait(mine.get(), out, maxevents, 0); }),
                    call([&] { return libc().epoll_wait(native.get(), out, maxevents, 0); }));
    }
    epoll_event *volatile unmapped = reinterpret_cast<epoll_event *>(8);
    expect_same(c, "epoll_wait events unmapped, an item ready",
                call([&] { return ::epoll_wait(mine.get(), unmapped, 1, 0); }),
                call([&] { return libc().epoll_wait(native.get(), unmapped, 1, 0); }));
    expect_same(c, "syscall(SYS_epoll_pwait) sigsetsize 4", call([&] {
                    sigset_t m;
                    sigemptyset(&m);
                    return ::syscall(SYS_epoll_pwait, mine.get(), out, 1, 0, &m, 4);
                }),
                call([&] {
                    sigset_t m;
                    sigemptyset(&m);
                    return libc().syscall(SYS_epoll_pwait, native.get(), out, 1, 0, &m, 4);
                }));
}

// Every wait entry point delivers the event with its data.
void events_delivered(Check &c)
{
    UniqueFd ep = shim_instance(c);
    UniqueFd efd = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 42}};
    c.expect(::epoll_ctl(ep.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "epoll_ctl ADD");
    epoll_event out[4]{};
    c.expect(::epoll_wait(ep.get(), out, 4, 0) == 0, "nothing ready yet");
    signal_eventfd(efd.get());
    sigset_t empty;
    sigemptyset(&empty);
    const timespec zero{0, 0};
    struct Way {
        const char *what;
        long (*wait)(int, epoll_event *, const sigset_t *, const timespec *);
    };
    const Way ways[] = {
        {"epoll_wait",
         [](int e, epoll_event *o, const sigset_t *, const timespec *) -> long {
             return ::epoll_wait(e, o, 4, -1);
         }},
        {"epoll_pwait",
         [](int e, epoll_event *o, const sigset_t *m, const timespec *) -> long {
             return ::epoll_pwait(e, o, 4, -1, m);
         }},
        {"epoll_pwait2 NULL timeout",
         [](int e, epoll_event *o, const sigset_t *m, const timespec *) -> long {
             return ::epoll_pwait2(e, o, 4, nullptr, m);
         }},
        {"epoll_pwait2 zero timeout",
         [](int e, epoll_event *o, const sigset_t *, const timespec *z) -> long {
             return ::epoll_pwait2(e, o, 4, z, nullptr);
         }},
        {"syscall(SYS_epoll_wait)",
         [](int e, epoll_event *o, const sigset_t *, const timespec *) -> long {
             return ::syscall(SYS_epoll_wait, e, o, 4, -1);
         }},
        {"syscall(SYS_epoll_pwait)",
         [](int e, epoll_event *o, const sigset_t *m, const timespec *) -> long {
             return ::syscall(SYS_epoll_pwait, e, o, 4, -1, m, 8);
         }},
        {"syscall(SYS_epoll_pwait2)",
         [](int e, epoll_event *o, const sigset_t *m, const timespec *) -> long {
             return ::syscall(SYS_epoll_pwait2, e, o, 4, nullptr, m, 8);
         }},
    };
    for (const Way &w : ways) {
        out[0] = {};
        const long n = w.wait(ep.get(), out, &empty, &zero);
        c.expect(n == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 42,
                 std::string(w.what) + ": one EPOLLIN event with data 42 (got " +
                     std::to_string(n) + ")");
    }
}

double ms_since(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void timeouts(Check &c)
{
    UniqueFd mine = shim_instance(c);
    UniqueFd native = native_instance(c);
    epoll_event out[1];
    auto t0 = Clock::now();
    c.expect(::epoll_wait(mine.get(), out, 1, 30) == 0, "epoll_wait 30 ms: 0");
    c.expect(ms_since(t0) >= 30, "epoll_wait 30 ms waited at least 30 ms");
    const timespec ts20{0, 20'000'000};
    t0 = Clock::now();
    c.expect(::epoll_pwait2(mine.get(), out, 1, &ts20, nullptr) == 0, "epoll_pwait2 20 ms: 0");
    c.expect(ms_since(t0) >= 20, "epoll_pwait2 20 ms waited at least 20 ms");
    t0 = Clock::now();
    c.expect(::syscall(SYS_epoll_pwait2, mine.get(), out, 1, &ts20, nullptr, 8) == 0,
             "syscall(SYS_epoll_pwait2) 20 ms: 0");
    c.expect(ms_since(t0) >= 20, "syscall(SYS_epoll_pwait2) 20 ms waited at least 20 ms");

    const timespec bad[] = {{0, 1'000'000'000}, {0, -1}, {-1, 0}};
    for (const timespec &ts : bad) {
        const std::string what =
            "epoll_pwait2 {" + std::to_string(ts.tv_sec) + ", " + std::to_string(ts.tv_nsec) + "}";
        expect_same(c, what, call([&] { return ::epoll_pwait2(mine.get(), out, 1, &ts, nullptr); }),
                    call([&] { return libc().epoll_pwait2(native.get(), out, 1, &ts, nullptr); }));
        expect_same(c, "syscall " + what, call([&] {
                        return ::syscall(SYS_epoll_pwait2, mine.get(), out, 1, &ts, 0, 8);
                    }),
                    call([&] {
                        return libc().syscall(SYS_epoll_pwait2, native.get(), out, 1, &ts, 0, 8);
                    }));
    }
    const auto *unmapped = reinterpret_cast<const timespec *>(8);
    expect_same(c, "epoll_pwait2 unreadable timeout",
                call([&] { return ::epoll_pwait2(mine.get(), out, 1, unmapped, nullptr); }),
                call([&] { return libc().epoll_pwait2(native.get(), out, 1, unmapped, nullptr); }));
    // A bad timeout is reported before a bad epfd, as natively.
    expect_same(c, "epoll_pwait2 invalid timeout and bad epfd",
                call([&] { return ::epoll_pwait2(-1, out, 1, &bad[0], nullptr); }),
                call([&] { return libc().epoll_pwait2(-1, out, 1, &bad[0], nullptr); }));

    // Infinite: woken by an event 50 ms later.
    UniqueFd efd = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 3}};
    c.expect(::epoll_ctl(mine.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "ADD");
    std::thread writer([fd = efd.get()] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        signal_eventfd(fd);
    });
    const int n = ::epoll_wait(mine.get(), out, 1, -1);
    writer.join();
    c.expect(n == 1 && out[0].data.u64 == 3, "epoll_wait -1 woken by the event");
}

std::atomic<int> usr1_count{0};
void on_usr1(int)
{
    usr1_count.fetch_add(1);
}

// SIGUSR1 blocked and pending; a wait whose mask unblocks it returns EINTR
// after the handler ran, and SIGUSR1 is blocked again afterwards.
template <typename Wait> void sigmask_case(Check &c, const std::string &what, Wait wait)
{
    struct sigaction sa {
    };
    sa.sa_handler = on_usr1;
    ::sigaction(SIGUSR1, &sa, nullptr);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &usr1, nullptr);
    sigset_t empty;
    sigemptyset(&empty);

    usr1_count = 0;
    ::raise(SIGUSR1);
    const Outcome o = call([&] { return wait(&empty); });
    expect_outcome(c, what + " with SIGUSR1 pending and unblocked by the mask", o, -1, EINTR);
    c.expect(usr1_count == 1, what + ": the handler ran once");
    sigset_t now;
    ::sigprocmask(SIG_BLOCK, nullptr, &now);
    c.expect(sigismember(&now, SIGUSR1) == 1, what + ": SIGUSR1 blocked again afterwards");

    // A mask that keeps it blocked: the wait times out, the signal stays pending.
    usr1_count = 0;
    ::raise(SIGUSR1);
    const Outcome o2 = call([&] { return wait(&usr1); });
    expect_outcome(c, what + " with SIGUSR1 pending and blocked by the mask", o2, 0, 0);
    sigset_t pending;
    ::sigpending(&pending);
    c.expect(sigismember(&pending, SIGUSR1) == 1 && usr1_count == 0,
             what + ": SIGUSR1 still pending");
    const timespec zero{0, 0};
    ::sigtimedwait(&usr1, nullptr, &zero);
}

void wait_sigmask(Check &c)
{
    UniqueFd ep = shim_instance(c);
    epoll_event out[1];
    const int e = ep.get();
    sigmask_case(c, "epoll_pwait",
                 [&](const sigset_t *m) { return ::epoll_pwait(e, out, 1, 20, m); });
    const timespec ts{0, 20'000'000};
    sigmask_case(c, "epoll_pwait2",
                 [&](const sigset_t *m) { return ::epoll_pwait2(e, out, 1, &ts, m); });
    sigmask_case(c, "syscall(SYS_epoll_pwait)", [&](const sigset_t *m) {
        return ::syscall(SYS_epoll_pwait, e, out, 1, 20, m, 8);
    });
    sigmask_case(c, "syscall(SYS_epoll_pwait2)", [&](const sigset_t *m) {
        return ::syscall(SYS_epoll_pwait2, e, out, 1, &ts, m, 8);
    });
}

// A myepoll instance inside a native epoll; not the other way round.
void nesting(Check &c)
{
    UniqueFd mine = shim_instance(c);
    UniqueFd native = native_instance(c);
    UniqueFd a = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 1}};
    c.expect(::epoll_ctl(mine.get(), EPOLL_CTL_ADD, a.get(), &ev) == 0, "ADD eventfd a to myepoll");
    ev.data.u64 = 2;
    c.expect(::epoll_ctl(native.get(), EPOLL_CTL_ADD, mine.get(), &ev) == 0,
             "ADD the myepoll instance to native epoll (through the shim)");
    epoll_event out[2]{};
    c.expect(libc().epoll_wait(native.get(), out, 2, 0) == 0, "native: nothing ready");
    signal_eventfd(a.get());
    c.expect(libc().epoll_wait(native.get(), out, 2, 1000) == 1 && out[0].data.u64 == 2,
             "native epoll reports the myepoll instance readable");

    // myepoll cannot see loops through a native instance, so it refuses
    // to watch one (docs/abi.md); native still watches myepoll instances.
    UniqueFd inner = native_instance(c);
    ev.data.u64 = 6;
    c.expect(::epoll_ctl(mine.get(), EPOLL_CTL_ADD, inner.get(), &ev) == -1 && errno == EINVAL,
             "ADD of a native epoll fd to a myepoll instance is EINVAL");
}

// A forked child uses the parent's instance (shared interest list).
void fork_shares(Check &c)
{
    UniqueFd ep = shim_instance(c);
    UniqueFd efd = eventfd_ready(false);
    epoll_event ev{EPOLLIN, {.u64 = 9}};
    c.expect(::epoll_ctl(ep.get(), EPOLL_CTL_ADD, efd.get(), &ev) == 0, "ADD");
    const pid_t pid = ::fork();
    if (pid == 0) {
        epoll_event out[1]{};
        const int n = ::epoll_wait(ep.get(), out, 1, 5000);
        ::_exit(n == 1 && out[0].data.u64 == 9 ? 0 : 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    signal_eventfd(efd.get());
    int status = 0;
    ::waitpid(pid, &status, 0);
    c.expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child got the event");
}

} // namespace

std::vector<Case> all_cases()
{
    return {
        {"create-size", create_size},
        {"create1-flags", create1_flags},
        {"syscall-create", syscall_create},
        {"create-fd-numbers", create_fd_numbers},
        {"create-no-fd-free", create_no_fd_free},
        {"create-few-fds-free", create_few_fds_free},
        {"create-threads", create_threads},
        {"syscall-passthrough", syscall_passthrough},
        {"ctl-not-an-instance", ctl_not_an_instance},
        {"wait-not-an-instance", wait_not_an_instance},
        {"native-instance-passthrough", native_instance_passthrough},
        {"ctl-errors-on-instance", ctl_errors_on_instance},
        {"wait-errors-on-instance", wait_errors_on_instance},
        {"events-delivered", events_delivered},
        {"timeouts", timeouts},
        {"wait-sigmask", wait_sigmask},
        {"nesting", nesting},
        {"fork-shares", fork_shares},
    };
}

} // namespace myepoll::shim_check
