// FailNth: fault injection stepped one site at a time, for the calling
// thread only.
//
// /proc/thread-self/fail-nth: after writing N to it, the Nth fault-injection
// point this thread reaches fails, and nothing else in the system does.
// Points are those of failslab (slab allocations), fail_page_alloc (page
// allocations of order >= min-order) and fail_usercopy (copy_from_user,
// copy_to_user), in the order the kernel reaches them.  Reading it back
// gives 0 once the fault was injected.  setup() makes GFP_KERNEL
// allocations injectable (ignore-gfp-wait = N), has the injectors log the
// site (verbose = 2: message and stack), and with module_caches_only sets
// failslab's cache-filter so that only caches flagged failslab (the
// module's, with slub_debug=A,myep_* on the kernel command line) count as
// slab sites.  probability stays 0, so no other task is affected.  The
// previous settings come back on destruction.
#pragma once

#include <memory>
#include <string>

#include "sysfs_file.hpp"
#include "unique_fd.hpp"

namespace gauntlet
{

class FailNth
{
  public:
    // Nothing, with *why set, if fault injection is not available.
    static std::unique_ptr<FailNth> setup(bool module_caches_only, std::string *why);

    // The nth injection point from now fails.
    bool arm(unsigned n);
    // After the call: true if the fault was injected; disarms in any case.
    bool disarm();

    struct Key {
        explicit Key() = default;
    };
    explicit FailNth(Key) {}

  private:
    SettingsGuard settings_;
    myepoll::UniqueFd fail_nth_;
};

// The module's caches (KMEM_CACHE names in module/).
inline constexpr const char *kModuleCaches[] = {"myep_item", "myep_pwq", "myep_file"};

// True if every module cache has the failslab flag.
bool module_caches_flagged();

} // namespace gauntlet
