// The table of ring_table.hpp: a short vector of (fd, ring) under a mutex.
// A process has few instances; lookups are a scan.  An atomic count lets
// close() skip the lock while the table is empty (every program not in ring
// mode).
//
// The table is never destroyed: close() may come from another library's
// destructor or another thread after the shim's globals would be gone.
#include <linux/kcmp.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include <libmyepoll.h>

#include "log.hpp"
#include "real_calls.hpp"
#include "ring_table.hpp"
#include "stats.hpp"

namespace myepoll::shim
{

namespace
{

constexpr unsigned int kDefaultEntries = 4096;

struct Entry {
    int fd;
    RingRef ring;
};

struct Table {
    std::mutex lock;
    std::vector<Entry> entries;
};

// Storage constructed once and never destroyed.
template <typename T> class Immortal
{
  public:
    Immortal() { std::construct_at(ptr()); }
    Immortal(const Immortal &) = delete;
    Immortal &operator=(const Immortal &) = delete;
    ~Immortal() = default; // T's destructor deliberately not run
    T &get() noexcept { return *ptr(); }

  private:
    T *ptr() noexcept { return std::launder(reinterpret_cast<T *>(storage_)); }
    alignas(T) unsigned char storage_[sizeof(T)];
};

Immortal<Table> table;
std::atomic<int> registered{0}; // entries in the table
bool mode = false;
unsigned int ring_entries = kDefaultEntries;

void lock_for_fork() noexcept
{
    table.get().lock.lock();
}
void unlock_after_fork() noexcept
{
    table.get().lock.unlock();
}

__attribute__((constructor)) void ring_table_init() noexcept
{
    mode = env_flag("MYEPOLL_SHIM_RING");
    if (const char *s = std::getenv("MYEPOLL_SHIM_RING_ENTRIES"); s != nullptr && *s != '\0')
        ring_entries = static_cast<unsigned int>(std::strtoul(s, nullptr, 0));
    ::pthread_atfork(lock_for_fork, unlock_after_fork, unlock_after_fork);
}

RingRef make_ref(myepoll_ring *ring) noexcept
{
    try {
        return RingRef(ring, myepoll_ring_destroy);
    } catch (const std::bad_alloc &) {
        return nullptr; // the deleter has run: ring is unmapped
    }
}

// Registers (fd, ring), replacing an entry for fd: a stale one whose close
// the shim did not see.  The replaced ring is returned to be dropped outside
// the lock (its munmap).  False if the table cannot grow.
bool put_locked(Table &t, int fd, RingRef ring, RingRef &replaced) noexcept
{
    for (Entry &e : t.entries) {
        if (e.fd == fd) {
            replaced = std::exchange(e.ring, std::move(ring));
            return true;
        }
    }
    try {
        t.entries.push_back({fd, std::move(ring)});
    } catch (const std::bad_alloc &) {
        return false;
    }
    registered.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool put(int fd, RingRef ring) noexcept
{
    RingRef replaced;
    Table &t = table.get();
    const std::lock_guard guard(t.lock);
    return put_locked(t, fd, std::move(ring), replaced);
}

RingRef find_locked(Table &t, int fd) noexcept
{
    for (const Entry &e : t.entries)
        if (e.fd == fd)
            return e.ring;
    return nullptr;
}

// Same open file?  kcmp() needs CONFIG_KCMP; without it no sharing.
bool same_file(int a, int b) noexcept
{
    const long pid = ::getpid();
    return real::syscall6(SYS_kcmp, pid, pid, KCMP_FILE, a, b, 0) == 0;
}

// Moves out the entries for which drop(fd) holds, to be released unlocked.
template <typename Pred> std::vector<RingRef> take_if(Pred drop) noexcept
{
    std::vector<RingRef> gone;
    if (registered.load(std::memory_order_relaxed) == 0)
        return gone;
    Table &t = table.get();
    const std::lock_guard guard(t.lock);
    auto &v = t.entries;
    for (auto it = v.begin(); it != v.end();) {
        if (drop(it->fd)) {
            try {
                gone.push_back(std::move(it->ring));
            } catch (const std::bad_alloc &) {
                it->ring.reset(); // munmap under the lock: rare, still correct
            }
            it = v.erase(it);
            registered.fetch_sub(1, std::memory_order_relaxed);
        } else {
            ++it;
        }
    }
    return gone;
}

} // namespace

bool ring_mode() noexcept
{
    return mode;
}

int ring_setup(int epfd) noexcept
{
    myepoll_ring *ring = myepoll_ring_create(epfd, ring_entries);
    if (ring == nullptr)
        return -errno;
    RingRef ref = make_ref(ring);
    if (!ref || !put(epfd, std::move(ref)))
        return -ENOMEM;
    count(Counter::Ring);
    return 0;
}

RingRef ring_find(int epfd) noexcept
{
    if (registered.load(std::memory_order_relaxed) == 0)
        return nullptr;
    Table &t = table.get();
    const std::lock_guard guard(t.lock);
    return find_locked(t, epfd);
}

RingRef ring_attach(int epfd) noexcept
{
    if (RingRef known = ring_find(epfd))
        return known;
    const int saved_errno = errno;
    myepoll_ring *fresh = myepoll_ring_attach(epfd);
    errno = saved_errno;
    if (fresh == nullptr)
        return nullptr;
    RingRef ring;
    {
        Table &t = table.get();
        const std::lock_guard guard(t.lock);
        for (const Entry &e : t.entries) {
            if (same_file(e.fd, epfd)) {
                ring = e.ring; // another fd of this instance: one consumer
                break;
            }
        }
    }
    if (ring)
        myepoll_ring_destroy(fresh);
    else if (!(ring = make_ref(fresh)))
        return nullptr;
    errno = saved_errno;
    if (!put(epfd, ring))
        return nullptr;
    count(Counter::Ring);
    if (verbose())
        log_line("ring: attached epfd %d", epfd);
    return ring;
}

void ring_forget(int fd) noexcept
{
    const int saved_errno = errno;
    take_if([fd](int e) { return e == fd; });
    errno = saved_errno;
}

void ring_forget_range(unsigned int first, unsigned int last) noexcept
{
    const int saved_errno = errno;
    take_if([=](int e) {
        const auto u = static_cast<unsigned int>(e);
        return u >= first && u <= last;
    });
    errno = saved_errno;
}

void ring_alias(int oldfd, int newfd) noexcept
{
    if (oldfd == newfd || newfd < 0 || registered.load(std::memory_order_relaxed) == 0)
        return;
    RingRef replaced;
    Table &t = table.get();
    const std::lock_guard guard(t.lock);
    if (RingRef ring = find_locked(t, oldfd))
        put_locked(t, newfd, std::move(ring), replaced);
}

} // namespace myepoll::shim
