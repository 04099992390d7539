// RaceWorker: the storm's operations (see race_worker.hpp).
#include <fcntl.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>

#include "format.hpp"
#include "race_child.hpp"
#include "race_worker.hpp"

namespace gauntlet
{

namespace
{

const char *op_name(int op)
{
    switch (op) {
    case EPOLL_CTL_ADD:
        return "ADD";
    case EPOLL_CTL_MOD:
        return "MOD";
    case EPOLL_CTL_DEL:
        return "DEL";
    default:
        return "?";
    }
}

// What ctl should answer given the bookkeeping (native's order: the
// EPOLLEXCLUSIVE checks come before the lookup).
int expected_ctl(int op, uint32_t events, const Registration &reg)
{
    switch (op) {
    case EPOLL_CTL_ADD:
        if ((events & EPOLLEXCLUSIVE) && (events & ~kExclusiveOk))
            return -EINVAL;
        return reg.on ? -EEXIST : 0;
    case EPOLL_CTL_MOD:
        if (events & EPOLLEXCLUSIVE)
            return -EINVAL;
        if (!reg.on)
            return -ENOENT;
        return (reg.events & EPOLLEXCLUSIVE) ? -EINVAL : 0;
    default:
        return reg.on ? 0 : -ENOENT;
    }
}

void spin(unsigned iterations)
{
    for (unsigned i = 0; i < iterations; ++i)
        asm volatile("" ::: "memory");
}

} // namespace

int RaceWorker::reserved_fd(unsigned which) const noexcept
{
    return s_.reserved_base + static_cast<int>(index_ * 8 + which);
}

Slot &RaceWorker::pick_slot(unsigned *index)
{
    *index = static_cast<unsigned>(rng_.below(s_.slots.size()));
    return s_.slots[*index];
}

uint32_t RaceWorker::random_events(int op)
{
    switch (rng_.below(op == EPOLL_CTL_ADD ? 14 : 11)) {
    case 0:
    case 1:
    case 2:
        return EPOLLIN;
    case 3:
    case 4:
        return EPOLLIN | EPOLLET;
    case 5:
    case 6:
        return EPOLLIN | EPOLLONESHOT;
    case 7:
        return EPOLLIN | EPOLLRDHUP;
    case 8:
        return EPOLLIN | EPOLLOUT;
    case 9:
        return EPOLLIN | EPOLLET | EPOLLONESHOT;
    case 10:
        return rng_.chance(50) ? EPOLLOUT : EPOLLIN | EPOLLPRI;
    case 11:
    case 12:
        return EPOLLIN | EPOLLEXCLUSIVE | (rng_.chance(50) ? uint32_t{EPOLLET} : 0);
    default:
        return EPOLLIN | EPOLLONESHOT | EPOLLEXCLUSIVE; // EINVAL
    }
}

void RaceWorker::recycle_locked(RaceState &state, Slot &slot, Rng &rng)
{
    slot.ep = Endpoint{};
    slot.open = false;
    slot.reg = {};
    slot.ghosts.clear();
    ++slot.gen;
    slot.published_gen.store(slot.gen);
    try {
        slot.ep = make_endpoint(random_kind(rng));
        slot.open = true;
    } catch (const std::system_error &e) {
        state.problems.add("setup", std::string("new endpoint: ") + e.what());
    }
    ++state.counters.recycles;
}

void RaceWorker::check_stable_events(RaceState &state, int instance, const Event *events, int n)
{
    for (int k = 0; k < n; ++k) {
        const Tag tag = Tag::decode(events[k].data);
        bool ok = events[k].events != 0;
        switch (tag.kind) {
        case TagKind::Main:
        case TagKind::Ghost:
            ok = ok && tag.slot < state.slots.size() &&
                 tag.gen <= (state.slots[tag.slot].published_gen.load() & 0xfffff);
            break;
        case TagKind::Child:
            break;
        case TagKind::Nest:
            ok = ok && tag.slot / 3 == static_cast<uint32_t>(instance);
            break;
        default:
            ok = false;
        }
        if (!ok)
            state.problems.add("wait-results", "instance " + std::string(1, char('A' + instance)) +
                                                   " reported " + tag.str() + " events " +
                                                   hex(events[k].events));
    }
    state.counters.events += static_cast<uint64_t>(n);
}

void RaceWorker::op_ctl()
{
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    if (!slot.open) {
        recycle_locked(s_, slot, rng_);
        return;
    }
    const int i = static_cast<int>(rng_.below(kStable));
    Registration &reg = slot.reg[i];
    int op;
    const uint64_t r = rng_.below(100);
    if (reg.on)
        op = r < 40 ? EPOLL_CTL_MOD : r < 70 ? EPOLL_CTL_DEL : EPOLL_CTL_ADD;
    else
        op = r < 70 ? EPOLL_CTL_ADD : r < 85 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    const uint32_t events = random_events(op);
    const uint64_t data = Tag{TagKind::Main, index, slot.gen, s_.next_serial()}.value();
    const int rc = ctl(s_.stable[i].get(), op, slot.ep.watched.get(), events, data);
    const int want = expected_ctl(op, events, reg);
    ++s_.counters.ctl;
    if (rc != want) {
        s_.problems.add("ctl-consistency",
                        std::string(op_name(op)) + " of slot " + std::to_string(index) + " (" +
                            std::string(kind_name(slot.ep.kind)) + ") in " + char('A' + i) +
                            " events " + hex(events) + ": got " + rc_name(rc) + ", expected " +
                            rc_name(want) + " (registered: " + (reg.on ? "yes" : "no") + ")");
        return; // the bookkeeping no longer knows; leave it
    }
    if (rc != 0)
        return;
    if (op == EPOLL_CTL_DEL)
        reg = Registration{};
    else
        reg = Registration{true, events, data};
}

void RaceWorker::op_wait()
{
    const int i = static_cast<int>(rng_.below(kStable));
    Event events[16];
    const int max = 1 + static_cast<int>(rng_.below(16));
    const int64_t timeout = rng_.chance(70) ? 0 : static_cast<int64_t>(rng_.below(2000000));
    const int n = wait(s_.stable[i].get(), events, max, timeout);
    ++s_.counters.waits;
    if (n < 0 || n > max) {
        s_.problems.add("wait-results",
                        std::string("WAIT on ") + char('A' + i) + " returned " + rc_name(n));
        return;
    }
    check_stable_events(s_, i, events, n);
}

void RaceWorker::op_poke()
{
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    if (!slot.open)
        return;
    if (rng_.chance(70))
        slot.ep.poke();
    else
        slot.ep.drain();
    ++s_.counters.pokes;
}

void RaceWorker::op_recycle()
{
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    recycle_locked(s_, slot, rng_);
}

void RaceWorker::op_peer_close()
{
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    if (slot.open && slot.ep.close_peer())
        ++s_.counters.peer_closes;
}

// A dup of the slot's fd at a number only this thread uses, registered
// while another thread closes it: ADD either loses (EBADF) or wins and the
// (file, dup fd) item stays for as long as the file lives.
void RaceWorker::op_ghost_race()
{
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    if (!slot.open)
        return;
    const int fd = reserved_fd(static_cast<unsigned>(rng_.below(4)));
    if (::dup3(slot.ep.watched.get(), fd, O_CLOEXEC) < 0) {
        s_.problems.add("setup", "dup3: " + rc_name(-errno));
        return;
    }
    const int i = static_cast<int>(rng_.below(kStable));
    const uint32_t events = rng_.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN | EPOLLRDHUP});
    const uint64_t data = Tag{TagKind::Ghost, index, slot.gen, s_.next_serial()}.value();
    bool existing = false;
    for (const Ghost &g : slot.ghosts)
        existing = existing || (g.instance == i && g.fd == fd);
    const unsigned delay = static_cast<unsigned>(rng_.below(4000));
    std::thread closer([fd, delay] {
        spin(delay);
        ::close(fd);
    });
    const int rc = ctl(s_.stable[i].get(), EPOLL_CTL_ADD, fd, events, data);
    closer.join();
    ++s_.counters.ghosts;
    if (rc == -EBADF)
        return;
    if (rc != (existing ? -EEXIST : 0)) {
        s_.problems.add("ghost-race",
                        "ADD of a dup being closed returned " + rc_name(rc) +
                            (existing ? " (expected EEXIST or EBADF)" : " (expected 0 or EBADF)"));
        return;
    }
    if (rc == 0)
        slot.ghosts.push_back(Ghost{i, fd, events, data});
}

void RaceWorker::op_churn()
{
    if (rng_.chance(12)) { // close C (without DEL of anything) and make a new one
        std::unique_lock churn(s_.churn_mu);
        std::lock_guard nest(s_.nest_mu);
        s_.churn.reset();
        for (int x = 0; x < 3; ++x)
            s_.edge[x][kChurn] = s_.edge[kChurn][x] = false;
        const int fd = create(s_.dev.get(), O_CLOEXEC);
        if (fd < 0)
            s_.problems.add("setup", "CREATE of the churn instance: " + rc_name(fd));
        else
            s_.churn.reset(fd);
        ++s_.counters.churns;
        return;
    }
    std::shared_lock churn(s_.churn_mu);
    const int c = s_.churn.get();
    if (c < 0)
        return;
    if (rng_.chance(40)) {
        Event events[8];
        const int n = wait(c, events, 8, rng_.chance(50) ? 0 : 500000);
        bool ok = n >= 0 && n <= 8;
        for (int k = 0; ok && k < n; ++k) {
            const Tag tag = Tag::decode(events[k].data);
            ok = tag.kind == TagKind::Churn ||
                 (tag.kind == TagKind::Nest && tag.slot / 3 == unsigned(kChurn));
        }
        if (!ok)
            s_.problems.add("churn", "WAIT on C returned " + rc_name(n) + " or a foreign tag");
        ++s_.counters.waits;
        return;
    }
    unsigned index;
    Slot &slot = pick_slot(&index);
    std::lock_guard lock(slot.mu);
    if (!slot.open)
        return;
    const bool add = rng_.chance(65);
    const int rc = add ? ctl(c, EPOLL_CTL_ADD, slot.ep.watched.get(),
                             rng_.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLOUT}),
                             Tag{TagKind::Churn, index, slot.gen, s_.next_serial()}.value())
                       : ctl(c, EPOLL_CTL_DEL, slot.ep.watched.get(), 0, 0);
    if (rc != 0 && rc != (add ? -EEXIST : -ENOENT))
        s_.problems.add("churn",
                        std::string(add ? "ADD" : "DEL") + " in C returned " + rc_name(rc));
    ++s_.counters.ctl;
}

void RaceWorker::op_nest()
{
    std::shared_lock churn(s_.churn_mu);
    std::lock_guard nest(s_.nest_mu);
    const int x = static_cast<int>(rng_.below(3));
    const int y = (x + 1 + static_cast<int>(rng_.below(2))) % 3;
    const int fx = s_.instance_fd(x), fy = s_.instance_fd(y);
    if (fx < 0 || fy < 0)
        return;
    const bool add = !s_.edge[x][y] || rng_.chance(25);
    ++s_.counters.nests;
    if (add) {
        const uint64_t data =
            Tag{TagKind::Nest, static_cast<uint32_t>(x * 3 + y), 0, s_.next_serial()}.value();
        const int want = s_.reaches(y, x) ? -ELOOP : s_.edge[x][y] ? -EEXIST : 0;
        const int rc =
            ctl(fx, EPOLL_CTL_ADD, fy, rng_.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET}), data);
        if (rc != want) {
            s_.problems.add("nest-consistency", std::string("ADD of ") + char('A' + y) + " to " +
                                                    char('A' + x) + ": got " + rc_name(rc) +
                                                    ", expected " + rc_name(want));
            return;
        }
        if (rc == 0) {
            s_.edge[x][y] = true;
            s_.edge_data[x][y] = data;
        }
        return;
    }
    const int rc = ctl(fx, EPOLL_CTL_DEL, fy, 0, 0);
    if (rc != 0) {
        s_.problems.add("nest-consistency", std::string("DEL of ") + char('A' + y) + " from " +
                                                char('A' + x) + ": got " + rc_name(rc));
        return;
    }
    s_.edge[x][y] = false;
}

void RaceWorker::op_fork()
{
    if (s_.counters.forks.load() >= s_.config.max_forks)
        return;
    ++s_.counters.forks;
    // Held while the child lives: C is not closed under it.
    std::shared_lock churn(s_.churn_mu);
    const uint64_t seed = rng_.fork_seed();
    const uint32_t serial = s_.next_serial();
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(
            race_child_main(s_.stable[0].get(), s_.stable[1].get(), s_.churn.get(), seed, serial));
    if (pid < 0) {
        s_.problems.add("setup", "fork: " + rc_name(-errno));
        return;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        s_.problems.add("children", "child " + std::to_string(pid) + " ended with status " +
                                        hex(static_cast<uint32_t>(status)) + " (step " +
                                        std::to_string(WEXITSTATUS(status)) + " failed)");
}

// An instance with a few items, closed while another thread waits on it.
void RaceWorker::op_doomed()
{
    const int made = create(s_.dev.get(), O_CLOEXEC);
    if (made < 0) {
        s_.problems.add("setup", "CREATE: " + rc_name(made));
        return;
    }
    const int d = reserved_fd(4 + static_cast<unsigned>(rng_.below(2)));
    const int moved = ::dup3(made, d, O_CLOEXEC);
    ::close(made);
    if (moved < 0) {
        s_.problems.add("setup", "dup3: " + rc_name(-errno));
        return;
    }
    for (int k = 0; k < 3; ++k) {
        unsigned index;
        Slot &slot = pick_slot(&index);
        std::lock_guard lock(slot.mu);
        if (!slot.open)
            continue;
        const int rc = ctl(d, EPOLL_CTL_ADD, slot.ep.watched.get(),
                           rng_.pick<uint32_t>({EPOLLIN, EPOLLIN | EPOLLET, EPOLLIN | EPOLLOUT}),
                           Tag{TagKind::Doomed, index, slot.gen, s_.next_serial()}.value());
        if (rc != 0 && rc != -EEXIST)
            s_.problems.add("doomed", "ADD to a fresh instance: " + rc_name(rc));
        slot.ep.poke();
    }
    std::thread waiter([this, d] {
        Event events[8];
        for (int k = 0; k < 4; ++k) {
            const int n = wait(d, events, 8, 2000000);
            if (n == -EBADF)
                return;
            bool ok = n >= 0 && n <= 8;
            for (int e = 0; ok && e < n; ++e)
                ok = Tag::decode(events[e].data).kind == TagKind::Doomed;
            if (!ok) {
                s_.problems.add("doomed", "WAIT on an instance being closed: " + rc_name(n) +
                                              " or a foreign tag");
                return;
            }
        }
    });
    std::this_thread::sleep_for(std::chrono::microseconds(rng_.below(3000)));
    ::close(d);
    waiter.join();
    ++s_.counters.dooms;
}

void RaceWorker::run()
{
    for (unsigned round = 0; round < s_.config.rounds; ++round) {
        const uint64_t r = rng_.below(100);
        if (r < 36)
            op_ctl();
        else if (r < 60)
            op_wait();
        else if (r < 68)
            op_poke();
        else if (r < 74)
            op_recycle();
        else if (r < 76)
            op_peer_close();
        else if (r < 81)
            op_ghost_race();
        else if (r < 89)
            op_churn();
        else if (r < 95)
            op_nest();
        else if (r < 98)
            op_fork();
        else
            op_doomed();
    }
}

void RaceWorker::write_until_stopped(RaceState &state, uint64_t seed)
{
    Rng rng(seed);
    while (!state.stop.load()) {
        Slot &slot = state.slots[rng.below(state.slots.size())];
        {
            std::lock_guard lock(slot.mu);
            if (slot.open) {
                if (rng.chance(90))
                    slot.ep.poke();
                else
                    slot.ep.drain();
            }
        }
        ++state.counters.pokes;
        ::sched_yield();
    }
}

} // namespace gauntlet
