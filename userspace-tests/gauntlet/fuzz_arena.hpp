// FuzzArena: the memory the fuzzer hands to the kernel, and the bad
// addresses it uses.
//
//   input pages    where argument structs are written before each call
//   output pages   where WAIT may write events; they end at a PROT_NONE
//                  guard page, so a maxevents larger than the buffer makes
//                  the kernel fault (EFAULT / a partial count) instead of
//                  writing over the fuzzer's own memory
//   read-only page safe argument structs (valid to read, EFAULT to write)
//   PROT_NONE page, unmapped addresses (that stay unmapped: a page freed
//   with munmap would be reused by the next mapping, a thread's stack for
//   instance), NULL, kernel and non-canonical addresses, addresses
//   straddling the guard page
//
// Each thread has its own arena.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rng.hpp"

namespace gauntlet
{

enum class PtrKind {
    Valid,      // writable, the struct fits
    Misaligned, // writable, odd address, the struct fits
    Straddling, // the struct runs into the guard page
    Null,
    Unmapped,
    ProtNone,
    ReadOnly, // the read-only page (holds safe structs)
    Kernel,   // 0xffffffff81000000 and the direct map
    NonCanonical,
    Random,
};

bool is_writable(PtrKind kind) noexcept;
// Would copy_from_user of size bytes at such an address fail for sure?
bool surely_faults(PtrKind kind) noexcept;

class FuzzArena
{
  public:
    static constexpr size_t kPage = 4096;
    static constexpr size_t kInputPages = 4;
    static constexpr size_t kOutputPages = 12;

    // Throws std::system_error if the mappings cannot be made.
    FuzzArena();
    FuzzArena(const FuzzArena &) = delete;
    FuzzArena &operator=(const FuzzArena &) = delete;
    ~FuzzArena();

    // An address for an argument struct of `size` bytes; for writable kinds
    // the caller writes the struct there.  kind is chosen at random unless
    // forced.
    uint64_t input(Rng &rng, size_t size, PtrKind *kind);
    // An address for WAIT's events: inside the output pages (near the guard
    // when maxevents is large) or a bad one.
    uint64_t output(Rng &rng, PtrKind *kind);
    // Safe structs on the read-only page (set by set_read_only_structs).
    uint64_t read_only_ctl() const noexcept;
    uint64_t read_only_wait() const noexcept;
    // Writes safe CTL and WAIT argument structs on the read-only page:
    // ctl bytes at its start, wait bytes after them.  Call once.
    void set_read_only_structs(const void *ctl, size_t ctl_size, const void *wait,
                               size_t wait_size);
    // The events buffer at the end of the output pages that holds n events
    // exactly (so that n + 1 reaches the guard page).
    uint64_t output_tail(size_t bytes) const noexcept;

  private:
    uint64_t bad(Rng &rng, PtrKind kind, size_t size) const noexcept;

    unsigned char *base_ = nullptr; // input | output | guard | read-only | prot-none
    size_t length_ = 0;
    size_t ctl_offset_ = 0, wait_offset_ = 0;
};

} // namespace gauntlet
