// Ring (see ring.hpp).
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "ring.hpp"

namespace myepoll::hostile
{

namespace
{

long ring_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags)
{
    const long rc = ::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, nullptr, 0);
    return rc < 0 ? -errno : rc;
}

template <typename T> T *at(void *base, unsigned offset)
{
    return reinterpret_cast<T *>(static_cast<char *>(base) + offset);
}

} // namespace

bool Completion::more() const noexcept
{
    return (flags & IORING_CQE_F_MORE) != 0;
}

Ring::Ring(unsigned entries)
{
    io_uring_params params{};
    fd_.reset(static_cast<int>(::syscall(__NR_io_uring_setup, entries, &params)));
    if (!fd_)
        throw std::system_error(errno, std::generic_category(), "io_uring_setup");
    const size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    const size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe);
    void *sq = nullptr;
    void *cq = nullptr;
    if (params.features & IORING_FEAT_SINGLE_MMAP) {
        sq = cq = map(std::max(sq_size, cq_size), IORING_OFF_SQ_RING);
    } else {
        sq = map(sq_size, IORING_OFF_SQ_RING);
        cq = map(cq_size, IORING_OFF_CQ_RING);
    }
    sqes_ = map(params.sq_entries * sizeof(io_uring_sqe), IORING_OFF_SQES);
    sq_tail_ = at<unsigned>(sq, params.sq_off.tail);
    sq_mask_ = at<unsigned>(sq, params.sq_off.ring_mask);
    sq_flags_ = at<unsigned>(sq, params.sq_off.flags);
    sq_array_ = at<unsigned>(sq, params.sq_off.array);
    cq_head_ = at<unsigned>(cq, params.cq_off.head);
    cq_tail_ = at<unsigned>(cq, params.cq_off.tail);
    cq_mask_ = at<unsigned>(cq, params.cq_off.ring_mask);
    cqes_ = at<void>(cq, params.cq_off.cqes);
    cq_entries_ = params.cq_entries;
}

Ring::~Ring()
{
    for (const Mapping &m : mappings_)
        ::munmap(m.addr, m.length);
}

void *Ring::map(size_t length, off_t offset)
{
    void *addr = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                        fd_.get(), offset);
    if (addr == MAP_FAILED)
        throw std::system_error(errno, std::generic_category(), "mmap io_uring");
    mappings_.push_back({addr, length});
    return addr;
}

int Ring::register_eventfd(int fd)
{
    const long rc = ::syscall(__NR_io_uring_register, fd_.get(), IORING_REGISTER_EVENTFD, &fd, 1);
    return rc < 0 ? -errno : 0;
}

template <typename Fill> int Ring::submit(Fill fill)
{
    const unsigned tail = __atomic_load_n(sq_tail_, __ATOMIC_RELAXED);
    const unsigned index = tail & *sq_mask_;
    io_uring_sqe *sqe = static_cast<io_uring_sqe *>(sqes_) + index;
    *sqe = io_uring_sqe{};
    fill(*sqe);
    sq_array_[index] = index;
    __atomic_store_n(sq_tail_, tail + 1, __ATOMIC_RELEASE);
    const long rc = ring_enter(fd_.get(), 1, 0, 0);
    if (rc < 0)
        return static_cast<int>(rc);
    return rc == 1 ? 0 : -EAGAIN;
}

int Ring::submit_poll(int fd, uint32_t events, bool multishot, uint64_t user_data)
{
    return submit([&](io_uring_sqe &sqe) {
        sqe.opcode = IORING_OP_POLL_ADD;
        sqe.fd = fd;
        sqe.poll32_events = events;
        sqe.len = multishot ? IORING_POLL_ADD_MULTI : 0;
        sqe.user_data = user_data;
    });
}

int Ring::submit_nop(uint64_t user_data)
{
    return submit([&](io_uring_sqe &sqe) {
        sqe.opcode = IORING_OP_NOP;
        sqe.fd = -1;
        sqe.user_data = user_data;
    });
}

std::vector<Completion> Ring::reap()
{
    std::vector<Completion> completions;
    // Each round empties the ring, then lets the kernel move overflowed
    // completions in; a bounded number of rounds (the overflow list is
    // finite: nothing is submitted meanwhile).
    for (int round = 0; round < 1024; ++round) {
        unsigned head = __atomic_load_n(cq_head_, __ATOMIC_RELAXED);
        const unsigned tail = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
        for (; head != tail; ++head) {
            const io_uring_cqe &cqe = static_cast<io_uring_cqe *>(cqes_)[head & *cq_mask_];
            completions.push_back({cqe.user_data, cqe.res, cqe.flags});
        }
        __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
        if (!(__atomic_load_n(sq_flags_, __ATOMIC_ACQUIRE) & IORING_SQ_CQ_OVERFLOW))
            break;
        ring_enter(fd_.get(), 0, 0, IORING_ENTER_GETEVENTS);
    }
    return completions;
}

} // namespace myepoll::hostile
