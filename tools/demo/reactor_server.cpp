#include "reactor_server.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace myepoll::demo
{
namespace
{

// epoll data of the two non-connection descriptors; connections use their fd.
constexpr std::uint64_t kListenerToken = ~std::uint64_t{0};
constexpr std::uint64_t kWakeToken = ~std::uint64_t{0} - 1;

// Like ae's timer granularity (serverCron at hz 10): the wait never blocks
// longer, so a lost wake-up delays a stop instead of hanging it.
constexpr std::int64_t kWaitTimeoutNs = 100'000'000;

constexpr std::size_t kReadChunk = 16 * 1024; // ae/Redis PROTO_IOBUF_LEN
// Stop reading from a connection while this much output is pending.
constexpr std::size_t kMaxPendingOutput = 1 << 20;

void check(int result, const char *what)
{
    if (result < 0)
        throw std::system_error(-result, std::generic_category(), what);
}

} // namespace

ReactorServer::ReactorServer(Backend &backend, UniqueFd listener, int max_events)
    : instance_(backend, EPOLL_CLOEXEC), listener_(std::move(listener)),
      wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), events_(static_cast<std::size_t>(max_events)),
      read_buffer_(kReadChunk)
{
    if (instance_.fd() < 0)
        throw std::system_error(EBADF, std::generic_category(), "create instance");
    if (!wake_)
        throw std::system_error(errno, std::generic_category(), "eventfd");
    check(instance_.add(listener_.get(), EPOLLIN, kListenerToken), "add listener");
    check(instance_.add(wake_.get(), EPOLLIN, kWakeToken), "add eventfd");
}

void ReactorServer::request_stop() noexcept
{
    stop_.store(true);
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_.get(), &one, sizeof(one));
}

void ReactorServer::run() noexcept
{
    try {
        while (!stop_.load() && !fatal_)
            turn();
    } catch (const std::exception &e) {
        ++stats_.errors;
        if (stats_.first_error.empty())
            stats_.first_error = e.what();
    }
    stats_.open_at_stop = connections_.size();
    for (auto &entry : connections_)
        close_connection(entry.second);
    connections_.clear();
    finished_.store(true);
}

void ReactorServer::turn()
{
    const int n = instance_.wait(events_.data(), static_cast<int>(events_.size()), kWaitTimeoutNs);
    ++stats_.loop_turns;
    if (n < 0) {
        if (n != -EINTR) {
            record_error("wait", -n);
            fatal_ = true;
        }
        return;
    }
    stats_.events += static_cast<std::uint64_t>(n);
    for (int i = 0; i < n; ++i) {
        const Event ev = events_[static_cast<std::size_t>(i)];
        if (ev.data == kListenerToken) {
            accept_all();
        } else if (ev.data == kWakeToken) {
            std::uint64_t count;
            [[maybe_unused]] auto r = ::read(wake_.get(), &count, sizeof(count));
        } else {
            on_event(static_cast<int>(ev.data), ev.events);
        }
    }
}

void ReactorServer::accept_all()
{
    for (;;) {
        const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                record_error("accept", errno);
            return;
        }
        Connection conn;
        conn.fd.reset(fd);
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (const int r = instance_.add(fd, EPOLLIN, static_cast<std::uint64_t>(fd)); r < 0) {
            record_error("add connection", -r);
            continue; // conn closes the socket
        }
        conn.interest = EPOLLIN;
        connections_.insert_or_assign(fd, std::move(conn));
        ++stats_.accepted;
        const std::uint64_t open = open_.fetch_add(1, std::memory_order_relaxed) + 1;
        if (open > stats_.peak_open)
            stats_.peak_open = open;
    }
}

void ReactorServer::on_event(int fd, std::uint32_t events)
{
    const auto it = connections_.find(fd);
    if (it == connections_.end())
        return;
    Connection &conn = it->second;
    // As ae does, an error or hang-up makes the connection both readable
    // and writable; the read or write then sees what happened.
    const bool failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
    if ((conn.interest & EPOLLIN) && ((events & EPOLLIN) || failed)) {
        if (!read_some(conn))
            return;
    }
    if ((conn.interest & EPOLLOUT) && ((events & EPOLLOUT) || failed)) {
        if (!flush(conn))
            return;
        update_interest(conn);
    }
}

bool ReactorServer::read_some(Connection &conn)
{
    const ssize_t n = ::recv(conn.fd.get(), read_buffer_.data(), read_buffer_.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return true;
    if (n <= 0) { // EOF or a reset: the client is gone
        drop(conn);
        return false;
    }
    conn.out.insert(conn.out.end(), read_buffer_.data(), read_buffer_.data() + n);
    // Write right away, as Redis does before sleeping; EPOLLOUT is only
    // needed for what the socket did not take.
    return flush(conn) && update_interest(conn);
}

bool ReactorServer::flush(Connection &conn)
{
    while (conn.out_sent < conn.out.size()) {
        const ssize_t n = ::send(conn.fd.get(), conn.out.data() + conn.out_sent,
                                 conn.out.size() - conn.out_sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            drop(conn);
            return false;
        }
        conn.out_sent += static_cast<std::size_t>(n);
        stats_.bytes_echoed += static_cast<std::uint64_t>(n);
    }
    if (conn.out_sent == conn.out.size()) {
        conn.out.clear();
        conn.out_sent = 0;
    }
    return true;
}

bool ReactorServer::update_interest(Connection &conn)
{
    const std::size_t pending = conn.out.size() - conn.out_sent;
    std::uint32_t want = 0;
    if (pending < kMaxPendingOutput)
        want |= EPOLLIN;
    if (pending > 0)
        want |= EPOLLOUT;
    if (want == conn.interest)
        return true;
    if (const int r = instance_.mod(conn.fd.get(), want, static_cast<std::uint64_t>(conn.fd.get()));
        r < 0) {
        record_error("mod connection", -r);
        drop(conn);
        return false;
    }
    conn.interest = want;
    return true;
}

void ReactorServer::close_connection(Connection &conn)
{
    const int fd = conn.fd.get();
    if (fd < 0)
        return;
    if (const int r = instance_.del(fd); r < 0)
        record_error("del connection", -r);
    conn.fd.reset();
    ++stats_.closed;
    open_.fetch_sub(1, std::memory_order_relaxed);
}

void ReactorServer::drop(Connection &conn)
{
    const int fd = conn.fd.get();
    close_connection(conn);
    // Safe within a turn: each fd is reported at most once per wait, and
    // callers do not touch conn after dropping it.
    connections_.erase(fd);
}

void ReactorServer::record_error(const char *what, int err)
{
    ++stats_.errors;
    if (stats_.first_error.empty())
        stats_.first_error = std::string(what) + ": " + std::strerror(err);
}

} // namespace myepoll::demo
