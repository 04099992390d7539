#!/usr/bin/env bash
# check.sh: the test run behind `make check`, once everything is built.
#
# One part per kernel, in this order (each named by its exact release,
# scripts/kernels.sh):
#
#  6.1    Debian's stock 6.1 (KERNEL), with module/myepoll.ko: SUITES_6_1;
#  6.12   Debian's 6.12 (linux-image-6.12-amd64), with a module built for it
#         (make kernel-module KNAME=6.12, build/kernels/<release>/): SUITES_6_12;
#  rt     Debian's PREEMPT_RT 6.1 (linux-image-rt-amd64), likewise: SUITES_RT;
#  debug  the debug kernel (scripts/build-debug-kernel.sh: built once, in the
#         background while the other parts run, then taken from
#         ~/.cache/myepoll), the module and the KUnit module built
#         against it (make kunit-modules): DEBUG_SUITES, KASAN, lockdep and
#         kmemleak watching.
#
# Each part ends with its time and one line `<release>: N passed, M failed`;
# the last line, `N passed, M failed`, sums every part.  A module that does
# not build for a kernel, or builds with a warning, and a suite the tree does
# not have (scripts/suites/<name>.sh) count one failure each, in the part of
# that kernel: nothing is skipped in silence.
#
# Environment: KERNEL (the stock bzImage, required), KERNELS (the parts to
# run, default "6.1 6.12 rt debug"; KERNELS="6.1" for a quick run),
# SUITES_6_1 (or STOCK_SUITES), SUITES_6_12, SUITES_RT, DEBUG_SUITES;
# SKIP_DEBUG=1 leaves the debug kernel out.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

: "${KERNEL:?KERNEL must name the stock kernel image}"
KERNELS=${KERNELS:-$(bash scripts/kernels.sh names)}
SUITES_6_1=${SUITES_6_1:-${STOCK_SUITES:-"smoke differential selftest tracecheck benchsmoke"}}
SUITES_6_12=${SUITES_6_12:-"smoke differential selftest tracecheck hostile"}
SUITES_RT=${SUITES_RT:-"smoke differential selftest tracecheck hostile"}
DEBUG_SUITES=${DEBUG_SUITES:-"smoke kunit differential selftest races faults fuzz lifetime tracecheck"}
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

# present SUITES: the suites of the list that the tree has; each missing one
# is reported and counted in $extra_failed.
present() {
	local s out=()
	for s in $1; do
		if [[ -f scripts/suites/$s.sh ]]; then
			out+=("$s")
		else
			echo "check: $label: no suite '$s' (scripts/suites/$s.sh): one failure"
			extra_failed=$((extra_failed + 1))
		fi
	done
	echo "${out[*]}" >"$tmp_suites"
}

# begin NAME LABEL: a part starts.  end: it ends with its time and count.
begin() {
	name=$1
	label=$2
	extra_failed=0
	part_start=$SECONDS
	sum=build/sum-$name
	echo "0 0" >"$sum"
	echo "== $label ($name)"
}
end() {
	local p f
	read -r p f <"$sum" || { p=0 f=1; }
	f=$((f + extra_failed))
	echo "$p $f" >"$sum"
	sums+=("$sum")
	echo "check: $label: $((SECONDS - part_start)) s"
	echo "$label: $p passed, $f failed"
}

# build_module NAME: make kernel-module for kernel NAME; a failure or a
# compiler warning counts one failure.
build_module() {
	local log=build/kernels/$name-build.log
	mkdir -p build/kernels
	if ! make -s --no-print-directory kernel-module KNAME="$1" >"$log" 2>&1; then
		cat "$log"
		echo "check: $label: building the module failed"
		return 1
	fi
	if grep -q 'warning:' "$log"; then
		grep 'warning:' "$log"
		echo "check: $label: the module builds with warnings (W=1): one failure"
		extra_failed=$((extra_failed + 1))
	fi
}

# run_suites SUITES ARGS...: the suites present in the tree, in one VM.
run_suites() {
	local list=$1
	shift
	present "$list"
	list=$(cat "$tmp_suites")
	[[ -n $list ]] || return 0
	run_vm --suites "$list" --summary-file "$sum" "$@"
}

tmp_suites=$(mktemp)
debug_build=
trap 'rm -f "$tmp_suites"; [[ -z $debug_build ]] || kill "$debug_build" 2>/dev/null' EXIT

# A cold debug kernel takes most of an hour on 2 cores: it builds in the
# background (build-debug-kernel.sh runs make at nice 10) while the other
# kernels' VMs run, whose tests spend much of their time waiting.  With a
# warm cache this returns at once.
if [[ " $KERNELS " == *" debug "* ]]; then
	bash scripts/build-debug-kernel.sh >build/debug-kernel-build.out 2>&1 &
	debug_build=$!
	echo "check: the debug kernel builds in the background if it is not cached (build/debug-kernel-build.out)"
fi

for name in $KERNELS; do
	case $name in
	6.1)
		rel=$(basename "$KERNEL")
		begin 6.1 "${rel#vmlinuz-}"
		run_suites "$SUITES_6_1" --kernel "$KERNEL" --timeout 1500
		end
		;;
	6.12 | rt)
		if ! rel=$(bash scripts/kernels.sh release "$name"); then
			begin "$name" "$name"
			extra_failed=1
			end
			continue
		fi
		begin "$name" "$rel"
		if build_module "$name"; then
			suites=$SUITES_6_12
			[[ $name == rt ]] && suites=$SUITES_RT
			run_suites "$suites" --kernel "/boot/vmlinuz-$rel" \
				--module "build/kernels/$rel/module/myepoll.ko" --timeout 1500
		else
			extra_failed=$((extra_failed + 1))
		fi
		end
		;;
	debug)
		begin debug "debug kernel"
		echo "check: waiting for the debug kernel's build"
		wait "$debug_build"
		status=$?
		debug_build=
		if ((status)); then
			tail -n 20 build/debug-kernel-build.out
		fi
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
					--mem 3072 --timeout 3000
			else
				echo "check: building the modules for the debug kernel failed"
				extra_failed=$((extra_failed + 1))
			fi
		else
			echo "check: the debug kernel could not be built"
			extra_failed=$((extra_failed + 1))
		fi
		end
		;;
	*)
		begin "$name" "$name"
		echo "check: unknown kernel '$name' in KERNELS (6.1, 6.12, rt, debug): one failure"
		extra_failed=1
		end
		;;
	esac
done

((${#sums[@]})) || { echo "check: KERNELS names no kernel"; echo "0 1" >build/sum-none; sums=(build/sum-none); }
python3 scripts/parse-console.py --sum "${sums[@]}"
