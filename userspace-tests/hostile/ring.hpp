// Ring: a minimal io_uring on raw system calls (the VM has no liburing):
// set up, register an eventfd, submit a poll request, reap completions.
#pragma once

#include <cstdint>
#include <vector>

#include "unique_fd.hpp"

namespace myepoll::hostile
{

struct Completion {
    uint64_t user_data;
    int32_t res;
    uint32_t flags;

    // IORING_CQE_F_MORE: the request will complete again.
    [[nodiscard]] bool more() const noexcept;
};

class Ring
{
  public:
    // A ring of `entries` submission slots (the kernel gives twice as many
    // completion slots); throws std::system_error (ENOSYS: no io_uring).
    explicit Ring(unsigned entries);
    Ring(const Ring &) = delete;
    Ring &operator=(const Ring &) = delete;
    ~Ring();

    [[nodiscard]] unsigned cq_entries() const noexcept { return cq_entries_; }

    // IORING_REGISTER_EVENTFD: the ring signals fd for each completion.
    // 0 or -errno.
    int register_eventfd(int fd);
    // Submits one IORING_OP_POLL_ADD on fd (IORING_POLL_ADD_MULTI if
    // multishot): 0 or -errno.
    int submit_poll(int fd, uint32_t events, bool multishot, uint64_t user_data);
    // Submits one IORING_OP_NOP, which completes during the submission:
    // 0 or -errno.
    int submit_nop(uint64_t user_data);
    // Every completion there is now, overflowed ones included (flushed by
    // io_uring_enter(GETEVENTS) with no minimum: nothing blocks).
    std::vector<Completion> reap();

  private:
    void *map(size_t length, off_t offset);
    // Fills the next submission slot with what `fill` sets and submits it.
    template <typename Fill> int submit(Fill fill);

    UniqueFd fd_;
    struct Mapping {
        void *addr;
        size_t length;
    };
    std::vector<Mapping> mappings_;
    unsigned *sq_tail_ = nullptr;
    unsigned *sq_mask_ = nullptr;
    unsigned *sq_flags_ = nullptr;
    unsigned *sq_array_ = nullptr;
    void *sqes_ = nullptr;
    unsigned *cq_head_ = nullptr;
    unsigned *cq_tail_ = nullptr;
    unsigned *cq_mask_ = nullptr;
    void *cqes_ = nullptr;
    unsigned cq_entries_ = 0;
};

} // namespace myepoll::hostile
