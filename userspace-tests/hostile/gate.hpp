// Gate: lets a forked child go on at the moment the parent chooses (after
// it has set a trace filter on the child's pid, after a stall is in place).
// Made before the fork; the child waits, the parent opens it once.
#pragma once

#include "unique_fd.hpp"

namespace myepoll::hostile
{

class Gate
{
  public:
    Gate(); // throws std::system_error
    Gate(const Gate &) = delete;
    Gate &operator=(const Gate &) = delete;

    void open(); // parent: let the child through
    bool pass(); // child: block until open() (false if the parent went away)

  private:
    UniqueFd read_;
    UniqueFd write_;
};

} // namespace myepoll::hostile
