// Mutant backends (see mutant_backend.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "mutant_backend.hpp"

namespace myepoll::test
{

namespace
{

enum class Defect {
    EdgeTriggered,       // every ADD/MOD silently gets EPOLLET (no level-triggered repeat)
    IgnoreMod,           // MOD succeeds and does nothing
    IgnoreDel,           // DEL succeeds and does nothing
    Data32,              // data.u64 truncated to 32 bits
    CtlErrnoEinval,      // every ctl error is reported as EINVAL
    WaitErrnoEinval,     // every wait error (EINTR included) is reported as EINVAL
    NeverBlock,          // every wait is a timeout-0 pass
    LateWakeup,          // a blocking wait sleeps its timeout (or 2 s) before looking
    RestartOnSignal,     // EINTR is hidden by restarting the wait
    IgnoreSigmask,       // the sigmask is not applied
    DropLast,            // a wait reporting several events loses the last one
    StripErrHup,         // EPOLLERR / EPOLLHUP never reported
    IgnoreCreateFlags,   // create ignores its flags (no CLOEXEC, no EINVAL)
    LenientPointers,     // NULL event / events pointers are replaced instead of EFAULT
    IgnoreMask,          // every registration asks for IN|OUT|PRI|RDHUP whatever was passed
    NullBufferEfault,    // a NULL events buffer is EFAULT even when nothing is to be copied
    SlowZeroTimeout,     // timeout 0 blocks for a second
    SignalFirst,         // a pending signal the sigmask lets through beats ready events
    MaxeventsUnchecked,  // out-of-range maxevents is treated as 1
    UncheckedOp,         // an unknown op is taken for ADD
    NonblockingInstance, // instances are created with O_NONBLOCK set
    NoRdhup,             // EPOLLRDHUP never reported
    StickyReady,         // an empty wait repeats the previous non-empty result (no re-poll)
    IgnoreEt,            // EPOLLET is dropped: edge-triggered items behave level-triggered
    IgnoreOneshot,       // EPOLLONESHOT is dropped: one-shot items are never disarmed
    IgnoreExclusive,     // EPOLLEXCLUSIVE is dropped (no EINVAL checks, every waiter wakes)
    MillisecondTimeout,  // finite timeouts are truncated to whole milliseconds
    HoldsFileReference,  // ADD keeps a reference to the file: close without DEL leaves it
};

struct Named {
    std::string_view name;
    Defect defect;
};

constexpr std::array kMutants{
    Named{"edge-triggered", Defect::EdgeTriggered},
    Named{"ignore-mod", Defect::IgnoreMod},
    Named{"ignore-del", Defect::IgnoreDel},
    Named{"data32", Defect::Data32},
    Named{"ctl-errno-einval", Defect::CtlErrnoEinval},
    Named{"wait-errno-einval", Defect::WaitErrnoEinval},
    Named{"never-block", Defect::NeverBlock},
    Named{"late-wakeup", Defect::LateWakeup},
    Named{"restart-on-signal", Defect::RestartOnSignal},
    Named{"ignore-sigmask", Defect::IgnoreSigmask},
    Named{"drop-last", Defect::DropLast},
    Named{"strip-err-hup", Defect::StripErrHup},
    Named{"ignore-create-flags", Defect::IgnoreCreateFlags},
    Named{"lenient-pointers", Defect::LenientPointers},
    Named{"ignore-mask", Defect::IgnoreMask},
    Named{"null-buffer-efault", Defect::NullBufferEfault},
    Named{"slow-zero-timeout", Defect::SlowZeroTimeout},
    Named{"signal-first", Defect::SignalFirst},
    Named{"maxevents-unchecked", Defect::MaxeventsUnchecked},
    Named{"unchecked-op", Defect::UncheckedOp},
    Named{"nonblocking-instance", Defect::NonblockingInstance},
    Named{"no-rdhup", Defect::NoRdhup},
    Named{"sticky-ready", Defect::StickyReady},
    Named{"ignore-et", Defect::IgnoreEt},
    Named{"ignore-oneshot", Defect::IgnoreOneshot},
    Named{"ignore-exclusive", Defect::IgnoreExclusive},
    Named{"millisecond-timeout", Defect::MillisecondTimeout},
    Named{"holds-file-reference", Defect::HoldsFileReference},
};

class MutantBackend final : public Backend
{
  public:
    explicit MutantBackend(Defect defect) : defect_(defect), native_(backend(BackendKind::Native))
    {
    }

    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::MyEpoll; }
    [[nodiscard]] std::string_view name() const noexcept override { return "mutant"; }

    int create(int flags) override
    {
        const int fd = native_.create(defect_ == Defect::IgnoreCreateFlags ? 0 : flags);
        if (fd >= 0) { // a new instance on a reused number
            last_reported_.erase(fd);
            std::erase_if(references_, [fd](const auto &entry) { return entry.first.first == fd; });
        }
        if (fd >= 0 && defect_ == Defect::NonblockingInstance)
            ::fcntl(fd, F_SETFL, O_NONBLOCK);
        return fd;
    }

    int ctl(int epfd, int op, int fd, const void *event) override
    {
        Event copy{};
        if (defect_ == Defect::UncheckedOp && op != EPOLL_CTL_DEL && op != EPOLL_CTL_MOD)
            op = EPOLL_CTL_ADD;
        const bool has_event = op != EPOLL_CTL_DEL;
        if (has_event && event == nullptr && defect_ == Defect::LenientPointers)
            event = &copy;
        if (has_event && copy_event(event, &copy)) {
            if (defect_ == Defect::EdgeTriggered)
                copy.events |= EPOLLET;
            if (defect_ == Defect::IgnoreMask)
                copy.events |= EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP;
            if (defect_ == Defect::Data32)
                copy.data &= 0xffffffffu;
            if (defect_ == Defect::IgnoreEt)
                copy.events &= ~EPOLLET;
            if (defect_ == Defect::IgnoreOneshot)
                copy.events &= ~EPOLLONESHOT;
            if (defect_ == Defect::IgnoreExclusive)
                copy.events &= ~EPOLLEXCLUSIVE;
            event = &copy;
        }
        if ((op == EPOLL_CTL_MOD && defect_ == Defect::IgnoreMod) ||
            (op == EPOLL_CTL_DEL && defect_ == Defect::IgnoreDel))
            return 0;
        const int rc = native_.ctl(epfd, op, fd, event);
        if (rc == 0 && defect_ == Defect::HoldsFileReference)
            hold_reference(epfd, op, fd);
        return rc < 0 && defect_ == Defect::CtlErrnoEinval ? -EINVAL : rc;
    }

    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override
    {
        std::vector<Event> spare;
        if (events == nullptr && defect_ == Defect::LenientPointers && maxevents > 0 &&
            maxevents < 4096) {
            spare.resize(static_cast<size_t>(maxevents));
            events = spare.data();
        }
        if (defect_ == Defect::NullBufferEfault && events == nullptr)
            return -EFAULT;
        if (defect_ == Defect::MaxeventsUnchecked && (maxevents <= 0 || maxevents > 1000000))
            maxevents = 1;
        if (defect_ == Defect::SlowZeroTimeout && timeout_ns == 0)
            std::this_thread::sleep_for(std::chrono::seconds(1));
        if (defect_ == Defect::SignalFirst && sigmask != nullptr && deliverable_signal(*sigmask))
            return -EINTR;
        if (defect_ == Defect::IgnoreSigmask)
            sigmask = nullptr;
        if (defect_ == Defect::NeverBlock)
            timeout_ns = 0;
        if (defect_ == Defect::MillisecondTimeout && timeout_ns > 0)
            timeout_ns -= timeout_ns % 1'000'000;
        if (defect_ == Defect::LateWakeup && timeout_ns != 0) {
            std::this_thread::sleep_for(std::chrono::nanoseconds(
                timeout_ns < 0 ? int64_t{3'000'000'000}
                               : std::min<int64_t>(timeout_ns, 3'000'000'000)));
            timeout_ns = 0;
        }
        int rc = native_.wait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
        while (rc == -EINTR && defect_ == Defect::RestartOnSignal)
            rc = native_.wait(epfd, events, maxevents, timeout_ns, sigmask, sigsetsize);
        if (rc < 0)
            return defect_ == Defect::WaitErrnoEinval ? -EINVAL : rc;
        if (rc > 1 && defect_ == Defect::DropLast)
            --rc;
        if (defect_ == Defect::StripErrHup)
            rc = strip_bits(static_cast<Event *>(events), rc, EPOLLERR | EPOLLHUP);
        if (defect_ == Defect::NoRdhup)
            rc = strip_bits(static_cast<Event *>(events), rc, EPOLLRDHUP);
        if (defect_ == Defect::StickyReady)
            rc = sticky(epfd, static_cast<Event *>(events), maxevents, rc);
        return rc;
    }

  private:
    // The EFAULT scenarios pass inaccessible pointers: copy through the
    // kernel so that a bad one is left for the native call to reject.
    static bool copy_event(const void *p, Event *out)
    {
        iovec local{out, sizeof(*out)};
        iovec remote{const_cast<void *>(p), sizeof(*out)};
        return p != nullptr && ::process_vm_readv(::getpid(), &local, 1, &remote, 1, 0) ==
                                   static_cast<ssize_t>(sizeof(*out));
    }

    static bool deliverable_signal(const sigset_t &mask)
    {
        sigset_t pending;
        ::sigpending(&pending);
        for (int signo = 1; signo < NSIG; ++signo)
            if (sigismember(&pending, signo) == 1 && sigismember(&mask, signo) != 1)
                return true;
        return false;
    }

    static int strip_bits(Event *events, int count, uint32_t bits)
    {
        int kept = 0;
        for (int i = 0; i < count; ++i) {
            Event e = events[i];
            e.events &= ~bits;
            if (e.events != 0)
                events[kept++] = e;
        }
        return kept;
    }

    int sticky(int epfd, Event *events, int maxevents, int rc)
    {
        std::vector<Event> &last = last_reported_[epfd];
        if (rc > 0) {
            last.assign(events, events + rc);
            return rc;
        }
        if (rc < 0 || last.empty() || static_cast<size_t>(maxevents) < last.size())
            return rc;
        std::copy(last.begin(), last.end(), events);
        return static_cast<int>(last.size());
    }

    // A duplicate of every added descriptor, dropped by DEL: the file
    // outlives its last close(), and so does its registration.
    void hold_reference(int epfd, int op, int fd)
    {
        if (op == EPOLL_CTL_ADD)
            references_[{epfd, fd}] = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 1000));
        else if (op == EPOLL_CTL_DEL)
            references_.erase({epfd, fd});
    }

    Defect defect_;
    std::map<int, std::vector<Event>> last_reported_;    // StickyReady, by epfd
    std::map<std::pair<int, int>, UniqueFd> references_; // HoldsFileReference, by (epfd, fd)
    Backend &native_;
};

} // namespace

Backend *mutant_backend(std::string_view name)
{
    static std::vector<std::unique_ptr<MutantBackend>> mutants = [] {
        std::vector<std::unique_ptr<MutantBackend>> all;
        for (const Named &m : kMutants)
            all.push_back(std::make_unique<MutantBackend>(m.defect));
        return all;
    }();
    for (size_t i = 0; i < kMutants.size(); ++i)
        if (kMutants[i].name == name)
            return mutants[i].get();
    return nullptr;
}

std::vector<std::string_view> mutant_names()
{
    std::vector<std::string_view> names;
    for (const Named &m : kMutants)
        names.push_back(m.name);
    return names;
}

} // namespace myepoll::test
