#!/bin/sh
# shellcheck shell=dash
# lifetime suite (runs in the VM; run it with nothing else using the
# module): rmmod refused while the device or an instance is open, POLLFREE
# of a signalfd's queue under an item, and 100 cycles of rmmod -> insmod
# /myepoll.ko -> workload -> close, the workload's watched sockets outliving
# the module (build/gauntlet lifetime, docs/reliability.md); then the leak
# checks (gauntlet leaks).  The module is left loaded.
#
# Knobs: GAUNTLET_LIFETIME_ARGS (e.g. "--cycles 20"), GAUNTLET_LEAKS_ARGS.
S=lifetime
rc=0
# shellcheck disable=SC2086  # word lists
/bin/gauntlet lifetime --suite $S ${GAUNTLET_LIFETIME_ARGS:-} || rc=1
# shellcheck disable=SC2086
/bin/gauntlet leaks --suite $S ${GAUNTLET_LEAKS_ARGS:-} || rc=1
exit $rc
