#!/bin/sh
# shellcheck shell=dash
# hostile suite (runs in the VM): /bin/hostile (userspace-tests/hostile/,
# GoogleTest) — a WAIT stalled in its copy-out (userfaultfd) against other
# users' closes, a file released under a transfer (a vgem dma-buf),
# wakeup-path limits, the close handler's cost on a shared inode, one watch
# budget with native epoll, the timer slack, the wait-return tracepoint on
# early failures, EPOLL_URING_WAKE through nesting.  It prints its own
# @@myepoll case lines, and a case-start line before each case so that a
# panic or hang names the case that caused it (docs/testing.md).
#
# The stalled copy-out needs a userfaultfd that handles kernel-mode faults:
# root's, with vm.unprivileged_userfaultfd=0 (set here, as on a hardened
# host).  The dma-buf case needs the vgem module: the stock kernel is booted
# with `vm-run.sh --kmod vgem` (scripts/check.sh does).
#
# Knobs (vm-run --env): HOSTILE_ARGS (e.g. --gtest_filter='Stall.*'),
# HOSTILE_SKIP="dmabuf iouring" (cases this kernel cannot run, each named in
# a note line; the debug kernel has neither DRM nor io_uring).
if [ ! -x /bin/hostile ]; then
	echo "hostile: /bin/hostile is missing from the initramfs"
	exit 127
fi
sysctl -q -w vm.unprivileged_userfaultfd=0 2>/dev/null
# shellcheck disable=SC2086  # HOSTILE_ARGS is a word list
exec /bin/hostile ${HOSTILE_ARGS:-}
