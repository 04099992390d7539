#!/bin/sh
# shellcheck shell=dash
# fuzz suite (runs in the VM): seeded random ioctls on the device and on
# instance fds with random fds, flags, sizes and pointers; every result must
# be success or a whitelisted native errno, exactly the determined one where
# the arguments decide it (build/gauntlet fuzz, docs/reliability.md); then
# the leak checks (gauntlet leaks).  The seed is printed in a note line.
#
# Knobs: GAUNTLET_FUZZ_ARGS (default "--calls 200000 --seconds 300"; add
# "--seed S" to replay), GAUNTLET_LEAKS_ARGS.
S=fuzz
rc=0
# shellcheck disable=SC2086  # word lists
/bin/gauntlet fuzz --suite $S ${GAUNTLET_FUZZ_ARGS:---calls 200000 --seconds 300} || rc=1
# shellcheck disable=SC2086
/bin/gauntlet leaks --suite $S ${GAUNTLET_LEAKS_ARGS:-} || rc=1
exit $rc
