#!/usr/bin/env bash
# check.sh: the test run behind `make check`, once everything is built.
#
#  0. the host-side cases: the lint gate (scripts/lint.sh), then DKMS and
#     make install (scripts/dkms-test.sh, KDIR: the stock kernel's headers);
#  1. the suites on Debian's stock 6.1 kernel, with module/myepoll.ko and
#     the vgem module (and what it needs) for the hostile suite's dma-buf;
#  2. the debug kernel (scripts/build-debug-kernel.sh: built once, then
#     taken from ~/.cache/myepoll), the module and the KUnit module built
#     against it (make kunit-modules), and the suites again on it, KASAN,
#     lockdep and kmemleak watching;
#  3. one closing line, `N passed, M failed`, summing all of them.
#
# Environment: KERNEL (stock bzImage, required), STOCK_SUITES, DEBUG_SUITES,
# SKIP_DEBUG=1 to run the stock kernel only.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

: "${KERNEL:?KERNEL must name the stock kernel image}"
STOCK_SUITES=${STOCK_SUITES:-"smoke differential selftest tracecheck benchsmoke hostile realworld"}
DEBUG_SUITES=${DEBUG_SUITES:-"smoke kunit differential selftest races faults fuzz lifetime tracecheck hostile"}
# The debug kernel has neither DRM (vgem) nor io_uring: the hostile cases
# that need them are skipped there, each named in a note line.  hostile
# takes about 6 minutes there (100,000 ADDs under KASAN): the debug run's
# time limit is 3600 s (was 3000).
DEBUG_HOSTILE_SKIP=${DEBUG_HOSTILE_SKIP:-"dmabuf iouring"}
mkdir -p build
rm -f build/sum-stock build/sum-debug

# Runs vm-run.sh, renaming its closing count line so that only ours closes.
run_vm() {
	local label=$1
	shift
	bash scripts/vm-run.sh "$@" 2>&1 |
		sed -u -E "s/^([0-9]+ passed, [0-9]+ failed)$/$label: \1/"
}

echo "== lint"
bash scripts/lint.sh --summary-file build/sum-lint
echo "== DKMS and make install"
bash scripts/dkms-test.sh --summary-file build/sum-dkms
sums=(build/sum-lint build/sum-dkms)

echo "== stock kernel: $KERNEL"
run_vm "stock kernel" --kernel "$KERNEL" --suites "$STOCK_SUITES" --kmod vgem \
	--timeout 1500 --summary-file build/sum-stock
sums+=(build/sum-stock)

if [[ ${SKIP_DEBUG:-0} != 1 ]]; then
	echo "== debug kernel (built on first use, ~10-20 min on 2 cores)"
	if bzimage=$(bash scripts/build-debug-kernel.sh | tail -n 1) &&
		[[ -f $bzimage ]]; then
		# shellcheck disable=SC1091  # written by build-debug-kernel.sh
		source "$(dirname "$bzimage")/env"
		# shellcheck disable=SC2153  # BZIMAGE and APPEND come from that file
		if make -s --no-print-directory kunit-modules; then
			run_vm "debug kernel" --kernel "$BZIMAGE" --append "$APPEND" \
				--module build/debug-modules/module/myepoll.ko \
				--kmod-file build/debug-modules/module/tests/myepoll_kunit.ko \
				--suites "$DEBUG_SUITES" --mem 3072 --timeout 3600 \
				--env "HOSTILE_SKIP=$DEBUG_HOSTILE_SKIP" \
				--summary-file build/sum-debug
		else
			echo "check: building the modules for the debug kernel failed"
			echo "0 1" >build/sum-debug
		fi
	else
		echo "check: the debug kernel could not be built"
		echo "0 1" >build/sum-debug
	fi
	sums+=(build/sum-debug)
fi

python3 scripts/parse-console.py --sum "${sums[@]}"
