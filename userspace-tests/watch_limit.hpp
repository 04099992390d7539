// The per-user watch limit of a backend (EPOLL_CTL_ADD beyond it is
// ENOSPC): native's /proc/sys/fs/epoll/max_user_watches, or myepoll's
// module parameter /sys/module/myepoll/parameters/max_user_watches.  Both
// are global and writable by root; WatchLimit changes one for its scope and
// restores the original value on destruction.
#pragma once

#include <string>

#include "backend.hpp"

namespace myepoll::test
{

class WatchLimit
{
  public:
    explicit WatchLimit(const Backend &backend); // throws if the file is unreadable
    WatchLimit(const WatchLimit &) = delete;
    WatchLimit &operator=(const WatchLimit &) = delete;
    ~WatchLimit();

    [[nodiscard]] unsigned long original() const noexcept { return original_; }
    void set(unsigned long value) const; // throws std::system_error

    // The watches the current user holds right now on this backend (all its
    // instances, every process), found by lowering the limit and counting
    // the ADDs that still succeed.  The search starts above an estimate
    // taken from every process's fdinfo, so that other programs keep some
    // headroom while it runs; the limit is left at the last probed value.
    unsigned long watches_in_use(Backend &backend) const;

  private:
    std::string path_;
    unsigned long original_;
};

} // namespace myepoll::test
