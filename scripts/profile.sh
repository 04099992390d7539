#!/usr/bin/env bash
# profile.sh: the run behind `make profile` (docs/performance.md, "Where the
# instructions go").  Boots the stock kernel in the test VM under plain TCG,
# 1 vCPU, with QEMU's plugin build/tbprof.so (tools/profile/tbprof.cpp)
# counting the guest instructions of every translation block executed inside
# a wait of the bench's scaling rounds, one window per API; then
# scripts/profile-report.py names the blocks' functions with the guest's
# /proc/kallsyms and prints instructions per wait, per function, per API.
#
# Environment: KERNEL (bzImage, required); TBPROF (default build/tbprof.so);
# PROFILE_N connections (default 100), PROFILE_K ready per round (10),
# PROFILE_ROUNDS per API (600); PROFILE_LINES=1 adds myepoll's blocks by
# source line (addr2line over module/myepoll.ko).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

: "${KERNEL:?KERNEL must name the stock kernel image}"
tbprof=$(realpath "${TBPROF:-build/tbprof.so}")
out=build/profile-results
mkdir -p "$out"
log=$out/console.log
counts=$(realpath "$out")/blocks.txt
rm -f "$counts"

bash scripts/vm-run.sh --kernel "$KERNEL" --suites profile --smp 1 --mem 4096 --timeout 1800 \
	--qemu-args "-plugin $tbprof,out=$counts" --log "$log" \
	--env PROFILE_N="${PROFILE_N:-100}" --env PROFILE_K="${PROFILE_K:-10}" \
	--env PROFILE_ROUNDS="${PROFILE_ROUNDS:-600}"
status=$?
echo
lines=()
[[ ${PROFILE_LINES:-0} == 1 ]] && lines=(--lines module/myepoll.ko)
python3 scripts/profile-report.py "$counts" "$log" "${lines[@]}" | tee "$out/profile.txt" || status=1
echo "profile: report in $out/profile.txt"
exit $status
