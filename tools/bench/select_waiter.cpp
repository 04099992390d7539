// select(2) over a bitmap sized to the highest fd, not FD_SETSIZE: the
// kernel takes any nfds up to the fd table's size.  The bitmap is rebuilt
// from a master copy before every call, as select's users must.
#include <sys/select.h>

#include <cerrno>
#include <climits>
#include <system_error>

#include "waiters.hpp"

namespace myepoll::bench
{

namespace
{

constexpr int kBits = sizeof(unsigned long) * CHAR_BIT;

class SelectWaiter final : public Waiter
{
  public:
    void watch(int fd, uint32_t index) override
    {
        const auto word = static_cast<std::size_t>(fd / kBits);
        if (master_.size() <= word)
            master_.resize(word + 1);
        master_[word] |= 1UL << (fd % kBits);
        fds_.push_back({fd, index});
        nfds_ = std::max(nfds_, fd + 1);
    }

    int wait(std::vector<uint32_t> &ready) override
    {
        work_ = master_;
        auto *set = reinterpret_cast<fd_set *>(work_.data());
        int rc;
        do
            rc = ::select(nfds_, set, nullptr, nullptr, nullptr);
        while (rc < 0 && errno == EINTR);
        if (rc < 0)
            throw std::system_error(errno, std::generic_category(), "select");
        int found = 0;
        for (const Watched &w : fds_) {
            if (found == rc)
                break;
            if (work_[w.fd / kBits] & (1UL << (w.fd % kBits))) {
                ready.push_back(w.index);
                ++found;
            }
        }
        return found;
    }

  private:
    struct Watched {
        int fd;
        uint32_t index;
    };
    std::vector<unsigned long> master_, work_;
    std::vector<Watched> fds_;
    int nfds_ = 0;
};

} // namespace

std::unique_ptr<Waiter> make_select_waiter()
{
    return std::make_unique<SelectWaiter>();
}

} // namespace myepoll::bench
