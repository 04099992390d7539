#!/usr/bin/env bash
# check.sh: the test run behind `make check`, once everything is built.
#
# First the host-side lint gate (scripts/lint.sh), then one part per kernel,
# in this order (each named by its exact release, scripts/kernels.sh):
#
#  6.1    Debian's stock 6.1 (KERNEL), with module/myepoll.ko: DKMS and make
#         install (scripts/dkms-test.sh, KDIR: its headers), then SUITES_6_1;
#  6.12   Debian's 6.12 (linux-image-6.12-amd64), with a module built for it
#         (make kernel-module KNAME=6.12, build/kernels/<release>/): SUITES_6_12;
#  rt     Debian's PREEMPT_RT 6.1 (linux-image-rt-amd64), likewise: SUITES_RT;
#  debug  the debug kernel (scripts/build-debug-kernel.sh: built once, in the
#         background while the other parts run, then taken from
#         ~/.cache/myepoll), the module and the KUnit module built against it
#         (make kunit-modules): DEBUG_SUITES, KASAN, lockdep and kmemleak
#         watching.
#
# The Debian kernels boot with the vgem module (and what it needs) for the
# hostile suite's dma-buf; the debug kernel has neither DRM nor io_uring, and
# the hostile cases that need them are skipped there, each named in a note.
# hostile takes about 6 minutes there (100,000 ADDs under KASAN): the debug
# run's time limit is 3600 s.
#
# Each part ends with its time and one line `<release>: N passed, M failed`;
# the last line, `N passed, M failed`, sums every part.  A module that does
# not build for a kernel, or builds with a warning, and a suite the tree does
# not have (scripts/suites/<name>.sh) count one failure each, in the part of
# that kernel: nothing is skipped in silence.
#
# The selftest runs natively and under the shim on the stock 6.1 only; on
# 6.12, RT and the debug kernel under the shim only (SELFTEST_MODES_*), to
# keep a cold run near 75 minutes on 2 cores: the native run is the slower
# half there (measured: 6.12 97 s, RT 212 s; debug 245 s plus 750 s of
# retries of epoll59, which exceeds its 120 s limit natively under KASAN),
# it runs no line of the module, and the differential suite compares native
# and myepoll on every kernel anyway.  "native myepoll" brings it back.
#
# Environment: KERNEL (the stock bzImage, required), KDIR (its headers, for
# dkms-test.sh), KERNELS (the parts to run, default "6.1 6.12 rt debug";
# KERNELS="6.1" for a quick run), SUITES_6_1 (or STOCK_SUITES), SUITES_6_12,
# SUITES_RT, DEBUG_SUITES, DEBUG_HOSTILE_SKIP, SELFTEST_MODES_6_12,
# SELFTEST_MODES_RT, SELFTEST_MODES_DEBUG (default "myepoll"); SKIP_DEBUG=1
# leaves the debug kernel out, SKIP_LINT=1 the lint gate.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

: "${KERNEL:?KERNEL must name the stock kernel image}"
KERNELS=${KERNELS:-$(bash scripts/kernels.sh names)}
SUITES_6_1=${SUITES_6_1:-${STOCK_SUITES:-"smoke differential ring selftest tracecheck benchsmoke hostile realworld"}}
SUITES_6_12=${SUITES_6_12:-"smoke differential ring selftest tracecheck hostile"}
SUITES_RT=${SUITES_RT:-"smoke differential ring selftest tracecheck hostile"}
DEBUG_SUITES=${DEBUG_SUITES:-"smoke kunit differential ring selftest races faults fuzz lifetime tracecheck hostile"}
DEBUG_HOSTILE_SKIP=${DEBUG_HOSTILE_SKIP:-"dmabuf iouring"}
SELFTEST_MODES_6_12=${SELFTEST_MODES_6_12:-myepoll}
SELFTEST_MODES_RT=${SELFTEST_MODES_RT:-myepoll}
SELFTEST_MODES_DEBUG=${SELFTEST_MODES_DEBUG:-myepoll}
[[ ${SKIP_DEBUG:-0} != 1 ]] || KERNELS=${KERNELS//debug/}
mkdir -p build
rm -f build/sum-*
sums=()

# Runs vm-run.sh, renaming its closing count line: the part's own line and
# the total close the run.
run_vm() {
	bash scripts/vm-run.sh "$@" 2>&1 |
		sed -u -E "s/^([0-9]+ passed, [0-9]+ failed)$/vm-run: \1/"
}

# begin NAME LABEL: a part starts.  add_sum FILE: a "passed failed" file
# counts in it (a missing one is one failure).  end: the part ends with its
# time and count line, and its sum file joins the total.
begin() {
	name=$1
	label=$2
	part_passed=0
	part_failed=0
	part_start=$SECONDS
	echo "== $label ($name)"
}
add_sum() {
	local p f
	read -r p f <"$1" 2>/dev/null || { p=0 f=1; }
	part_passed=$((part_passed + p))
	part_failed=$((part_failed + f))
}
end() {
	echo "$part_passed $part_failed" >"build/sum-$name"
	sums+=("build/sum-$name")
	echo "check: $label: $((SECONDS - part_start)) s"
	echo "$label: $part_passed passed, $part_failed failed"
}

# present SUITES: the suites of the list that the tree has, in $suites_here;
# each missing one is reported and counts one failure.
present() {
	local s
	suites_here=
	for s in $1; do
		if [[ -f scripts/suites/$s.sh ]]; then
			suites_here+="${suites_here:+ }$s"
		else
			echo "check: $label: no suite '$s' (scripts/suites/$s.sh): one failure"
			part_failed=$((part_failed + 1))
		fi
	done
}

# run_suites SUITES ARGS...: the suites present in the tree, in one VM.
run_suites() {
	present "$1"
	shift
	[[ -n $suites_here ]] || return 0
	rm -f "build/sum-$name-vm"
	run_vm --suites "$suites_here" --summary-file "build/sum-$name-vm" "$@"
	add_sum "build/sum-$name-vm"
}

# build_module NAME: make kernel-module for kernel NAME; a failure or a
# compiler warning counts one failure.  Status 1 when there is no module.
build_module() {
	local log=build/kernels/$1-build.log
	mkdir -p build/kernels
	if ! make -s --no-print-directory kernel-module KNAME="$1" >"$log" 2>&1; then
		cat "$log"
		echo "check: $label: building the module failed"
		part_failed=$((part_failed + 1))
		return 1
	fi
	if grep -q 'warning:' "$log"; then
		grep 'warning:' "$log"
		echo "check: $label: the module builds with warnings (W=1): one failure"
		part_failed=$((part_failed + 1))
	fi
}

debug_build=
trap '[[ -z $debug_build ]] || kill "$debug_build" 2>/dev/null' EXIT

# A cold debug kernel takes most of an hour on 2 cores: it builds in the
# background (build-debug-kernel.sh runs make at nice 10) while the other
# kernels' VMs run, whose tests spend much of their time waiting.  With a
# warm cache this returns at once.
if [[ " $KERNELS " == *" debug "* ]]; then
	bash scripts/build-debug-kernel.sh >build/debug-kernel-build.out 2>&1 &
	debug_build=$!
	echo "check: the debug kernel builds in the background if it is not cached (build/debug-kernel-build.out)"
fi

if [[ ${SKIP_LINT:-0} != 1 ]]; then
	begin lint lint
	bash scripts/lint.sh --summary-file build/sum-lint-run
	add_sum build/sum-lint-run
	end
fi

for name in $KERNELS; do
	case $name in
	6.1)
		rel=$(basename "$KERNEL")
		begin 6.1 "${rel#vmlinuz-}"
		echo "-- DKMS and make install"
		bash scripts/dkms-test.sh --summary-file build/sum-6.1-dkms
		add_sum build/sum-6.1-dkms
		run_suites "$SUITES_6_1" --kernel "$KERNEL" --kmod vgem --timeout 1500
		end
		;;
	6.12 | rt)
		if ! rel=$(bash scripts/kernels.sh release "$name"); then
			begin "$name" "$name"
			part_failed=1
			end
			continue
		fi
		begin "$name" "$rel"
		if build_module "$name"; then
			suites=$SUITES_6_12
			modes=$SELFTEST_MODES_6_12
			if [[ $name == rt ]]; then
				suites=$SUITES_RT
				modes=$SELFTEST_MODES_RT
			fi
			run_suites "$suites" --kernel "/boot/vmlinuz-$rel" --kmod vgem \
				--module "build/kernels/$rel/module/myepoll.ko" --timeout 1500 \
				--env "SELFTEST_MODES=$modes"
		fi
		end
		;;
	debug)
		begin debug "debug kernel"
		echo "check: waiting for the debug kernel's build"
		wait "$debug_build"
		status=$?
		debug_build=
		((status == 0)) || tail -n 20 build/debug-kernel-build.out
		if ((status == 0)) && bzimage=$(tail -n 1 build/debug-kernel-build.out) &&
			[[ -f $bzimage ]]; then
			# shellcheck disable=SC1091  # written by build-debug-kernel.sh
			source "$(dirname "$bzimage")/env"
			label=$KVER
			# shellcheck disable=SC2153  # BZIMAGE and APPEND: from the env file
			if make -s --no-print-directory kunit-modules; then
				run_suites "$DEBUG_SUITES" --kernel "$BZIMAGE" --append "$APPEND" \
					--module build/debug-modules/module/myepoll.ko \
					--kmod-file build/debug-modules/module/tests/myepoll_kunit.ko \
					--mem 3072 --timeout 3600 --env "HOSTILE_SKIP=$DEBUG_HOSTILE_SKIP" \
					--env "SELFTEST_MODES=$SELFTEST_MODES_DEBUG"
			else
				echo "check: building the modules for the debug kernel failed"
				part_failed=$((part_failed + 1))
			fi
		else
			echo "check: the debug kernel could not be built"
			part_failed=$((part_failed + 1))
		fi
		end
		;;
	*)
		begin "$name" "$name"
		echo "check: unknown kernel '$name' in KERNELS (6.1, 6.12, rt, debug): one failure"
		part_failed=1
		end
		;;
	esac
done

((${#sums[@]})) || { echo "check: KERNELS names no kernel"; echo "0 1" >build/sum-none; sums=(build/sum-none); }
python3 scripts/parse-console.py --sum "${sums[@]}"
