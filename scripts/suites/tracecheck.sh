#!/bin/sh
# tracecheck suite (runs in the VM): the tracer's counts on a workload whose
# counts are known exactly, on both backends.  1000 one-byte messages on one
# TCP connection, the waiter in ET mode, the sender waiting for each ack:
# every message is one sock_def_readable, one wake callback that queues the
# item, one delivered event, one wait call that returns 1; one ctl (the ADD).
# Also: myepoll.ko carries its BTF (/sys/kernel/btf/myepoll), which fentry on
# its functions needs, and the kernel has the syscall tracepoints
# (CONFIG_FTRACE_SYSCALLS, tracefs mounted by vm-init.sh) that the tracer's
# syscall-level counts and cross-checks need.
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
ev=/sys/kernel/tracing/events/syscalls
if [ -d $ev/sys_exit_epoll_pwait2 ] && [ -d $ev/sys_exit_ioctl ]; then
	n=0
	for e in "$ev"/sys_*_epoll_*; do [ -d "$e" ] && n=$((n + 1)); done
	echo "$S: $ev: $n sys_{enter,exit}_epoll_* events"
	echo "@@myepoll case $S pass syscall-tracepoints"
else
	echo "$S: $ev/sys_exit_epoll_pwait2 is missing (tracefs or CONFIG_FTRACE_SYSCALLS)"
	echo "@@myepoll case $S fail syscall-tracepoints"
	rc=1
fi
if [ ! -x /bin/trace ]; then
	echo "$S: /bin/trace is missing from the initramfs"
	exit 127
fi
# A tracer that cannot run on this kernel (its programs do not load) is a
# failed case, not a skipped one.
out=/tmp/tracecheck.out
# shellcheck disable=SC2086  # TRACECHECK_ARGS is a word list
{
	/bin/trace --suite $S --workload pingpong --mode et --rounds 1000 \
		${TRACECHECK_ARGS:---expect delivered=1000 --expect callbacks=1000 \
			--expect filtered=0 --expect sock_wakeups=1000 \
			--expect wait_returns=1000 --expect ctl_calls=1} 2>&1
	echo $? >$out.rc
} | tee $out
[ "$(cat $out.rc)" = 0 ] || rc=1
if ! grep -q "^@@myepoll case $S " $out; then
	echo "$S: the tracer reported no case on $(uname -r) (exit $(cat $out.rc))"
	echo "@@myepoll case $S fail tracer-runs"
	rc=1
fi
exit $rc
