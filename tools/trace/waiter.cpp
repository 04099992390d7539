#include "waiter.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include "socket_io.hpp"

namespace myepoll::trace
{

namespace
{

constexpr int kMaxEvents = 64;

// Reads what the mode allows from one ready socket (LT: one read of at
// most one message, the rest comes as another event; ET: until EAGAIN),
// then acks each complete message, so that a client waiting for its ack
// sends nothing more while this reads; returns the messages completed.
std::uint64_t serve_socket(int fd, std::size_t &partial, const WorkloadSpec &spec)
{
    std::vector<char> buf(spec.edge ? 4096 : spec.size);
    while (const std::size_t n = recv_some(fd, buf.data(), buf.size(), "waiter")) {
        partial += n;
        if (!spec.edge)
            break;
    }
    const std::size_t acks = partial / spec.size;
    partial %= spec.size;
    if (acks > 0) {
        const std::string ack(acks, 'a');
        if (::send(fd, ack.data(), ack.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(acks))
            throw std::system_error(errno, std::generic_category(), "waiter: send ack");
    }
    return acks;
}

} // namespace

Waiter::Waiter(Backend &backend, const WorkloadSpec &spec, const std::vector<UniqueFd> &fds)
    : backend_(backend), spec_(spec)
{
    for (const UniqueFd &fd : fds)
        fds_.push_back(fd.get());
    auto tid = tid_promise_.get_future();
    thread_ = std::thread([this] { run(); });
    tid_ = tid.get();
}

Waiter::~Waiter()
{
    if (thread_.joinable()) {
        release();
        thread_.join();
    }
}

void Waiter::release()
{
    try {
        go_.set_value();
    } catch (const std::future_error &) {
        // started already
    }
}

void Waiter::start()
{
    auto registered = registered_.get_future();
    go_.set_value();
    registered.get();
}

void Waiter::join()
{
    release(); // never started: it registers, then sees EOF or finishes
    if (thread_.joinable())
        thread_.join();
    if (error_)
        std::rethrow_exception(std::exchange(error_, nullptr));
}

void Waiter::run()
{
    tid_promise_.set_value(::gettid());
    go_.get_future().wait();
    try {
        serve();
    } catch (...) {
        error_ = std::current_exception();
        try {
            registered_.set_exception(error_);
        } catch (const std::future_error &) {
            // registered already: join() reports the error
        }
    }
}

void Waiter::serve()
{
    Instance instance(backend_);
    const std::uint32_t mask = EPOLLIN | (spec_.edge ? EPOLLET : 0u);
    for (std::size_t i = 0; i < fds_.size(); ++i)
        if (const int err = instance.add(fds_[i], mask, i); err < 0)
            throw std::system_error(-err, std::generic_category(), "waiter: ADD");
    registered_.set_value();

    std::vector<std::size_t> partial(fds_.size());
    const std::uint64_t expected = spec_.messages();
    const std::int64_t stall_ns = std::int64_t{spec_.stall_timeout_s} * 1'000'000'000;
    std::uint64_t received = 0;
    Event events[kMaxEvents];
    while (received < expected) {
        const int n = instance.wait(events, kMaxEvents, stall_ns);
        if (n == -EINTR)
            continue;
        if (n < 0)
            throw std::system_error(-n, std::generic_category(), "waiter: wait");
        if (n == 0)
            throw std::runtime_error("waiter: no event within the stall timeout");
        for (int i = 0; i < n; ++i) {
            const auto index = static_cast<std::size_t>(events[i].data);
            received += serve_socket(fds_[index], partial[index], spec_);
        }
    }
}

} // namespace myepoll::trace
