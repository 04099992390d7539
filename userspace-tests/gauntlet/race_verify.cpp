// verify_after_storm(): the races part's final checks (see race_verify.hpp).
#include <sys/epoll.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "calls.hpp"
#include "fdinfo.hpp"
#include "format.hpp"
#include "race_verify.hpp"

namespace gauntlet
{

namespace
{

struct Expected {
    int tfd;
    uint64_t data;
    uint32_t events;
    bool check_events; // nest edges: events not kept
    std::string what;
};

std::string name_of(int instance)
{
    return std::string(1, char('A' + instance));
}

std::vector<Expected> expected_items(RaceState &s, int i)
{
    std::vector<Expected> out;
    for (size_t k = 0; k < s.slots.size(); ++k) {
        Slot &slot = s.slots[k];
        if (!slot.open)
            continue;
        const std::string where =
            "slot " + std::to_string(k) + " (" + std::string(kind_name(slot.ep.kind)) + ")";
        if (slot.reg[i].on)
            out.push_back(
                Expected{slot.ep.watched.get(), slot.reg[i].data, slot.reg[i].events, true, where});
        for (const Ghost &g : slot.ghosts)
            if (g.instance == i)
                out.push_back(Expected{g.fd, g.data, g.events, true, where + " dup fd"});
    }
    for (int y = 0; y < 3; ++y)
        if (s.edge[i][y])
            out.push_back(Expected{s.instance_fd(y), s.edge_data[i][y], 0, false,
                                   "nested instance " + name_of(y)});
    return out;
}

bool events_match(uint32_t got, uint32_t want)
{
    const uint32_t mask = ~static_cast<uint32_t>(EPOLLERR | EPOLLHUP);
    if ((got & mask) == (want & mask))
        return true;
    // A one-shot item that fired is disarmed: only the private bits stay.
    return (want & EPOLLONESHOT) && got == (want & kPrivateBits);
}

// fdinfo of instance i against the bookkeeping; "" when they agree.
std::string compare_fdinfo(RaceState &s, int i)
{
    const auto items = read_fdinfo(s.stable[i].get());
    if (!items)
        return "cannot read fdinfo of " + name_of(i);
    std::vector<Expected> want = expected_items(s, i);
    std::string out;
    for (const FdinfoItem &item : *items) {
        bool found = false;
        for (auto it = want.begin(); it != want.end(); ++it) {
            if (it->tfd != item.tfd || it->data != item.data)
                continue;
            if (it->check_events && !events_match(item.events, it->events))
                out += " [" + it->what + ": events " + hex(item.events) + ", expected " +
                       hex(it->events) + "]";
            want.erase(it);
            found = true;
            break;
        }
        if (!found)
            out += " [unexpected item tfd " + std::to_string(item.tfd) + " data " +
                   Tag::decode(item.data).str() + "]";
    }
    for (const Expected &e : want)
        out += " [missing " + e.what + " tfd " + std::to_string(e.tfd) + " data " +
               Tag::decode(e.data).str() + "]";
    return out.empty() ? "" : name_of(i) + ":" + out;
}

// Closes a slot's files without DEL.
void close_slot(Slot &slot)
{
    slot.ep = Endpoint{};
    slot.open = false;
    slot.reg = {};
    slot.ghosts.clear();
}

std::string check_delivery(RaceState &s)
{
    std::string out;
    // Nothing left to read, one-shot items re-armed, ready lists flushed.
    for (Slot &slot : s.slots)
        if (slot.open)
            slot.ep.drain();
    for (int i = 0; i < kStable; ++i)
        for (size_t k = 0; k < s.slots.size(); ++k) {
            const Registration &reg = s.slots[k].reg[i];
            if (!s.slots[k].open || !reg.on || !(reg.events & EPOLLONESHOT))
                continue;
            const int rc = ctl(s.stable[i].get(), EPOLL_CTL_MOD, s.slots[k].ep.watched.get(),
                               reg.events, reg.data);
            if (rc != 0)
                out += " [re-arming slot " + std::to_string(k) + " in " + name_of(i) + ": " +
                       rc_name(rc) + "]";
        }
    std::vector<Event> events(512);
    for (int pass = 0; pass < 3; ++pass)
        for (int i = 0; i < kStable; ++i)
            (void)wait(s.stable[i].get(), events.data(), static_cast<int>(events.size()), 0);

    // Fresh data everywhere.
    for (size_t k = 0; k < s.slots.size(); ++k)
        if (s.slots[k].open && !s.slots[k].ep.poke())
            out += " [cannot poke slot " + std::to_string(k) + "]";

    std::map<uint64_t, std::string> want[kStable], allowed[kStable];
    for (int i = 0; i < kStable; ++i)
        for (const Expected &e : expected_items(s, i)) {
            allowed[i][e.data] = e.what;
            if (e.check_events && (e.events & EPOLLIN))
                want[i][e.data] = e.what;
        }
    std::set<uint64_t> unexpected[kStable];
    for (int round = 0; round < 100 && (!want[0].empty() || !want[1].empty()); ++round)
        for (int i = 0; i < kStable; ++i) {
            const int n = wait(s.stable[i].get(), events.data(), static_cast<int>(events.size()),
                               want[i].empty() ? 0 : 20000000);
            if (n < 0) {
                out += " [WAIT on " + name_of(i) + ": " + rc_name(n) + "]";
                return out;
            }
            for (int e = 0; e < n; ++e) {
                const uint64_t data = events[e].data;
                if (allowed[i].count(data) == 0)
                    unexpected[i].insert(data);
                else if (events[e].events & EPOLLIN)
                    want[i].erase(data);
            }
        }
    for (int i = 0; i < kStable; ++i) {
        for (const auto &[data, what] : want[i])
            out +=
                " [" + name_of(i) + ": no event for " + what + " " + Tag::decode(data).str() + "]";
        for (uint64_t data : unexpected[i])
            out +=
                " [" + name_of(i) + ": unexpected event with data " + Tag::decode(data).str() + "]";
    }
    return out;
}

} // namespace

void verify_after_storm(RaceState &s, Report &report, Rng &rng)
{
    // C goes (its items and the A/B items that watch it with it); slots
    // whose peer is gone, and a quarter of the others, close without DEL.
    {
        std::unique_lock churn(s.churn_mu);
        s.churn.reset();
        for (int x = 0; x < 3; ++x)
            s.edge[x][kChurn] = s.edge[kChurn][x] = false;
    }
    size_t closed = 0;
    for (Slot &slot : s.slots)
        if (slot.open && (!slot.ep.peer_open() || rng.chance(25))) {
            close_slot(slot);
            ++closed;
        }
    report.say("after the storm: " + std::to_string(closed) + " slots closed without DEL, " +
               std::to_string(s.slots.size() - closed) + " kept");

    std::string why;
    for (int i = 0; i < kStable; ++i)
        why += compare_fdinfo(s, i);
    report.check("fdinfo-after-storm", why);

    report.check("delivery-after-storm", check_delivery(s));

    for (Slot &slot : s.slots)
        close_slot(slot);
    why.clear();
    for (int i = 0; i < kStable; ++i)
        why += compare_fdinfo(s, i);
    std::vector<Event> events(256);
    for (int i = 0; i < kStable; ++i) {
        const int n = wait(s.stable[i].get(), events.data(), static_cast<int>(events.size()), 0);
        for (int e = 0; e < n; ++e)
            if (Tag::decode(events[e].data).kind != TagKind::Nest)
                why += " [" + name_of(i) + " reported " + Tag::decode(events[e].data).str() +
                       " after every endpoint was closed]";
    }
    report.check("close-after-storm", why);
}

} // namespace gauntlet
