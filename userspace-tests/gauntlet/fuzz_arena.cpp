// FuzzArena (see fuzz_arena.hpp).
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "fuzz_arena.hpp"

namespace gauntlet
{

namespace
{

constexpr size_t kGuard = FuzzArena::kInputPages + FuzzArena::kOutputPages; // page index
constexpr size_t kReadOnly = kGuard + 1;
constexpr size_t kProtNone = kGuard + 2;
constexpr size_t kTotalPages = kGuard + 3;

} // namespace

bool is_writable(PtrKind kind) noexcept
{
    return kind == PtrKind::Valid || kind == PtrKind::Misaligned;
}

bool surely_faults(PtrKind kind) noexcept
{
    switch (kind) {
    case PtrKind::Straddling:
    case PtrKind::Null:
    case PtrKind::Unmapped:
    case PtrKind::ProtNone:
    case PtrKind::Kernel:
    case PtrKind::NonCanonical:
        return true;
    default:
        return false;
    }
}

FuzzArena::FuzzArena()
{
    length_ = kTotalPages * kPage;
    void *p = ::mmap(nullptr, length_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::system_error(errno, std::generic_category(), "mmap arena");
    base_ = static_cast<unsigned char *>(p);
    std::memset(base_, 0, length_);
    if (::mprotect(base_ + kGuard * kPage, kPage, PROT_NONE) != 0 ||
        ::mprotect(base_ + kProtNone * kPage, kPage, PROT_NONE) != 0)
        throw std::system_error(errno, std::generic_category(), "mprotect arena");
}

FuzzArena::~FuzzArena()
{
    if (base_ != nullptr)
        ::munmap(base_, length_);
}

void FuzzArena::set_read_only_structs(const void *ctl, size_t ctl_size, const void *wait,
                                      size_t wait_size)
{
    unsigned char *page = base_ + kReadOnly * kPage;
    ctl_offset_ = 0;
    wait_offset_ = (ctl_size + 15) & ~size_t{15};
    std::memcpy(page + ctl_offset_, ctl, ctl_size);
    std::memcpy(page + wait_offset_, wait, wait_size);
    ::mprotect(page, kPage, PROT_READ);
}

uint64_t FuzzArena::read_only_ctl() const noexcept
{
    return reinterpret_cast<uintptr_t>(base_ + kReadOnly * kPage + ctl_offset_);
}

uint64_t FuzzArena::read_only_wait() const noexcept
{
    return reinterpret_cast<uintptr_t>(base_ + kReadOnly * kPage + wait_offset_);
}

uint64_t FuzzArena::output_tail(size_t bytes) const noexcept
{
    return reinterpret_cast<uintptr_t>(base_ + kGuard * kPage - bytes);
}

uint64_t FuzzArena::bad(Rng &rng, PtrKind kind, size_t size) const noexcept
{
    switch (kind) {
    case PtrKind::Straddling:
        return reinterpret_cast<uintptr_t>(base_ + kGuard * kPage - 1 -
                                           rng.below(size > 1 ? size - 1 : 1));
    case PtrKind::Null:
        return rng.chance(80) ? 0 : rng.below(4096);
    case PtrKind::Unmapped: // never mapped: below mmap_min_addr, or far below the mmap area
        return rng.chance(50) ? 0x1000 + rng.below(0x8000)
                              : 0x100000000000ULL + rng.below(1ULL << 30);
    case PtrKind::ProtNone:
        return reinterpret_cast<uintptr_t>(base_ + kProtNone * kPage + rng.below(kPage - size));
    case PtrKind::ReadOnly:
        return reinterpret_cast<uintptr_t>(base_ + kReadOnly * kPage + rng.below(kPage - size));
    case PtrKind::Kernel:
        return rng.pick<uint64_t>({0xffffffff81000000ULL, 0xffff888000000000ULL,
                                   0xffffffffff600000ULL, 0xffffc90000000000ULL}) +
               8 * rng.below(64);
    case PtrKind::NonCanonical:
        return 0x8000000000000000ULL + 8 * rng.below(1024);
    default:
        return rng.next();
    }
}

uint64_t FuzzArena::input(Rng &rng, size_t size, PtrKind *kind)
{
    const uint64_t r = rng.below(100);
    *kind = r < 78   ? PtrKind::Valid
            : r < 83 ? PtrKind::Misaligned
            : r < 86 ? PtrKind::Straddling
            : r < 89 ? PtrKind::Null
            : r < 91 ? PtrKind::Unmapped
            : r < 93 ? PtrKind::ProtNone
            : r < 95 ? PtrKind::ReadOnly
            : r < 97 ? PtrKind::Kernel
            : r < 98 ? PtrKind::NonCanonical
                     : PtrKind::Random;
    const size_t room = kInputPages * kPage - size - 8;
    switch (*kind) {
    case PtrKind::Valid:
        return reinterpret_cast<uintptr_t>(base_ + (rng.below(room) & ~size_t{7}));
    case PtrKind::Misaligned:
        return reinterpret_cast<uintptr_t>(base_ + (rng.below(room) | 1));
    default:
        return bad(rng, *kind, size);
    }
}

uint64_t FuzzArena::output(Rng &rng, PtrKind *kind)
{
    const uint64_t r = rng.below(100);
    *kind = r < 80   ? PtrKind::Valid
            : r < 84 ? PtrKind::Misaligned
            : r < 87 ? PtrKind::Null
            : r < 90 ? PtrKind::ReadOnly
            : r < 93 ? PtrKind::Kernel
            : r < 95 ? PtrKind::ProtNone
            : r < 97 ? PtrKind::Unmapped
                     : PtrKind::Random;
    unsigned char *out = base_ + kInputPages * kPage;
    const size_t room = kOutputPages * kPage;
    switch (*kind) {
    case PtrKind::Valid:
        return reinterpret_cast<uintptr_t>(out + 12 * rng.below(room / 12));
    case PtrKind::Misaligned:
        return reinterpret_cast<uintptr_t>(out + rng.below(room));
    case PtrKind::Random: // never a random user address: it could be ours
        return rng.next() | 0x8000000000000000ULL;
    default:
        return bad(rng, *kind, 12);
    }
}

} // namespace gauntlet
