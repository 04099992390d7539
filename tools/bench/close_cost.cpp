// Close cost: close() of an eventfd no instance watches, while myepoll
// watches other anon-inode files.  Every anon-inode file (eventfd, timerfd,
// signalfd, epoll and myepoll instances) shares one inode, and myepoll
// tracks the end of a watched file through an fsnotify mark on its inode
// (module/close.c): every close of any anon-inode file then reaches
// myepoll's handler, which looks for the closing file among the mark's
// items.  Timed, in this order, in one boot and one process:
//  - myepoll loaded, no instance and no mark (this process has not used it);
//  - myepoll unloaded (delete_module), then loaded again from --module-file
//    (skipped without that option);
//  - 1 item: one instance watching one eventfd, so the mark is there;
//  - instances x fds items: that eventfd dup'd fds times, every one of the
//    instances watching all of them.
// A sample creates an eventfd (untimed) and times its close(): the last
// fput() runs __fput(), fsnotify's close event included, as task work
// before close() returns to user space.  This section runs before any
// other: unloading needs a process that has not opened /dev/myepoll yet
// (tools/lib keeps it open until exit).
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "clock.hpp"
#include "fd_limit.hpp"
#include "kernel_module.hpp"
#include "sections.hpp"

namespace myepoll::bench
{

namespace
{

constexpr uint32_t kEpollIn = 0x001;
constexpr char kModule[] = "myepoll";

UniqueFd new_eventfd()
{
    UniqueFd fd(::eventfd(0, EFD_CLOEXEC));
    if (!fd)
        throw std::system_error(errno, std::generic_category(), "close: eventfd");
    return fd;
}

// instances x fds myepoll items on the anon inode's mark: one eventfd, fds
// dup's of it, each watched by every instance.  The instances close first
// (reverse order of the members), so the eventfd's own last close finds no
// items left.
class Watches
{
  public:
    Watches(std::size_t instances, std::size_t fds) : eventfd_(new_eventfd())
    {
        fds_.reserve(fds);
        for (std::size_t i = 0; i < fds; ++i) {
            UniqueFd fd(::dup(eventfd_.get()));
            if (!fd)
                throw std::system_error(errno, std::generic_category(), "close: dup");
            fds_.push_back(std::move(fd));
        }
        instances_.reserve(instances);
        for (std::size_t i = 0; i < instances; ++i) {
            Instance &instance = instances_.emplace_back(backend(BackendKind::MyEpoll));
            for (const auto &fd : fds_) {
                const int rc = instance.add(fd.get(), kEpollIn, 0);
                if (rc == 0)
                    ++added_;
                else if (add_errno_ == 0)
                    add_errno_ = -rc;
            }
        }
    }

    [[nodiscard]] std::size_t items() const noexcept { return fds_.size() * instances_.size(); }
    [[nodiscard]] std::size_t added() const noexcept { return added_; }
    [[nodiscard]] int add_errno() const noexcept { return add_errno_; }

  private:
    UniqueFd eventfd_;
    std::vector<UniqueFd> fds_;
    std::vector<Instance> instances_;
    std::size_t added_ = 0;
    int add_errno_ = 0;
};

// config.warmup untimed closes, then config.rounds timed ones.
CloseRow time_closes(const Config &config, CloseRow row)
{
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(config.rounds));
    for (int i = 0; i < config.warmup + config.rounds; ++i) {
        UniqueFd fd = new_eventfd();
        const int64_t t0 = now_ns();
        const int rc = ::close(fd.release());
        const int64_t t1 = now_ns();
        if (rc != 0)
            ++row.close_errors;
        else if (i >= config.warmup)
            samples.push_back(static_cast<double>(t1 - t0));
    }
    row.cost = summarize(std::move(samples));
    return row;
}

CloseRow time_closes(const Config &config, const Watches &watches)
{
    CloseRow row{.module = "loaded", .items = watches.items()};
    row.added = watches.added();
    row.add_errno = watches.add_errno();
    return time_closes(config, std::move(row));
}

// Without the module, then with it again; an empty row when it cannot go.
CloseRow time_closes_unloaded(const Config &config)
{
    CloseRow row{.module = "unloaded"};
    if (const int error = unload_module(kModule); error != 0) {
        row.error = std::string("cannot unload ") + kModule + ": " + std::strerror(error);
        std::printf("bench: close: %s; no figure without the module\n", row.error.c_str());
        return row;
    }
    row = time_closes(config, std::move(row));
    if (const int error = load_module(config.module_file); error != 0)
        throw std::system_error(error, std::generic_category(),
                                "close: loading " + config.module_file + " again");
    return row;
}

} // namespace

void run_close(const Config &config, Results &results)
{
    const std::size_t fds_needed = config.close_fds + config.close_instances + 64;
    if (raise_fd_limit() < fds_needed)
        throw std::runtime_error("close: RLIMIT_NOFILE is below " + std::to_string(fds_needed));
    results.close.push_back(time_closes(config, CloseRow{.module = "loaded"}));
    if (!config.module_file.empty())
        results.close.push_back(time_closes_unloaded(config));
    {
        const Watches one(1, 1);
        results.close.push_back(time_closes(config, one));
    }
    const Watches many(config.close_instances, config.close_fds);
    results.close.push_back(time_closes(config, many));
}

} // namespace myepoll::bench
