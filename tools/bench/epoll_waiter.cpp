// Native epoll or myepoll through the shared Backend / Instance.
#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "waiters.hpp"

namespace myepoll::bench
{

namespace
{

constexpr uint32_t kEpollIn = 0x001;

class EpollWaiter final : public Waiter
{
  public:
    explicit EpollWaiter(BackendKind kind) : instance_(backend(kind)) {}

    void watch(int fd, uint32_t index) override
    {
        const int rc = instance_.add(fd, kEpollIn, index);
        if (rc < 0)
            throw std::system_error(-rc, std::generic_category(),
                                    std::string(instance_.backend().name()) + " add");
    }

    int wait(std::vector<uint32_t> &ready) override
    {
        int rc;
        do
            rc = instance_.wait(events_.data(), static_cast<int>(events_.size()), kInfinite);
        while (rc == -EINTR);
        if (rc < 0)
            throw std::system_error(-rc, std::generic_category(),
                                    std::string(instance_.backend().name()) + " wait");
        for (int i = 0; i < rc; ++i)
            ready.push_back(static_cast<uint32_t>(events_[i].data));
        return rc;
    }

  private:
    Instance instance_;
    std::array<Event, 64> events_{};
};

} // namespace

std::unique_ptr<Waiter> make_epoll_waiter(BackendKind kind)
{
    return std::make_unique<EpollWaiter>(kind);
}

} // namespace myepoll::bench
