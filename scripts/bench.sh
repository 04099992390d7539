#!/usr/bin/env bash
# bench.sh: the run behind `make bench` (docs/performance.md).  Boots the
# stock kernel in the test VM, runs the bench suite and the benchreal suite
# (Debian's redis-server and nginx, native and on myepoll, in the same
# boot; scripts/suites/realworld.sh), then turns the console
# log into tables, CSV files and SVG plots in build/bench-results/
# (scripts/bench-report.py).
#
# Environment: KERNEL (bzImage, required); BENCH_TIMING=icount (default:
# QEMU counts instructions, 1 vCPU: QEMU 7.2 hangs bringing up a second vCPU
# under -icount) or tcg (plain TCG, 2 vCPUs, a sanity check); BENCH_ARGS
# (extra /bin/bench options, e.g. "--sizes 10,100 --only scaling");
# BENCH_SUITES (default "bench benchreal"; "bench" skips the servers).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

: "${KERNEL:?KERNEL must name the stock kernel image}"
timing=${BENCH_TIMING:-icount}
out=build/bench-results
log=build/bench-console-$timing.log
# slub_nomerge: every cache under its own name in /proc/slabinfo, so the
# memory breakdown names the epoll and myepoll caches.
append="clocksource=tsc tsc=reliable slub_nomerge"
case $timing in
icount) vm=(--smp 1 --qemu-args "-icount shift=3,sleep=off,align=off") ;;
tcg) vm=(--smp 2) ;;
*)
	echo "bench: BENCH_TIMING must be icount or tcg" >&2
	exit 2
	;;
esac

start=$(date +%s)
bash scripts/vm-run.sh --kernel "$KERNEL" --suites "${BENCH_SUITES:-bench benchreal}" --mem 6144 --timeout 1800 \
	--append "$append" "${vm[@]}" --log "$log" \
	--env BENCH_TIMING="$timing" --env BENCH_ARGS="${BENCH_ARGS:-}"
status=$?
echo
python3 scripts/bench-report.py "$log" "$out/$timing" || status=1
echo "bench: $timing run took $(($(date +%s) - start)) s; console log $log"
exit $status
