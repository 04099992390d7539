// WatchLimit (see watch_limit.hpp).
#include <dirent.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "local_fds.hpp"
#include "watch_limit.hpp"

namespace myepoll::test
{

namespace
{

// Mutants (see mutant_backend.hpp) are native epoll underneath.
bool is_native(const Backend &backend)
{
    return backend.kind() == BackendKind::Native || backend.name() == "mutant";
}

constexpr const char *kLimitPath = "/proc/sys/fs/epoll/max_user_watches";

// myepoll reads the sysctl again at an ADD once a second has passed since
// its last read (module/limits.c).
constexpr auto kMyepollReadLag = std::chrono::milliseconds(1100);

unsigned long read_value(const std::string &path)
{
    std::ifstream in(path);
    unsigned long value = 0;
    if (!(in >> value))
        throw std::system_error(errno ? errno : EIO, std::generic_category(), "read " + path);
    return value;
}

// Registrations listed in the fdinfo of every native and myepoll instance in
// every process (they share one budget): an upper bound of the current
// user's watches, except for instances this user created and another user
// holds (not counted).
unsigned long estimate_in_use()
{
    namespace fs = std::filesystem;
    unsigned long count = 0;
    std::error_code ec;
    for (const fs::directory_entry &process : fs::directory_iterator("/proc", ec)) {
        const std::string name = process.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::error_code fd_ec;
        for (const fs::directory_entry &fd : fs::directory_iterator(process.path() / "fd", fd_ec)) {
            std::error_code link_ec;
            const std::string link = fs::read_symlink(fd.path(), link_ec).string();
            if (link != "anon_inode:[eventpoll]" && link != "anon_inode:[myepoll]")
                continue;
            std::ifstream info(process.path() / "fdinfo" / fd.path().filename());
            std::string line;
            while (std::getline(info, line))
                count += line.rfind("tfd:", 0) == 0 ? 1 : 0;
        }
    }
    return count;
}

} // namespace

WatchLimit::WatchLimit(const Backend &backend)
    : path_(kLimitPath), original_(read_value(path_)), lagging_(!is_native(backend))
{
}

WatchLimit::~WatchLimit()
{
    try {
        set(original_);
    } catch (...) {
    }
}

void WatchLimit::set(unsigned long value) const
{
    std::ofstream out(path_);
    out << value << '\n';
    out.flush();
    if (!out)
        throw std::system_error(errno ? errno : EIO, std::generic_category(), "write " + path_);
    if (lagging_)
        std::this_thread::sleep_for(kMyepollReadLag);
}

unsigned long WatchLimit::watches_in_use(Backend &backend) const
{
    constexpr unsigned long kHeadroom = 64;
    for (unsigned long limit = estimate_in_use() + kHeadroom; limit < (1ul << 24); limit *= 2) {
        set(limit);
        Instance probe(backend);
        UniqueFd target = make_eventfd();
        std::vector<UniqueFd> keys; // one registration per descriptor
        unsigned long added = 0;
        while (added < limit) {
            keys.emplace_back(::dup(target.get()));
            if (!keys.back())
                throw std::system_error(errno, std::generic_category(), "dup");
            const int rc = probe.add(keys.back().get(), EPOLLIN, added);
            if (rc == -ENOSPC)
                break;
            if (rc != 0)
                throw std::system_error(-rc, std::generic_category(), "probe ADD");
            ++added;
        }
        if (added > 0) // in use + added == limit, or added == limit and none in use
            return limit - added;
    }
    throw std::system_error(ENOSPC, std::generic_category(), "watches in use: no limit found");
}

} // namespace myepoll::test
