#include "load_client.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "net.hpp"
#include "payload.hpp"
#include "unique_fd.hpp"

namespace myepoll::demo
{
namespace
{

using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunk = 16 * 1024;
constexpr int kMaxEvents = 1024;

double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

class LoadClient
{
  public:
    explicit LoadClient(const LoadConfig &config)
        : config_(config), epoll_(epoll_create1(EPOLL_CLOEXEC)),
          conns_(static_cast<std::size_t>(config.connections))
    {
        if (!epoll_)
            throw std::system_error(errno, std::generic_category(), "client epoll_create1");
    }

    LoadResult run()
    {
        const auto connect_start = Clock::now();
        connect_phase();
        result_.connect_seconds = seconds_since(connect_start);
        result_.established = static_cast<std::uint64_t>(active_);

        const auto echo_start = Clock::now();
        echo_phase();
        result_.echo_seconds = seconds_since(echo_start);

        const bool gave_up = gave_up_;
        for (Conn &c : conns_)
            if (c.state != State::Done && c.state != State::Failed)
                fail(c, gave_up ? result_.errors.abandoned : result_.errors.timeout,
                     gave_up ? "abandoned" : "timed out");
        return result_;
    }

  private:
    enum class State { Unopened, Connecting, Idle, Active, Done, Failed };

    struct Conn {
        UniqueFd fd;
        State state = State::Unopened;
        std::uint32_t interest = 0;
        std::uint32_t request = 0;
        std::size_t sent = 0;     // bytes of the current request sent
        std::size_t received = 0; // bytes of its echo received and verified
    };

    std::uint32_t index(const Conn &c) const
    {
        return static_cast<std::uint32_t>(&c - conns_.data());
    }

    void connect_phase()
    {
        std::size_t next = 0;
        while (keep_going()) {
            while (connecting_ < config_.connect_batch && next < conns_.size())
                open(conns_[next++]);
            if (connecting_ == 0 && next == conns_.size())
                return;
            poll_once();
        }
    }

    void echo_phase()
    {
        for (Conn &c : conns_) {
            if (c.state != State::Idle)
                continue;
            c.state = State::Active;
            send_some(c);
        }
        while (active_ > 0 && keep_going())
            poll_once();
    }

    bool keep_going()
    {
        if (!gave_up_ && config_.give_up())
            gave_up_ = true;
        return !gave_up_ && Clock::now() < config_.deadline;
    }

    void open(Conn &c)
    {
        try {
            c.fd = connect_loopback(config_.port, true);
        } catch (const std::system_error &e) {
            fail(c, result_.errors.connect, e.what());
            return;
        }
        const int one = 1;
        ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c.state = State::Connecting;
        ++connecting_;
        epoll_event ev{};
        ev.events = EPOLLOUT;
        ev.data.u64 = index(c);
        if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.fd.get(), &ev) != 0) {
            fail(c, result_.errors.io, "epoll_ctl add", errno);
            return;
        }
        c.interest = EPOLLOUT;
    }

    void poll_once()
    {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(config_.deadline - Clock::now());
        const int timeout_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, 1000));
        const int n = epoll_wait(epoll_.get(), events_.data(), kMaxEvents, timeout_ms);
        if (n < 0) {
            if (errno != EINTR)
                throw std::system_error(errno, std::generic_category(), "client epoll_wait");
            return;
        }
        for (int i = 0; i < n; ++i) {
            const epoll_event &ev = events_[static_cast<std::size_t>(i)];
            on_event(conns_[ev.data.u64], ev.events);
        }
    }

    void on_event(Conn &c, std::uint32_t events)
    {
        switch (c.state) {
        case State::Connecting:
            finish_connect(c);
            break;
        case State::Idle: // nothing may arrive before the first request
        case State::Active:
            if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                if (!receive_some(c))
                    return;
            if ((events & (EPOLLOUT | EPOLLERR)) && c.state == State::Active &&
                c.sent < config_.size)
                send_some(c);
            break;
        default:
            break;
        }
    }

    void finish_connect(Conn &c)
    {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = errno;
        if (err == EINPROGRESS || err == EALREADY)
            return;
        --connecting_;
        if (err != 0) {
            fail(c, result_.errors.connect, "connect", err);
            return;
        }
        c.state = State::Idle;
        ++active_;
        set_interest(c, EPOLLIN);
    }

    // Returns false when the connection failed.
    bool receive_some(Conn &c)
    {
        std::array<std::uint8_t, kChunk> buf;
        const ssize_t n = ::recv(c.fd.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return true;
            if (errno == ECONNRESET || errno == EPIPE)
                return fail(c, result_.errors.early_close, "recv", errno);
            return fail(c, result_.errors.io, "recv", errno);
        }
        if (n == 0)
            return fail(c, result_.errors.early_close, "connection closed by the server");
        const auto len = static_cast<std::size_t>(n);
        if (c.state != State::Active || c.received + len > c.sent)
            return fail(c, result_.errors.bad_data, "more bytes echoed than sent");
        if (!check_payload(index(c), c.request, c.received, buf.data(), len))
            return fail(c, result_.errors.bad_data, "echoed bytes differ from the request");
        c.received += len;
        if (c.received < config_.size)
            return true;

        ++result_.completed_requests;
        c.received = 0;
        c.sent = 0;
        if (++c.request < static_cast<std::uint32_t>(config_.requests)) {
            send_some(c);
            return c.state == State::Active;
        }
        c.state = State::Done;
        --active_;
        // Stays open (for the server's connection count) but quiet.
        if (epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr) == 0)
            c.interest = 0;
        return true;
    }

    void send_some(Conn &c)
    {
        std::array<std::uint8_t, kChunk> buf;
        while (c.sent < config_.size) {
            const std::size_t len = std::min(buf.size(), config_.size - c.sent);
            fill_payload(index(c), c.request, c.sent, buf.data(), len);
            const ssize_t n = ::send(c.fd.get(), buf.data(), len, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                if (errno == ECONNRESET || errno == EPIPE)
                    fail(c, result_.errors.early_close, "send", errno);
                else
                    fail(c, result_.errors.io, "send", errno);
                return;
            }
            c.sent += static_cast<std::size_t>(n);
        }
        set_interest(c, c.sent < config_.size ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }

    void set_interest(Conn &c, std::uint32_t want)
    {
        if (want == c.interest)
            return;
        epoll_event ev{};
        ev.events = want;
        ev.data.u64 = index(c);
        if (epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev) != 0) {
            fail(c, result_.errors.io, "epoll_ctl mod", errno);
            return;
        }
        c.interest = want;
    }

    // Counts c's failure under counter, closes it and returns false.
    bool fail(Conn &c, std::uint64_t &counter, const std::string &what, int err = 0)
    {
        if (c.state == State::Failed || c.state == State::Done)
            return false;
        if (c.state == State::Connecting)
            --connecting_;
        else if (c.state == State::Idle || c.state == State::Active)
            --active_;
        ++counter;
        if (result_.first_error.empty()) {
            result_.first_error = "connection " + std::to_string(index(c)) + ", request " +
                                  std::to_string(c.request) + ": " + what;
            if (err != 0)
                result_.first_error += std::string(": ") + std::strerror(err);
        }
        c.state = State::Failed;
        c.fd.reset(); // closing also removes it from the epoll set
        return false;
    }

    LoadConfig config_;
    UniqueFd epoll_;
    std::vector<Conn> conns_;
    std::array<epoll_event, kMaxEvents> events_{};
    int connecting_ = 0;
    int active_ = 0; // Idle or Active
    bool gave_up_ = false;
    LoadResult result_;
};

} // namespace

LoadResult run_load(const LoadConfig &config)
{
    LoadClient client(config);
    return client.run();
}

} // namespace myepoll::demo
