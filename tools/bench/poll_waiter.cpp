// poll(2) over one array of every watched fd; the caller scans revents.
#include <poll.h>

#include <cerrno>
#include <system_error>

#include "waiters.hpp"

namespace myepoll::bench
{

namespace
{

class PollWaiter final : public Waiter
{
  public:
    void watch(int fd, uint32_t index) override
    {
        fds_.push_back({fd, POLLIN, 0});
        index_.push_back(index);
    }

    int wait(std::vector<uint32_t> &ready) override
    {
        int rc;
        do
            rc = ::poll(fds_.data(), fds_.size(), -1);
        while (rc < 0 && errno == EINTR);
        if (rc < 0)
            throw std::system_error(errno, std::generic_category(), "poll");
        int found = 0;
        for (std::size_t i = 0; i < fds_.size() && found < rc; ++i) {
            if (fds_[i].revents != 0) {
                ready.push_back(index_[i]);
                ++found;
            }
        }
        return found;
    }

  private:
    std::vector<pollfd> fds_;
    std::vector<uint32_t> index_;
};

} // namespace

std::unique_ptr<Waiter> make_poll_waiter()
{
    return std::make_unique<PollWaiter>();
}

} // namespace myepoll::bench
