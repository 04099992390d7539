// check_nest_chain() (see nest_depth.hpp).
#include <fcntl.h>
#include <sys/epoll.h>

#include <cerrno>
#include <vector>

#include "calls.hpp"
#include "format.hpp"
#include "nest_depth.hpp"

namespace gauntlet
{

std::string check_nest_chain(int dev)
{
    constexpr int kNativeRefusesAdd = 5; // the 5th ADD, a 6th level
    std::vector<UniqueFd> chain;
    chain.emplace_back(create(dev, O_CLOEXEC));
    for (int add = 1; add <= 7; ++add) {
        chain.emplace_back(create(dev, O_CLOEXEC));
        if (!chain.back())
            return "CREATE failed";
        const int rc = ctl(chain[chain.size() - 2].get(), EPOLL_CTL_ADD, chain.back().get(),
                           EPOLLIN, static_cast<uint64_t>(add));
        if (add < kNativeRefusesAdd && rc != 0)
            return "bottom-up ADD " + std::to_string(add) + ": " + rc_name(rc) + ", expected 0";
        if (add == kNativeRefusesAdd)
            return rc == -ELOOP ? ""
                                : "bottom-up ADD " + std::to_string(add) + " (level " +
                                      std::to_string(add + 1) + ") returned " + rc_name(rc) +
                                      ", native returns ELOOP";
    }
    return "";
}

} // namespace gauntlet
