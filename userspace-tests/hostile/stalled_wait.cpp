// StalledWait (see stalled_wait.hpp).
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "stalled_wait.hpp"

namespace myepoll::hostile
{

namespace
{

[[noreturn]] void fail(const char *what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

std::string task_file(pid_t tid, const char *name)
{
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

StalledWait::StalledWait(Instance &instance, int maxevents)
    : page_size_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))), maxevents_(maxevents)
{
    uffd_.reset(static_cast<int>(::syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK)));
    if (!uffd_)
        fail("userfaultfd");
    uffdio_api api{};
    api.api = UFFD_API;
    if (::ioctl(uffd_.get(), UFFDIO_API, &api) != 0)
        fail("UFFDIO_API");
    page_ = ::mmap(nullptr, page_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page_ == MAP_FAILED) {
        page_ = nullptr;
        fail("mmap");
    }
    uffdio_register reg{};
    reg.range.start = reinterpret_cast<uintptr_t>(page_);
    reg.range.len = page_size_;
    reg.mode = UFFDIO_REGISTER_MODE_MISSING;
    if (::ioctl(uffd_.get(), UFFDIO_REGISTER, &reg) != 0) {
        const int error = errno;
        ::munmap(page_, page_size_);
        page_ = nullptr;
        errno = error;
        fail("UFFDIO_REGISTER");
    }
    thread_ = std::jthread([this, &instance] {
        rc_ = instance.wait(static_cast<Event *>(page_), maxevents_, 0);
        returned_.store(true);
    });
}

StalledWait::~StalledWait()
{
    resolve();
    if (thread_.joinable())
        thread_.join();
    if (page_ != nullptr)
        ::munmap(page_, page_size_);
}

bool StalledWait::wait_stalled(std::chrono::milliseconds deadline)
{
    pollfd pfd{uffd_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(deadline.count())) != 1)
        return false;
    uffd_msg msg{};
    if (::read(uffd_.get(), &msg, sizeof(msg)) != sizeof(msg))
        return false;
    const auto start = reinterpret_cast<uintptr_t>(page_);
    return msg.event == UFFD_EVENT_PAGEFAULT && msg.arg.pagefault.address >= start &&
           msg.arg.pagefault.address < start + page_size_;
}

void StalledWait::resolve()
{
    if (resolved_ || page_ == nullptr)
        return;
    resolved_ = true;
    std::vector<char> zeros(page_size_, 0);
    uffdio_copy copy{};
    copy.dst = reinterpret_cast<uintptr_t>(page_);
    copy.src = reinterpret_cast<uintptr_t>(zeros.data());
    copy.len = page_size_;
    // EEXIST: the page is there already (nothing faulted); fine.
    if (::ioctl(uffd_.get(), UFFDIO_COPY, &copy) != 0 && errno != EEXIST) {
        // Last resort: closing the userfaultfd fails the copy-out instead.
        uffd_.reset();
    }
}

test::WaitResult StalledWait::result()
{
    resolve();
    if (thread_.joinable())
        thread_.join();
    test::WaitResult result{rc_, {}};
    const auto *events = static_cast<const Event *>(page_);
    for (int i = 0; i < rc_ && i < maxevents_; ++i)
        result.events.push_back({events[i].events, events[i].data});
    return result;
}

Closer::Closer(UniqueFd fd)
    : thread_([this, fd = std::move(fd)]() mutable {
          tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)));
          fd.reset(); // the release runs on the way back to user space
          done_.store(true);
      })
{
}

bool Closer::blocked_or_done(std::chrono::milliseconds deadline) const
{
    return wait_until(
        [this] {
            const pid_t tid = tid_.load();
            return done() || (tid != 0 && blocked_in_fput(tid));
        },
        deadline);
}

bool blocked_in_fput(pid_t tid)
{
    const std::string stat = task_file(tid, "stat");
    const size_t paren = stat.rfind(')'); // the name may contain anything
    if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'D')
        return false;
    const std::string stack = task_file(tid, "stack"); // root, CONFIG_STACKTRACE
    return stack.empty() || stack.find("__fput") != std::string::npos;
}

} // namespace myepoll::hostile
