// KmsgReader and fault_site() (see kmsg.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "kmsg.hpp"

namespace gauntlet
{

KmsgReader::KmsgReader() : fd_(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC))
{
    mark();
}

void KmsgReader::mark()
{
    if (fd_)
        ::lseek(fd_.get(), 0, SEEK_END);
}

std::vector<std::string> KmsgReader::take()
{
    std::vector<std::string> out;
    if (!fd_)
        return out;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd_.get(), buf, sizeof(buf));
        if (n < 0 && errno == EPIPE) // overwritten records: go on with the next
            continue;
        if (n <= 0)
            break;
        std::string_view record(buf, static_cast<size_t>(n));
        const size_t semi = record.find(';');
        if (semi == std::string_view::npos)
            continue;
        record.remove_prefix(semi + 1);
        const size_t nl = record.find('\n');
        out.emplace_back(record.substr(0, nl));
    }
    return out;
}

namespace
{

bool starts_with_any(std::string_view name, std::initializer_list<std::string_view> prefixes)
{
    for (std::string_view p : prefixes)
        if (name.substr(0, p.size()) == p)
            return true;
    return false;
}

// Frames of the fault injector, the allocators and the user-copy helpers.
bool plumbing(std::string_view fn)
{
    return starts_with_any(fn, {"dump_stack",
                                "should_fail",
                                "__should_fail",
                                "fail_dump",
                                "should_failslab",
                                "slab_pre_alloc_hook",
                                "kmem_cache_alloc",
                                "__kmem_cache_alloc",
                                "kmem_cache_zalloc",
                                "kmalloc",
                                "__kmalloc",
                                "kzalloc",
                                "kvmalloc",
                                "__kvmalloc",
                                "kmalloc_trace",
                                "slab_alloc",
                                "__slab_alloc",
                                "___slab_alloc",
                                "allocate_slab",
                                "new_slab",
                                "alloc_pages",
                                "__alloc_pages",
                                "prepare_alloc_pages",
                                "alloc_slab_page",
                                "_copy_from_user",
                                "_copy_to_user",
                                "copy_from_user",
                                "copy_to_user",
                                "memdup_user",
                                "kasan",
                                "__kasan",
                                "strncpy_from_user",
                                "kstrto",
                                "rcu_lockdep"});
}

} // namespace

std::string fault_site(const std::vector<std::string> &messages)
{
    std::string attr;
    std::vector<std::string> frames;
    bool in_trace = false;
    for (const std::string &m : messages) {
        const size_t name = m.find("name ");
        if (m.find("FAULT_INJECTION: forcing a failure") != std::string::npos && attr.empty()) {
            // "name failslab, interval ..." follows, in this record or the next.
            const size_t at = m.find("name ", m.find("failure"));
            if (at != std::string::npos)
                attr = m.substr(at + 5, m.find(',', at) - at - 5);
            continue;
        }
        if (attr.empty() && name == 0) {
            attr = m.substr(5, m.find(',') - 5);
            continue;
        }
        if (m.find("Call Trace:") != std::string::npos) {
            in_trace = true;
            continue;
        }
        if (!in_trace)
            continue;
        if (m.find("</TASK>") != std::string::npos)
            break;
        std::string_view line(m);
        while (!line.empty() && line.front() == ' ')
            line.remove_prefix(1);
        if (line.empty() || line.front() == '<' || line.substr(0, 2) == "? ")
            continue;
        std::string_view fn = line.substr(0, line.find('+'));
        if (plumbing(fn) || fn.find(".cold") != std::string_view::npos)
            continue;
        fn = fn.substr(0, fn.find('.')); // foo.part.0, foo.constprop.0, foo.isra.0
        frames.emplace_back(fn);
        if (frames.size() == 2)
            break;
    }
    if (attr.empty())
        return "";
    std::string site = attr + ":";
    for (size_t i = 0; i < frames.size(); ++i)
        site += (i == 0 ? " " : " < ") + frames[i];
    return site;
}

} // namespace gauntlet
