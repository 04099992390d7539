#!/usr/bin/env bash
# vm-run.sh: boot a kernel under QEMU (TCG) with the test initramfs, run test
# suites inside it, and count the results (protocol: docs/testing.md).
#
#   scripts/vm-run.sh --kernel BZIMAGE --suites "a b" [options]
#
#   --kernel FILE       kernel image to boot (required)
#   --suites "a b"      suites to run, in order: scripts/suites/<name>.sh (required)
#   --module KO         module to insmod (default module/myepoll.ko)
#   --no-module         boot without the module (testing the runner itself)
#   --kmod KO|NAME      extra kernel module to load first (e.g. veth for the
#                       stock kernel); a NAME is looked up in /lib/modules/<ver>
#                       of a /boot/vmlinuz-<ver> kernel.  Repeatable.
#   --kmod-file KO      kernel module copied to /lib/modules-test/ in the VM but
#                       not loaded (a suite loads it: the KUnit test module).
#                       Repeatable.
#   --bin PROG          extra static program for /bin (every static executable
#                       in build/ is included anyway).  Repeatable.
#   --dyn PROG          extra dynamically linked program for /bin, with the loader
#                       and the libraries ldd lists (every executable in build/dyn/
#                       is included anyway).  Repeatable.
#   --lib SO            extra shared library for /lib, with what it needs
#                       (build/libmyepoll-shim.so is included anyway).  Repeatable.
#   --tree DIR          a directory tree copied into the VM's root.  Repeatable.
#                       A suite whose script has the line
#                       `# vm-run: realworld-packages` gets Debian's servers
#                       (scripts/realworld-pkgs.sh) this way; the initramfs
#                       grows by them only then.
#   --env KEY=VALUE     environment for the suites, e.g. DEMO_ARGS="...".  Repeatable.
#   --suite-dir DIR     also take suites from DIR/*.sh.  Repeatable.
#   --timeout SECONDS   kill the VM after this long, counted as a failure (default 900)
#   --log FILE          console log (default build/vm-<suites>-<timestamp>.log)
#   --mem MB            guest memory (default 2048)
#   --smp N             guest CPUs (default 2)
#   --append "ARGS"     extra kernel command line
#   --qemu-args "ARGS"  extra QEMU arguments (e.g. "-icount shift=3,sleep=off,align=off")
#   --no-rmmod          do not rmmod the module after the suites
#   --no-pvh            boot a bzImage as is; by default its vmlinux is extracted
#                       (cached in build/kernel-cache/) and booted through its PVH
#                       entry, which halves the boot time under TCG
#   --summary-file FILE write "PASSED FAILED" there, for adding up several runs
#                       with `scripts/parse-console.py --sum FILE...`
#
# While the VM runs it prints suite starts/ends, failed cases, kernel trouble
# and a status line every 30 s.  At the end it prints a per-suite summary and,
# as its very last line, `N passed, M failed`; exit status 0 iff M == 0.  The
# full console log is kept.  QEMU's own exit status is only reported: the
# console decides.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build

kernel=
suites=
module=$ROOT/module/myepoll.ko
no_module=0
kmods=()
test_kmods=()
bins=()
dyns=()
libs=()
trees=()
envs=()
suite_dirs=()
timeout=900
log=
mem=2048
smp=2
append=
qemu_args=
rmmod=1
pvh=1
summary_file=

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

# fail MESSAGE: a setup error; still end with the count line.
fail() {
	echo "vm-run: $*" >&2
	[[ -z $summary_file ]] || echo "0 1" >"$summary_file"
	echo "0 passed, 1 failed"
	exit 1
}

need() { [[ $# -ge 2 && -n $2 ]] || { echo "vm-run: $1 needs a value" >&2; usage 2; }; }

while (($#)); do
	case $1 in
	--kernel) need "$@"; kernel=$2; shift 2 ;;
	--suites) need "$@"; suites=$2; shift 2 ;;
	--module) need "$@"; module=$2; shift 2 ;;
	--no-module) no_module=1; shift ;;
	--kmod) need "$@"; kmods+=("$2"); shift 2 ;;
	--kmod-file) need "$@"; test_kmods+=("$2"); shift 2 ;;
	--bin) need "$@"; bins+=("$2"); shift 2 ;;
	--dyn) need "$@"; dyns+=("$2"); shift 2 ;;
	--lib) need "$@"; libs+=("$2"); shift 2 ;;
	--tree) need "$@"; trees+=("$2"); shift 2 ;;
	--env) need "$@"; envs+=("$2"); shift 2 ;;
	--suite-dir) need "$@"; suite_dirs+=("$2"); shift 2 ;;
	--timeout) need "$@"; timeout=$2; shift 2 ;;
	--log) need "$@"; log=$2; shift 2 ;;
	--mem) need "$@"; mem=$2; shift 2 ;;
	--smp) need "$@"; smp=$2; shift 2 ;;
	--append) need "$@"; append=$2; shift 2 ;;
	--qemu-args) need "$@"; qemu_args=$2; shift 2 ;;
	--no-rmmod) rmmod=0; shift ;;
	--no-pvh) pvh=0; shift ;;
	--summary-file) need "$@"; summary_file=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "vm-run: unknown argument $1" >&2; usage 2 ;;
	esac
done

[[ -n $kernel ]] || fail "--kernel is required"
[[ -f $kernel ]] || fail "kernel $kernel not found"
read -r -a suite_list <<<"${suites//,/ }"
((${#suite_list[@]})) || fail "--suites is required"
[[ $timeout =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ && $smp =~ ^[0-9]+$ ]] || fail "--timeout, --mem and --smp take numbers"
realworld=0
for s in "${suite_list[@]}"; do
	found=0
	for d in "$ROOT/scripts/suites" "${suite_dirs[@]}"; do
		[[ -f $d/$s.sh ]] || continue
		found=1
		grep -qx '# vm-run: realworld-packages' "$d/$s.sh" && realworld=1
	done
	((found)) || fail "no suite '$s' (no $s.sh in scripts/suites${suite_dirs[*]:+ ${suite_dirs[*]}})"
done
if ((!no_module)) && [[ ! -f $module ]]; then
	fail "module $module not found: build it (make module) or pass --no-module"
fi
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing: run scripts/install-deps.sh"
command -v python3 >/dev/null || fail "python3 missing: run scripts/install-deps.sh"

# --kmod NAME: resolve it (and what it depends on) for a /boot/vmlinuz-<ver> kernel.
kmod_files=()
add_kmod() { # add_kmod NAME KVER
	local file dep
	file=$(modinfo -k "$2" -n "$1" 2>/dev/null) || fail "kernel module $1 not found for kernel $2"
	for dep in $(modinfo -k "$2" -F depends "$1" | tr , ' '); do
		add_kmod "$dep" "$2"
	done
	case " ${kmod_files[*]} " in *" $file "*) ;; *) kmod_files+=("$file") ;; esac
}
for k in "${kmods[@]}"; do
	if [[ $k == */* ]]; then
		kmod_files+=("$k")
	else
		kver=$(basename "$kernel")
		kver=${kver#vmlinuz-}
		[[ -d /lib/modules/$kver ]] || fail "--kmod $k: no /lib/modules/$kver for kernel $kernel; give a path"
		add_kmod "$k" "$kver"
	fi
done

tag=$(IFS=+; echo "${suite_list[*]}")
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$BUILD"
if [[ -z $log ]]; then
	log=$BUILD/vm-$tag-$stamp.log
	[[ ! -e $log ]] || log=$BUILD/vm-$tag-$stamp-$$.log
fi
mkdir -p "$(dirname "$log")"
work=$(mktemp -d "$BUILD/.vm-run.XXXXXX")
qemu_pid=
parser_pid=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[[ -z $qemu_pid ]] || kill "$qemu_pid" 2>/dev/null || true
	[[ -z $parser_pid ]] || kill "$parser_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

echo "vm-run: console log: $log"

# Boot the uncompressed vmlinux through its PVH entry when possible.
boot_kernel=$kernel
if ((pvh)) && [[ $(od -An -tx1 -N4 "$kernel" | tr -d ' \n') != 7f454c46 ]]; then # not ELF
	if cache=$(bash "$ROOT/scripts/kernel-vmlinux.sh" --boot "$kernel"); then
		boot_kernel=$cache
	else
		echo "vm-run: no PVH-bootable vmlinux in $kernel (CONFIG_PVH=y): booting the bzImage (slower)"
	fi
fi

initramfs=$work/initramfs.cpio.gz
ibuild=(bash "$ROOT/scripts/build-initramfs.sh" --out "$initramfs")
if ((no_module)); then ibuild+=(--no-module); else ibuild+=(--module "$module"); fi
for k in "${kmod_files[@]}"; do ibuild+=(--kmod "$k"); done
for k in "${test_kmods[@]}"; do ibuild+=(--kmod-file "$k"); done
for e in "${envs[@]}"; do ibuild+=(--env "$e"); done
for d in "${suite_dirs[@]}"; do ibuild+=(--suite-dir "$d"); done
for p in "${dyns[@]}"; do ibuild+=(--dyn "$p"); done
for l in "${libs[@]}"; do ibuild+=(--lib "$l"); done
for t in "${trees[@]}"; do ibuild+=(--tree "$t"); done
if ((realworld)); then
	# Its messages (stderr) prefixed; stdout only names the tree.
	bash "$ROOT/scripts/realworld-pkgs.sh" --tree "$work/realworld" 2>&1 >/dev/null | sed 's/^/vm-run: /' ||
		fail "fetching the realworld packages failed (scripts/realworld-pkgs.sh)"
	ibuild+=(--tree "$work/realworld")
fi
ibuild+=("${bins[@]}")
"${ibuild[@]}" | sed 's/^/vm-run: /' || fail "building the initramfs failed"
[[ -f $initramfs ]] || fail "building the initramfs failed"

# printk.time=1: the parser recognises kernel messages by their timestamp.
# loglevel=5: KERN_WARNING and worse reach the console (WARN, lockdep, Oops).
cmdline="console=ttyS0 loglevel=5 printk.time=1 printk.devkmsg=on panic=-1 oops=panic"
cmdline+=" clocksource=tsc tsc=reliable"
cmdline+=" myepoll.suites=$(IFS=,; echo "${suite_list[*]}")"
((rmmod)) || cmdline+=" myepoll.rmmod=0"
[[ -z $append ]] || cmdline+=" $append"

# shellcheck disable=SC2206  # --qemu-args is a word list
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$mem" -smp "$smp"
	-nographic -nodefaults -no-reboot -monitor none -serial "file:$log"
	-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
	-kernel "$boot_kernel" -initrd "$initramfs" -append "$cmdline" $qemu_args)
via=
[[ $boot_kernel == "$kernel" ]] || via=" via ${boot_kernel#"$ROOT"/}"
echo "vm-run: booting $kernel$via (suites: ${suite_list[*]}, timeout ${timeout}s)"
: >"$log"
"${qemu[@]}" </dev/null >"$work/qemu.out" 2>&1 &
qemu_pid=$!

# The parser follows the log, prints progress, kills QEMU on timeout, then
# (once QEMU's status is in qemu.status) prints the summary and the count line.
parser=(python3 "$ROOT/scripts/parse-console.py" --follow --pid "$qemu_pid" --timeout "$timeout"
	--suites "${suite_list[*]}" --qemu-status-file "$work/qemu.status" --qemu-output "$work/qemu.out")
[[ -z $summary_file ]] || parser+=(--summary-file "$summary_file")
"${parser[@]}" "$log" &
parser_pid=$!

# Ctrl-C / TERM: stop QEMU; the parser then reports the missing '@@myepoll done'.
trap 'echo "vm-run: interrupted: stopping QEMU" >&2; kill "$qemu_pid" 2>/dev/null || true' INT TERM

# wait_for PID: wait until PID has really exited (not just a trap interrupting
# `wait`); its exit status goes to $status.
wait_for() {
	while :; do
		status=0
		wait "$1" || status=$?
		kill -0 "$1" 2>/dev/null || break
	done
}
wait_for "$qemu_pid"
echo "$status" >"$work/qemu.status"
qemu_pid=
wait_for "$parser_pid"
parser_status=$status
parser_pid=
# 0: no failure, 1: failures; anything else: the parser itself broke.
if [[ $parser_status != 0 && $parser_status != 1 ]]; then
	[[ -z $summary_file ]] || echo "0 1" >"$summary_file"
	echo "vm-run: the result parser failed (status $parser_status); console log: $log"
	echo "0 passed, 1 failed"
	exit 1
fi
exit "$parser_status"
