#!/bin/sh
# ring suite (runs in the VM): /bin/differential with MYEPOLL_TEST_RING=1
# runs every differential scenario on native epoll and on myepoll with a
# shared ready ring (userspace-tests/ring_relation.cpp: the relation the two
# traces must be in; ring_skips.cpp: the scenarios the ring cannot express,
# each named with its reason), and prints its own @@myepoll case lines as
# the suite "ring".  Extra arguments: RING_ARGS (vm-run --env), e.g.
# RING_ARGS=--gtest_filter='EdgeTriggered.*'
if [ ! -x /bin/differential ]; then
	echo "ring: /bin/differential is missing from the initramfs"
	exit 127
fi
MYEPOLL_TEST_RING=1
export MYEPOLL_TEST_RING
# shellcheck disable=SC2086  # RING_ARGS is a word list
exec /bin/differential ${RING_ARGS:-}
