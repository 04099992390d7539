// gauntlet leaks: what a workload left behind, checked after it ended.
//
//   slab-empty-<cache>  the module's caches hold no object (after shrink;
//                       marks are freed by fsnotify after an SRCU grace
//                       period, so this polls for up to --settle seconds)
//   kmemleak            a kmemleak scan reports nothing: objects must be
//                       older than 5 s and unchanged over two scans to be
//                       reported, so it waits --age seconds and scans twice;
//                       a report is printed whole
//
// Options: --settle N (10) --kmemleak 0|1 (1) --age N (6)
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "fail_nth.hpp" // kModuleCaches
#include "parts.hpp"
#include "slab_objects.hpp"
#include "sysfs_file.hpp"

namespace gauntlet
{

namespace
{

const std::string kKmemleak = "/sys/kernel/debug/kmemleak";

std::string check_cache(const std::string &cache, unsigned settle)
{
    for (unsigned tenth = 0;; ++tenth) {
        const auto count = slab_objects(cache);
        if (!count)
            return "no /sys/kernel/slab/" + cache + " (module not loaded?)";
        if (count->merged)
            return cache + " is merged with another cache: its objects cannot be counted "
                           "(boot with slab_nomerge)";
        if (count->objects == 0)
            return "";
        if (tenth >= settle * 10)
            return std::to_string(count->objects) + " object(s) still allocated in " + cache +
                   " after " + std::to_string(settle) + " s";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

int run_leaks(const Options &options, Report &report)
{
    const unsigned settle = static_cast<unsigned>(options.number("settle", 10));
    const bool kmemleak = options.number("kmemleak", 1) != 0;
    const unsigned age = static_cast<unsigned>(options.number("age", 6));
    reject_unused(options);

    for (const char *cache : kModuleCaches)
        report.check(std::string("slab-empty-") + cache, check_cache(cache, settle));

    if (!kmemleak)
        return report.failures() == 0 ? 0 : 1;
    if (!path_exists(kKmemleak)) {
        report.fail("kmemleak", "no " + kKmemleak + " (CONFIG_DEBUG_KMEMLEAK, debugfs)");
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(age));
    if (!write_value(kKmemleak, "scan") || !write_value(kKmemleak, "scan")) {
        report.fail("kmemleak", "cannot write scan to " + kKmemleak);
        return 1;
    }
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto text = read_all(kKmemleak);
    if (!text) {
        report.fail("kmemleak", "cannot read " + kKmemleak);
        return 1;
    }
    report.note("kmemleak: waited " + std::to_string(age) + " s and scanned twice in " +
                std::to_string(took) + " s");
    if (!text->empty()) {
        write_line(*text);
        report.fail("kmemleak", "kmemleak reports the objects above");
    } else {
        report.pass("kmemleak");
    }
    return report.failures() == 0 ? 0 : 1;
}

} // namespace gauntlet
