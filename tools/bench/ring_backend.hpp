// RingBackend: myepoll with the shared ready ring behind the Backend
// interface, for running the Reactor demo's server on the ring (the reactor
// section).  create() makes a myepoll instance and sets up its ring; wait()
// takes the events from the ring (myepoll_ring_wait(): no system call while
// it holds entries).  ctl goes to myepoll as is.
//
// Instance closes its fd without telling the backend, so the rings are kept
// by fd number: a create that gets the number of a closed ring instance
// unmaps the old ring, and the backend unmaps every ring when destroyed.
// One backend per section run; not for several threads.
#pragma once

#include <map>
#include <memory>

#include <libmyepoll.h>

#include "backend.hpp"

namespace myepoll::bench
{

class RingBackend final : public Backend
{
  public:
    explicit RingBackend(unsigned entries = 4096);

    [[nodiscard]] BackendKind kind() const noexcept override { return BackendKind::MyEpoll; }
    [[nodiscard]] std::string_view name() const noexcept override { return "myepoll-ring"; }
    int create(int flags) override;
    int ctl(int epfd, int op, int fd, const void *event) override;
    int wait(int epfd, void *events, int maxevents, int64_t timeout_ns, const sigset_t *sigmask,
             size_t sigsetsize) override;

  private:
    struct Destroy {
        void operator()(myepoll_ring *ring) const noexcept { myepoll_ring_destroy(ring); }
    };
    Backend &myepoll_;
    unsigned entries_;
    std::map<int, std::unique_ptr<myepoll_ring, Destroy>> rings_; // by instance fd
};

} // namespace myepoll::bench
