// The per-user watch limit (EPOLL_CTL_ADD beyond it is ENOSPC):
// /proc/sys/fs/epoll/max_user_watches, one budget for native and myepoll
// watches together.  Global and writable by root; WatchLimit changes it for
// its scope and restores the original value on destruction.  myepoll sees a
// new value up to a second late, so for it set() waits that long.
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

    // The watches the current user holds right now (native and myepoll, all
    // its instances, every process), found by lowering the limit and counting
    // the ADDs that still succeed.  The search starts above an estimate
    // taken from every process's fdinfo, so that other programs keep some
    // headroom while it runs; the limit is left at the last probed value.
    unsigned long watches_in_use(Backend &backend) const;

  private:
    std::string path_;
    unsigned long original_;
    bool lagging_; // myepoll: set() waits for the module to read the value
};

} // namespace myepoll::test
