#include "et_consumer.hpp"

#include <stdexcept>
#include <string>
#include <system_error>

#include <libmyepoll.h>

namespace myepoll::bench
{

namespace
{

constexpr uint32_t kEdgeIn = MYEPOLL_IN | MYEPOLL_ET;
// Ring slots: every event of the largest turn fits (the bench's K <= 4096).
constexpr unsigned kRingEntries = 4096;

void check(int rc, const char *what)
{
    if (rc < 0)
        throw std::system_error(-rc, std::generic_category(), what);
}

// native epoll_wait() or myepoll's WAIT, through the shared backends.
class PlainConsumer final : public EtConsumer
{
  public:
    explicit PlainConsumer(BackendKind kind) : instance_(backend(kind)) {}
    void watch(int fd, uint32_t index, bool oneshot) override
    {
        check(instance_.add(fd, kEdgeIn | (oneshot ? MYEPOLL_ONESHOT : 0), index), "ADD");
    }
    int take(Event *events, int max) override
    {
        const int n = instance_.wait(events, max, kInfinite);
        check(n, "wait");
        return n;
    }

  private:
    Instance instance_;
};

struct RingDestroy {
    void operator()(myepoll_ring *ring) const noexcept { myepoll_ring_destroy(ring); }
};

// The ring, set up before the first ADD (RING_SETUP wants an empty instance).
class RingConsumer final : public EtConsumer
{
  public:
    RingConsumer() : instance_(backend(BackendKind::MyEpoll))
    {
        ring_.reset(myepoll_ring_create(instance_.fd(), kRingEntries));
        if (!ring_)
            throw std::system_error(errno, std::generic_category(), "myepoll_ring_create");
    }
    void watch(int fd, uint32_t index, bool oneshot) override
    {
        check(instance_.add(fd, kEdgeIn | (oneshot ? MYEPOLL_ONESHOT : 0), index), "ADD");
    }
    int take(Event *events, int max) override
    {
        const int n =
            myepoll_ring_wait(ring_.get(), events, max, MYEPOLL_TIMEOUT_INFINITE, nullptr, 0);
        if (n < 0)
            throw std::system_error(errno, std::generic_category(), "myepoll_ring_wait");
        return n;
    }

  private:
    Instance instance_;
    std::unique_ptr<myepoll_ring, RingDestroy> ring_;
};

} // namespace

std::string consumer_name(Consumer kind)
{
    switch (kind) {
    case Consumer::Native:
        return "native";
    case Consumer::MyEpoll:
        return "myepoll";
    case Consumer::Ring:
        return "myepoll-ring";
    }
    return "?";
}

std::unique_ptr<EtConsumer> make_consumer(Consumer kind)
{
    switch (kind) {
    case Consumer::Native:
        return std::make_unique<PlainConsumer>(BackendKind::Native);
    case Consumer::MyEpoll:
        return std::make_unique<PlainConsumer>(BackendKind::MyEpoll);
    case Consumer::Ring:
        return std::make_unique<RingConsumer>();
    }
    throw std::invalid_argument("consumer");
}

} // namespace myepoll::bench
