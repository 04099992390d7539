#!/bin/sh
# trace suite (runs in the VM): /bin/trace (tools/trace, BPF) runs its
# workloads on native epoll and on myepoll and prints the side-by-side table
# (make trace shows it); one @@myepoll case line per workload and backend.
# Extra arguments: TRACE_ARGS (vm-run --env).
if [ ! -x /bin/trace ]; then
	echo "trace: /bin/trace is missing from the initramfs"
	exit 127
fi
# shellcheck disable=SC2086  # TRACE_ARGS is a word list
exec /bin/trace ${TRACE_ARGS:-}
