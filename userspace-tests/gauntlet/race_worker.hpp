// RaceWorker: one thread of the races part's storm.  Each round is one
// operation picked at random: ctl on a slot (checked against the
// bookkeeping), WAIT on A/B/C, poke/drain, slot recycling (close without DEL),
// a dup registered while another thread closes it, nest edges, churn of C,
// a forked child using the shared instances, and an instance closed while
// another thread waits on it.
#pragma once

#include "calls.hpp"
#include "race_state.hpp"
#include "rng.hpp"

namespace gauntlet
{

class RaceWorker
{
  public:
    RaceWorker(RaceState &state, unsigned index, uint64_t seed)
        : s_(state), index_(index), rng_(seed)
    {
    }
    void run();

    // The writer thread's loop: pokes (and sometimes drains) random slots
    // until state.stop.
    static void write_until_stopped(RaceState &state, uint64_t seed);
    // Replaces a slot's endpoint with a new one (the old fds are closed
    // without DEL).  Called with slot.mu held; records problems itself.
    static void recycle_locked(RaceState &state, Slot &slot, Rng &rng);
    // Checks events a stable instance reported during the storm.
    static void check_stable_events(RaceState &state, int instance, const Event *events, int n);

  private:
    Slot &pick_slot(unsigned *index);
    uint32_t random_events(int op);
    int reserved_fd(unsigned which) const noexcept;

    void op_ctl();
    void op_wait();
    void op_poke();
    void op_recycle();
    void op_peer_close();
    void op_ghost_race();
    void op_churn();
    void op_nest();
    void op_fork();
    void op_doomed();

    RaceState &s_;
    unsigned index_;
    Rng rng_;
};

} // namespace gauntlet
