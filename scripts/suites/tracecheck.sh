#!/bin/sh
# tracecheck suite (runs in the VM): the tracer's counts on a workload whose
# counts are known exactly, on both backends.  1000 one-byte messages on one
# TCP connection, the waiter in ET mode, the sender waiting for each ack:
# every message is one sock_def_readable, one wake callback that queues the
# item, one delivered event.  Also: myepoll.ko carries its BTF
# (/sys/kernel/btf/myepoll), which fentry on its functions needs.
# TRACECHECK_ARGS (vm-run --env) replaces the expectations (to see it fail).
S=tracecheck
rc=0
if [ -r /sys/kernel/btf/myepoll ]; then
	echo "@@myepoll case $S pass module-btf"
else
	echo "$S: /sys/kernel/btf/myepoll is missing: myepoll.ko has no BTF"
	echo "@@myepoll case $S fail module-btf"
	rc=1
fi
if [ ! -x /bin/trace ]; then
	echo "$S: /bin/trace is missing from the initramfs"
	exit 127
fi
# shellcheck disable=SC2086  # TRACECHECK_ARGS is a word list
/bin/trace --suite $S --workload pingpong --mode et --rounds 1000 \
	${TRACECHECK_ARGS:---expect delivered=1000 --expect callbacks=1000 \
		--expect filtered=0 --expect sock_wakeups=1000} || rc=1
exit $rc
