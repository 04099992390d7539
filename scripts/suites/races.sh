#!/bin/sh
# shellcheck shell=dash
# races suite (runs in the VM; meant for the debug kernel): threads doing
# ADD/MOD/DEL/WAIT/close/dup/fork on shared instances while a writer pokes
# and peers close, then checks that every surviving registration still
# delivers with its own data.u64 (build/gauntlet races, docs/reliability.md),
# then that nothing leaked (gauntlet leaks: the module's slab caches are
# empty, kmemleak reports nothing).
#
# Knobs (vm-run --env): GAUNTLET_RACES_ARGS (e.g. "--rounds 3000 --seed 42"),
# GAUNTLET_LEAKS_ARGS (e.g. "--kmemleak 0").
S=races
rc=0
# shellcheck disable=SC2086  # word lists
/bin/gauntlet races --suite $S ${GAUNTLET_RACES_ARGS:-} || rc=1
# shellcheck disable=SC2086
/bin/gauntlet leaks --suite $S ${GAUNTLET_LEAKS_ARGS:-} || rc=1
exit $rc
