#!/bin/sh
# bench suite (runs in the VM): /bin/bench, the benchmarks of
# docs/performance.md.  Prints the tables, their CSV as `@@bench csv` lines
# (scripts/bench-report.py collects them on the host) and @@myepoll case
# lines for the event-count checks.
# Environment (vm-run --env): BENCH_TIMING (icount or tcg), BENCH_ARGS.
if [ ! -x /bin/bench ]; then
	echo "bench: /bin/bench is missing from the initramfs"
	exit 127
fi
# 100,000 connections: every ephemeral port, several listeners (127.0.0.x).
sysctl -q -w net.ipv4.ip_local_port_range="1024 65535"
sysctl -q -w net.core.somaxconn=4096
# The close cost is also timed without myepoll: bench unloads it and loads
# /myepoll.ko (what init loaded) again.
# shellcheck disable=SC2086  # BENCH_ARGS is a word list
exec /bin/bench --timing "${BENCH_TIMING:-tcg}" --module-file /myepoll.ko ${BENCH_ARGS:-}
