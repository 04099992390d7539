// The faults part's operations (see fault_fixtures.hpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <set>

#include "calls.hpp"
#include "fault_fixtures.hpp"
#include "fdinfo.hpp"
#include "format.hpp"
#include "usable.hpp"

namespace gauntlet
{

namespace
{

uint64_t next_tag()
{
    static uint64_t serial = 0;
    return 0xfa0000000000ULL + ++serial;
}

bool listed(int epfd, int tfd, uint64_t data)
{
    const auto items = read_fdinfo(epfd);
    if (!items)
        return false;
    for (const FdinfoItem &item : *items)
        if (item.tfd == tfd && item.data == data)
            return true;
    return false;
}

bool listed_fd(int epfd, int tfd)
{
    const auto items = read_fdinfo(epfd);
    if (!items)
        return false;
    for (const FdinfoItem &item : *items)
        if (item.tfd == tfd)
            return true;
    return false;
}

// WAITs until `want` is reported with EPOLLIN; data outside `allowed` (and
// want) is an error.  "" on success.
std::string expect_event(int epfd, uint64_t want, const std::set<uint64_t> &allowed = {})
{
    Event events[32];
    for (int round = 0; round < 20; ++round) {
        const int n = wait(epfd, events, 32, 50000000);
        if (n < 0)
            return "WAIT: " + rc_name(n);
        bool seen = false;
        for (int k = 0; k < n; ++k) {
            if (events[k].data == want && (events[k].events & EPOLLIN))
                seen = true;
            else if (events[k].data != want && allowed.count(events[k].data) == 0)
                return "unexpected event with data " + std::to_string(events[k].data);
        }
        if (seen)
            return "";
    }
    return "the registration's event was not reported";
}

UniqueFd new_instance(int dev, std::string *why)
{
    const int fd = create(dev, O_CLOEXEC);
    if (fd < 0)
        *why = "CREATE: " + rc_name(fd);
    return UniqueFd(fd);
}

bool new_endpoint(EndpointKind kind, Endpoint *ep, std::string *why)
{
    try {
        *ep = make_endpoint(kind);
        return true;
    } catch (const std::exception &e) {
        *why = e.what();
        return false;
    }
}

class CreateFixture final : public FaultFixture
{
  public:
    explicit CreateFixture(FaultEnv env) : env_(env) {}
    long call() override { return create(env_.dev, O_CLOEXEC); }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (rc >= 0)
            made_.reset(static_cast<int>(rc));
        if (!error.empty())
            return error;
        if (made_)
            return check_usable(made_.get(), next_tag());
        std::string why;
        UniqueFd again = new_instance(env_.dev, &why); // the device still works
        return again ? check_usable(again.get(), next_tag()) : why;
    }

  private:
    FaultEnv env_;
    UniqueFd made_;
};

class AddFixture final : public FaultFixture
{
  public:
    AddFixture(FaultEnv env, AddTarget target) : env_(env), target_kind_(target) {}

    bool prepare(EndpointKind kind, std::string *why)
    {
        switch (target_kind_) {
        case AddTarget::Endpoint:
            if (!new_endpoint(kind, &ep_, why))
                return false;
            target_ = ep_.watched.get();
            return true;
        case AddTarget::Instance: {
            nested_ = new_instance(env_.dev, why);
            if (!nested_ || !new_endpoint(EndpointKind::UnixStream, &ep_, why))
                return false;
            const int rc =
                ctl(nested_.get(), EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, next_tag());
            if (rc != 0) {
                *why = "ADD to the nested instance: " + rc_name(rc);
                return false;
            }
            target_ = nested_.get();
            return true;
        }
        case AddTarget::DupOfWatched: {
            if (!new_endpoint(EndpointKind::UnixStream, &ep_, why))
                return false;
            first_tag_ = next_tag();
            const int rc =
                ctl(env_.instance, EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, first_tag_);
            dup_.reset(::fcntl(ep_.watched.get(), F_DUPFD_CLOEXEC, 0));
            if (rc != 0 || !dup_) {
                *why = "ADD of the original / dup: " + rc_name(rc);
                return false;
            }
            target_ = dup_.get();
            return true;
        }
        case AddTarget::WatchedElsewhere: {
            other_ = new_instance(env_.dev, why);
            if (!other_ || !new_endpoint(EndpointKind::UnixStream, &ep_, why))
                return false;
            const int rc = ctl(other_.get(), EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, next_tag());
            if (rc != 0) {
                *why = "ADD to the other instance: " + rc_name(rc);
                return false;
            }
            target_ = ep_.watched.get();
            return true;
        }
        }
        return false;
    }

    long call() override { return ctl(env_.instance, EPOLL_CTL_ADD, target_, EPOLLIN, tag_); }

    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        if (listed(env_.instance, target_, tag_) != (rc == 0))
            return rc == 0 ? "ADD succeeded but fdinfo does not list the item"
                           : "ADD failed but fdinfo lists the item";
        if (rc != 0) {
            const int del = ctl(env_.instance, EPOLL_CTL_DEL, target_, 0, 0);
            if (del != -ENOENT)
                return "DEL after the failed ADD returned " + rc_name(del) + ", expected ENOENT";
            const int again = ctl(env_.instance, EPOLL_CTL_ADD, target_, EPOLLIN, tag_);
            if (again != 0)
                return "ADD again after the failed ADD returned " + rc_name(again);
        }
        if (!ep_.poke())
            return "cannot make the target ready";
        std::set<uint64_t> allowed;
        if (first_tag_ != 0)
            allowed.insert(first_tag_);
        error = expect_event(env_.instance, tag_, allowed);
        ep_.drain();
        return error;
    }

  private:
    FaultEnv env_;
    AddTarget target_kind_;
    Endpoint ep_;
    UniqueFd nested_, dup_, other_;
    int target_ = -1;
    uint64_t tag_ = next_tag();
    uint64_t first_tag_ = 0;
};

// A unix socket registered in the instance with data first.
class RegisteredFixture : public FaultFixture
{
  public:
    explicit RegisteredFixture(FaultEnv env) : env_(env) {}
    bool prepare(std::string *why)
    {
        if (!new_endpoint(EndpointKind::UnixStream, &ep_, why))
            return false;
        const int rc = ctl(env_.instance, EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, first_);
        if (rc != 0)
            *why = "ADD: " + rc_name(rc);
        return rc == 0;
    }

  protected:
    FaultEnv env_;
    Endpoint ep_;
    uint64_t first_ = next_tag();
};

class ModFixture final : public RegisteredFixture
{
  public:
    using RegisteredFixture::RegisteredFixture;
    long call() override
    {
        return ctl(env_.instance, EPOLL_CTL_MOD, ep_.watched.get(), EPOLLIN | EPOLLET, second_);
    }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        const uint64_t want = rc == 0 ? second_ : first_;
        if (!listed(env_.instance, ep_.watched.get(), want))
            return rc == 0 ? "MOD succeeded but fdinfo shows the old data"
                           : "MOD failed but fdinfo does not show the old data";
        if (!ep_.poke())
            return "cannot write to the socket";
        return expect_event(env_.instance, want);
    }

  private:
    uint64_t second_ = next_tag();
};

class DelFixture final : public RegisteredFixture
{
  public:
    using RegisteredFixture::RegisteredFixture;
    long call() override { return ctl(env_.instance, EPOLL_CTL_DEL, ep_.watched.get(), 0, 0); }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        if (listed_fd(env_.instance, ep_.watched.get()) != (rc != 0))
            return rc == 0 ? "DEL succeeded but fdinfo still lists the item"
                           : "DEL failed but the item is gone";
        if (rc == 0)
            return "";
        if (!ep_.poke())
            return "cannot write to the socket";
        return expect_event(env_.instance, first_);
    }
};

class WaitFixture final : public FaultFixture
{
  public:
    WaitFixture(FaultEnv env, bool sigmask, bool nested)
        : env_(env), use_sigmask_(sigmask), nested_(nested)
    {
        sigemptyset(&mask_);
        sigaddset(&mask_, SIGUSR2);
        sigaddset(&mask_, SIGUSR1);
    }
    bool prepare(std::string *why)
    {
        if (!new_endpoint(EndpointKind::UnixStream, &ep_, why))
            return false;
        int rc;
        if (nested_) {
            inner_ = new_instance(env_.dev, why);
            if (!inner_)
                return false;
            rc = ctl(inner_.get(), EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, next_tag());
            if (rc == 0)
                rc = ctl(env_.instance, EPOLL_CTL_ADD, inner_.get(), EPOLLIN, tag_);
        } else {
            rc = ctl(env_.instance, EPOLL_CTL_ADD, ep_.watched.get(), EPOLLIN, tag_);
        }
        if (rc != 0) {
            *why = "ADD: " + rc_name(rc);
            return false;
        }
        ::sigprocmask(SIG_SETMASK, nullptr, &before_);
        return ep_.poke();
    }
    long call() override
    {
        return wait(env_.instance, events_, 8, 0, use_sigmask_ ? &mask_ : nullptr);
    }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        sigset_t after;
        ::sigprocmask(SIG_SETMASK, nullptr, &after);
        for (int sig = 1; sig <= 64; ++sig)
            if (sigismember(&after, sig) != sigismember(&before_, sig))
                return "the signal mask was not restored (signal " + std::to_string(sig) + ")";
        if (rc >= 0)
            return rc == 1 && events_[0].data == tag_
                       ? ""
                       : "WAIT returned " + rc_name(rc) + " instead of the ready item";
        return expect_event(env_.instance, tag_); // the failed WAIT lost nothing
    }

  private:
    FaultEnv env_;
    bool use_sigmask_, nested_;
    sigset_t mask_, before_;
    Endpoint ep_;
    UniqueFd inner_;
    uint64_t tag_ = next_tag();
    Event events_[8] = {};
};

class CloseWatchedFixture final : public RegisteredFixture
{
  public:
    using RegisteredFixture::RegisteredFixture;
    long call() override
    {
        fd_ = ep_.watched.release();
        return ::close(fd_) == 0 ? 0 : -errno;
    }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        return listed_fd(env_.instance, fd_) ? "the closed socket is still listed" : "";
    }

  private:
    int fd_ = -1;
};

class CloseInstanceFixture final : public FaultFixture
{
  public:
    explicit CloseInstanceFixture(FaultEnv env) : env_(env) {}
    bool prepare(std::string *why)
    {
        inner_ = new_instance(env_.dev, why);
        if (!inner_)
            return false;
        for (Endpoint &ep : eps_) {
            if (!new_endpoint(EndpointKind::UnixStream, &ep, why))
                return false;
            const int rc = ctl(inner_.get(), EPOLL_CTL_ADD, ep.watched.get(), EPOLLIN, next_tag());
            if (rc != 0) {
                *why = "ADD: " + rc_name(rc);
                return false;
            }
            ep.poke();
        }
        const int rc = ctl(env_.instance, EPOLL_CTL_ADD, inner_.get(), EPOLLIN, next_tag());
        if (rc != 0)
            *why = "ADD of the instance: " + rc_name(rc);
        return rc == 0;
    }
    long call() override
    {
        fd_ = inner_.release();
        return ::close(fd_) == 0 ? 0 : -errno;
    }
    std::string verify(long rc, const Injection &injection) override
    {
        std::string error = check_rc(rc, injection);
        if (!error.empty())
            return error;
        return listed_fd(env_.instance, fd_) ? "the closed instance is still listed" : "";
    }

  private:
    FaultEnv env_;
    UniqueFd inner_;
    Endpoint eps_[3];
    int fd_ = -1;
};

// A factory for fixtures with a prepare(std::string *) step.
template <typename Fixture, typename... Args> FixtureFactory prepared(Args... args)
{
    return [=](std::string *why) -> std::unique_ptr<FaultFixture> {
        auto fixture = std::make_unique<Fixture>(args...);
        if (!fixture->prepare(why))
            return nullptr;
        return fixture;
    };
}

} // namespace

FixtureFactory create_fixture(FaultEnv env)
{
    return [env](std::string *) -> std::unique_ptr<FaultFixture> {
        return std::make_unique<CreateFixture>(env);
    };
}

FixtureFactory add_fixture(FaultEnv env, AddTarget target, EndpointKind kind)
{
    return [env, target, kind](std::string *why) -> std::unique_ptr<FaultFixture> {
        auto fixture = std::make_unique<AddFixture>(env, target);
        if (!fixture->prepare(kind, why))
            return nullptr;
        return fixture;
    };
}

FixtureFactory mod_fixture(FaultEnv env)
{
    return prepared<ModFixture>(env);
}

FixtureFactory del_fixture(FaultEnv env)
{
    return prepared<DelFixture>(env);
}

FixtureFactory wait_fixture(FaultEnv env, bool sigmask, bool nested)
{
    return prepared<WaitFixture>(env, sigmask, nested);
}

FixtureFactory close_watched_fixture(FaultEnv env)
{
    return prepared<CloseWatchedFixture>(env);
}

FixtureFactory close_instance_fixture(FaultEnv env)
{
    return prepared<CloseInstanceFixture>(env);
}

} // namespace gauntlet
