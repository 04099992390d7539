// FuzzWorker's shared ready ring calls (MYEPOLL_IOC_RING_SETUP, mmap(), the
// ring's WAIT, user writes to the mapping).  The pooled instances must stay
// plain (a WAIT with a buffer is EINVAL on a ring instance, and the final
// check_usable() waits with one): on them a set-up always carries a bad
// argument and must fail.  The worker's own ring instance, apart from the
// pools, gets valid set-ups, its mapping scribbled with random words while
// its endpoints wake it, and WAITs whose counts stay within the ring.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "calls.hpp"
#include "format.hpp"
#include "fuzz_worker.hpp"

namespace gauntlet
{

namespace
{

// A set-up argument that is surely invalid: entries not a power of two in
// 2 .. MAX, or a flag.
struct myepoll_ring_setup bad_setup(Rng &rng)
{
    struct myepoll_ring_setup s {
    };
    s.entries = rng.pick<uint32_t>({0, 1, 3, 100, MYEPOLL_RING_MAX_ENTRIES * 2, 0x80000000U,
                                    static_cast<uint32_t>(rng.next()) | 0x10001U});
    if (rng.chance(30)) {
        s.entries = 8;
        s.flags = static_cast<uint32_t>(rng.next()) | 1U;
    }
    s.map_size = rng.next();
    return s;
}

} // namespace

void FuzzWorker::call_ring_setup(const Fd &on)
{
    PtrKind args_kind;
    const uint64_t args = arena_.input(rng_, sizeof(struct myepoll_ring_setup), &args_kind);
    const struct myepoll_ring_setup s = bad_setup(rng_);
    if (is_writable(args_kind))
        std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(args)), &s, sizeof(s));
    const long rc = raw_ioctl(on.fd, MYEPOLL_IOC_RING_SETUP, args);
    record("RING_SETUP", rc);
    switch (on.cls) {
    case FdClass::Instance:
        if (rc == 0)
            shared_.problems.add("errno-contract", "RING_SETUP with entries " +
                                                       std::to_string(s.entries) + " flags " +
                                                       std::to_string(s.flags) + " succeeded");
        else
            whitelist("RING_SETUP", rc, {EINVAL, EBUSY, EFAULT}, "on a pooled instance");
        return;
    case FdClass::Closed:
        contract("RING_SETUP", rc, -EBADF, "on a closed fd");
        return;
    case FdClass::Unknown:
        if (rc != 0)
            whitelist("RING_SETUP", rc, {EBADF, ENOTTY, EINVAL, EBUSY, EFAULT},
                      "on a recently closed fd");
        return;
    default:
        whitelist("RING_SETUP", rc, {ENOTTY}, "on a file that is not an instance");
    }
}

void FuzzWorker::call_own_ring()
{
    if (!ring_fd_) {
        const int fd = create(shared_.dev, O_CLOEXEC);
        if (fd < 0)
            return;
        UniqueFd made(fd);
        struct myepoll_ring_setup s {
        };
        s.entries = 2U << rng_.below(8); // 2 .. 256
        const long rc = raw_ioctl(fd, MYEPOLL_IOC_RING_SETUP, user_ptr(&s));
        record("RING_SETUP", rc);
        if (rc != 0) {
            // EBUSY: another worker's random ADD can reach the new fd first.
            whitelist("RING_SETUP", rc, {ENOMEM, EBUSY}, "valid, on a new instance");
            return;
        }
        void *map = ::mmap(nullptr, s.map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            shared_.problems.add("errno-contract", "mmap of a new ring: " + rc_name(-errno));
            return;
        }
        const size_t size = s.map_size;
        ring_map_ = std::shared_ptr<void>(map, [size](void *p) { ::munmap(p, size); });
        ring_size_ = size;
        ring_entries_ = s.entries;
        ring_fd_ = std::move(made);
        for (const Endpoint &ep : endpoints_)
            (void)ctl(ring_fd_.get(), EPOLL_CTL_ADD, ep.watched.get(), random_events(),
                      rng_.next());
        return;
    }
    const uint64_t r = rng_.below(100);
    auto *words = static_cast<uint32_t *>(ring_map_.get());
    if (r < 40) { // the user writes anything anywhere in the mapping
        for (uint64_t k = rng_.below(8) + 1; k > 0; --k)
            __atomic_store_n(&words[rng_.below(ring_size_ / sizeof(uint32_t))],
                             static_cast<uint32_t>(rng_.next()), __ATOMIC_RELAXED);
    } else if (r < 80) { // the ring's WAIT: no buffer, a count within the ring
        struct myepoll_wait w {
        };
        w.maxevents = rng_.chance(90) ? 1 + static_cast<int>(rng_.below(ring_entries_ * 2))
                                      : rng_.pick<int>({0, -1});
        w.events = rng_.chance(90) ? 0 : rng_.next() | 1;
        w.timeout_ns = rng_.chance(80) ? 0 : 1 + static_cast<int64_t>(rng_.below(1000000));
        const long rc = raw_ioctl(ring_fd_.get(), MYEPOLL_IOC_WAIT, user_ptr(&w));
        record("RING_WAIT", rc);
        const std::string what =
            "maxevents " + std::to_string(w.maxevents) + " events " + hex(w.events);
        if (w.events != 0)
            contract("RING_WAIT", rc, -EINVAL, what + " (a buffer)");
        else if (w.maxevents <= 0)
            contract("RING_WAIT", rc, -EINVAL, what);
        else if (rc > static_cast<long>(ring_entries_))
            shared_.problems.add("success-values", "RING_WAIT " + what + " returned " +
                                                       std::to_string(rc) + " for a ring of " +
                                                       std::to_string(ring_entries_));
        else if (rc < 0)
            whitelist("RING_WAIT", rc, {EINTR}, what);
    } else if (r < 90) { // mmap() beyond the ring, or at an offset
        const bool offset = rng_.chance(50);
        void *map = ::mmap(nullptr, offset ? ring_size_ : ring_size_ + 4096 * (1 + rng_.below(4)),
                           PROT_READ | PROT_WRITE, MAP_SHARED, ring_fd_.get(),
                           offset ? static_cast<off_t>(4096 * (1 + rng_.below(4))) : 0);
        const long rc = map == MAP_FAILED ? -errno : 0;
        record("RING_MMAP", rc);
        if (map != MAP_FAILED)
            ::munmap(map, ring_size_);
        contract("RING_MMAP", rc, -EINVAL, offset ? "at an offset" : "longer than the ring");
    } else { // closed with the mapping alive, then unmapped
        ring_fd_.reset();
        ring_map_.reset();
    }
}

} // namespace gauntlet
