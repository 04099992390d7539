// KmsgReader: the kernel log records written since the last mark(), read
// from /dev/kmsg, and the fault-injection site they name.
#pragma once

#include <string>
#include <vector>

#include "unique_fd.hpp"

namespace gauntlet
{

class KmsgReader
{
  public:
    KmsgReader();
    [[nodiscard]] bool ok() const noexcept { return static_cast<bool>(fd_); }
    // Forget everything logged so far.
    void mark();
    // The messages logged since mark() (and marks again).
    std::vector<std::string> take();

  private:
    myepoll::UniqueFd fd_;
};

// From the messages of one forced failure: "<attr>: frame < caller", e.g.
// "failslab: myep_insert < myep_ctl_file", with the allocator's and the
// fault injector's own frames skipped; "" if there was no report (the
// allocation asked for __GFP_NOWARN, which silences it).
std::string fault_site(const std::vector<std::string> &messages);

} // namespace gauntlet
