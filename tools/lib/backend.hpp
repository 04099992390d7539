// Backend: one readiness API (native epoll or /dev/myepoll) behind one
// interface, so that every scenario can run on both and be compared.
//
// The raw calls return the result or -errno, like the kernel, and take raw
// pointers so that tests can pass bad ones (EFAULT cases).  Instance is the
// RAII handle most code uses.
//
// MyEpollRing is /dev/myepoll with a shared ready ring on every instance it
// creates (ring_backend.cpp): its waits take the events the module published
// into the ring, which may carry fewer bits than a re-poll would.
#pragma once

#include <signal.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include <linux/myepoll.h>

#include "unique_fd.hpp"

namespace myepoll
{

// The event record: struct epoll_event's layout (packed on x86-64), so that
// both backends take it.  MYEPOLL_* and EPOLL* have the same values.
using Event = struct myepoll_event;

// One op of a batched ctl: its event inline, its result (0 or -errno)
// written back.
using CtlOp = struct myepoll_ctl_op;

enum class BackendKind { Native, MyEpoll, MyEpollRing };

constexpr int64_t kInfinite = -1; // timeout_ns that waits without limit

class Backend
{
  public:
    virtual ~Backend() = default;
    [[nodiscard]] virtual BackendKind kind() const noexcept = 0;
    [[nodiscard]] virtual std::string_view name() const noexcept = 0;

    // epoll_create1(flags): new instance fd or -errno.
    virtual int create(int flags) = 0;
    // epoll_ctl(epfd, op, fd, event): 0 or -errno.
    virtual int ctl(int epfd, int op, int fd, const void *event) = 0;
    // epoll_pwait2(epfd, events, maxevents, timeout, sigmask): count or
    // -errno.  timeout_ns < 0 waits without limit.  sigsetsize is passed
    // to the kernel as given when sigmask is non-null.
    virtual int wait(int epfd, void *events, int maxevents, int64_t timeout_ns,
                     const sigset_t *sigmask = nullptr, size_t sigsetsize = 8) = 0;
    // The ops in order, each as ctl() and its result in ops[i].result: nr or
    // -errno.  By default one ctl() each, the reference a batched backend is
    // compared with; myepoll makes it one MYEPOLL_IOC_CTL_BATCH.
    virtual int ctl_batch(int epfd, CtlOp *ops, unsigned nr);
    // epfd, an instance this backend created, is about to be closed: state
    // kept for it (the ring backend's mapping) goes first.  Instance calls
    // it; an fd closed otherwise is noticed at its next wait.
    virtual void forget(int epfd) noexcept { (void)epfd; }
};

// The process-wide backend of that kind (myepoll opens /dev/myepoll once).
Backend &backend(BackendKind kind);

// One instance: owns its fd; the calls throw nothing and return -errno.
class Instance
{
  public:
    explicit Instance(Backend &backend, int flags = 0);
    Instance(Instance &&other) noexcept = default;
    Instance &operator=(Instance &&other) noexcept;
    ~Instance();
    [[nodiscard]] int fd() const noexcept { return fd_.get(); }
    [[nodiscard]] Backend &backend() const noexcept { return *backend_; }

    int add(int fd, uint32_t events, uint64_t data)
    {
        return ctl(MYEPOLL_CTL_ADD, fd, events, data);
    }
    int mod(int fd, uint32_t events, uint64_t data)
    {
        return ctl(MYEPOLL_CTL_MOD, fd, events, data);
    }
    int del(int fd) { return backend_->ctl(fd_.get(), MYEPOLL_CTL_DEL, fd, nullptr); }
    int ctl_batch(CtlOp *ops, unsigned nr) { return backend_->ctl_batch(fd_.get(), ops, nr); }
    int wait(Event *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask = nullptr)
    {
        return backend_->wait(fd_.get(), events, maxevents, timeout_ns, sigmask);
    }

  private:
    int ctl(int op, int fd, uint32_t events, uint64_t data);

    Backend *backend_;
    UniqueFd fd_;
};

} // namespace myepoll
