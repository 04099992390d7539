#!/bin/sh
# shellcheck shell=dash
# faults suite (runs in the VM; needs the debug kernel's fault injection):
# CREATE, CTL ADD/MOD/DEL, WAIT and the close paths stepped through every
# fault-injection point they reach (/proc/thread-self/fail-nth with failslab,
# fail_page_alloc and fail_usercopy), each failing cleanly or succeeding,
# the instance staying clean and usable (build/gauntlet faults,
# docs/reliability.md); then the leak checks (gauntlet leaks).
#
# Every injected fault logs "FAULT_INJECTION: forcing a failure" (KERN_NOTICE)
# and a stack dump; the console log level is raised to 6 for the duration so
# that the notice precedes its dump on the console (the host parser accepts
# such dumps, docs/testing.md), and restored afterwards.
#
# A second pass counts only the module's own caches (failslab cache-filter):
# boot with slub_debug=A,myep_* for it (vm-run --append).
#
# Knobs: GAUNTLET_FAULTS_ARGS (e.g. "--max-points 200"), GAUNTLET_LEAKS_ARGS.
S=faults
rc=0
level=$(cut -f1 /proc/sys/kernel/printk)
echo 6 >/proc/sys/kernel/printk
# shellcheck disable=SC2086  # word lists
/bin/gauntlet faults --suite $S ${GAUNTLET_FAULTS_ARGS:-} || rc=1
echo "$level" >/proc/sys/kernel/printk
# shellcheck disable=SC2086
/bin/gauntlet leaks --suite $S ${GAUNTLET_LEAKS_ARGS:-} || rc=1
exit $rc
