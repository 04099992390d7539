// FailNth: stepped fault injection (see fail_nth.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "fail_nth.hpp"

namespace gauntlet
{

namespace
{

const std::string kDebugfs = "/sys/kernel/debug/";

} // namespace

bool module_caches_flagged()
{
    for (const char *cache : kModuleCaches) {
        const auto flag = read_first_line(std::string("/sys/kernel/slab/") + cache + "/failslab");
        if (!flag || *flag != "1")
            return false;
    }
    return true;
}

std::unique_ptr<FailNth> FailNth::setup(bool module_caches_only, std::string *why)
{
    auto f = std::make_unique<FailNth>(Key{});
    f->fail_nth_ = myepoll::UniqueFd(::open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC));
    if (!f->fail_nth_) {
        *why = "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION)";
        return nullptr;
    }
    const std::string slab = kDebugfs + "failslab/";
    const std::string page = kDebugfs + "fail_page_alloc/";
    const std::string copy = kDebugfs + "fail_usercopy/";
    if (!path_exists(slab)) {
        *why = "no " + slab + " (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)";
        return nullptr;
    }
    bool ok = f->settings_.set(slab + "probability", "0") &&
              f->settings_.set(slab + "ignore-gfp-wait", "N") &&
              f->settings_.set(slab + "verbose", "2") &&
              f->settings_.set(slab + "cache-filter", module_caches_only ? "Y" : "N");
    if (ok && path_exists(page))
        ok = f->settings_.set(page + "probability", "0") &&
             f->settings_.set(page + "ignore-gfp-wait", module_caches_only ? "Y" : "N") &&
             f->settings_.set(page + "verbose", "2");
    if (ok && path_exists(copy))
        ok = f->settings_.set(copy + "probability", "0") && f->settings_.set(copy + "verbose", "2");
    if (!ok) {
        *why = "cannot configure " + kDebugfs + "fail*/: errno " + std::to_string(errno);
        return nullptr;
    }
    return f;
}

bool FailNth::arm(unsigned n)
{
    const std::string value = std::to_string(n);
    return ::pwrite(fail_nth_.get(), value.data(), value.size(), 0) ==
           static_cast<ssize_t>(value.size());
}

bool FailNth::disarm()
{
    // The read's own copy_to_user is an injection point while still armed:
    // if it was the one left, the read fails with EFAULT (not injected
    // before); the value is taken before that copy, so "0" means injected.
    char buf[32] = {};
    const ssize_t n = ::pread(fail_nth_.get(), buf, sizeof(buf) - 1, 0);
    const bool fired = n > 0 && buf[0] == '0';
    // Writing 0 leaves it disarmed whatever its copy_from_user does.
    (void)::pwrite(fail_nth_.get(), "0", 1, 0);
    return fired;
}

} // namespace gauntlet
