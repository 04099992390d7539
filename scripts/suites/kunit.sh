#!/bin/sh
# kunit suite (runs in the VM; debug kernel with CONFIG_KUNIT_DEBUGFS): loads
# the KUnit test module of myepoll (module/tests/, carried by
# `vm-run.sh --kmod-file` to /lib/modules-test/myepoll_kunit.ko; myepoll.ko is
# already loaded), whose suites run during the insmod, then reads every
# /sys/kernel/debug/kunit/myepoll_*/results (KTAP; a module's suites print no
# top-level KTAP header on the console) and reports each case as
#   @@myepoll case kunit pass|fail <suite>.<case>
# A failed case's diagnostics (its EXPECTATION FAILED lines) come before its
# fail line.  A skipped case counts as failed (nothing here should skip); a
# suite with fewer results than its plan fails as <suite>.plan.
#
# KUnit 6.1 keeps 512 bytes of log per case for debugfs: a case with long
# diagnostics loses its own result line and glues the next case's onto its
# last line.  When a suite's results file does not hold its whole plan, the
# same KTAP lines are taken from the kernel log instead (dmesg), if complete
# there.  Finally unloads the test module, so that init's `rmmod myepoll`
# can work.
S=kunit
KO=${MYEPOLL_KUNIT_KO:-/lib/modules-test/myepoll_kunit.ko}
MOD=myepoll_kunit
DBG=/sys/kernel/debug/kunit
TMP=/tmp/kunit.$$
rc=0
fail() {
	echo "$S: $1: $2"
	echo "@@myepoll case $S fail $1"
	rc=1
}

if [ ! -f "$KO" ]; then
	fail load "$KO missing (vm-run.sh --kmod-file <myepoll_kunit.ko>)"
	exit 1
fi
grep -qs ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug

t0=$(cut -d' ' -f1 /proc/uptime)
insmod "$KO"
irc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "$S: insmod $KO: rc=$irc, the suites ran for $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
if [ $irc != 0 ]; then
	fail load "insmod $KO failed (rc=$irc)"
	exit 1
fi
if [ ! -d $DBG ]; then
	fail results "no $DBG (CONFIG_KUNIT_DEBUGFS=n?)"
	rmmod $MOD
	exit 1
fi
mkdir -p $TMP
dmesg >$TMP/dmesg 2>/dev/null

# plan_complete FILE: true if FILE holds as many case results as its plan says.
plan_complete() {
	awk '/^    (not )?ok [0-9]+ /{ c++ } /^    1\.\.[0-9]+$/{ p = substr($0, 8) + 0 }
		END { exit !(c > 0 && c == p) }' "$1"
}

# from_kmsg SUITE: that suite's KTAP lines from the kernel log.
from_kmsg() {
	sed -e 's/^\[ *[0-9]*\.[0-9]*\] //' $TMP/dmesg | awk -v s="$1" '
		$0 == "    # Subtest: " s { on = 1; print "    KTAP version 1" }
		on { print }
		on && $0 ~ "^(not )?ok [0-9]+ " s "$" { exit }'
}

# parse SUITE FILE: the @@myepoll case lines; exit status 1 on any failure.
parse() {
	awk -v suite="$1" -v S="$S" '
	function show_diag(   i) {
		for (i = 1; i <= nd; i++)
			print S ": " suite ": " diag[i]
	}
	# A case of the suite: "    ok N name" / "    not ok N name [# SKIP why]".
	/^    (not )?ok [0-9]+ / {
		line = substr($0, 5)
		st = "pass"
		if (line ~ /^not ok /) {
			st = "fail"
			line = substr(line, 8)
		} else {
			line = substr(line, 4)
		}
		sub(/^[0-9]+ /, "", line)
		name = line
		directive = ""
		if ((p = index(name, " # ")) > 0) {
			directive = substr(name, p + 3)
			name = substr(name, 1, p - 1)
		}
		if (directive ~ /^SKIP/) {
			st = "fail"
			diag[++nd] = "case skipped: " directive
		}
		if (st == "fail") {
			show_diag()
			failed++
		}
		print "@@myepoll case " S " " st " " suite "." name
		cases++
		nd = 0
		next
	}
	/^    1\.\.[0-9]+$/ { plan = substr($0, 8) + 0; next }
	/^(not )?ok [0-9]+ / { suite_status = $0; next }
	/^ *KTAP version|^    # Subtest:|^1\.\.[0-9]+$|^ *$/ { next }
	# Diagnostics: "    # case: EXPECTATION FAILED at ...", "    Expected ...",
	# and the unindented text of a _MSG assertion.
	{ line = $0; sub(/^    /, "", line); diag[++nd] = line }
	END {
		if (cases == 0 || cases != plan) {
			print S ": " suite ": " cases " case results for a plan of " plan + 0
			show_diag()
			print "@@myepoll case " S " fail " suite ".plan"
			failed++
		} else if (suite_status ~ /^not ok/ && !failed) {
			show_diag()
			print "@@myepoll case " S " fail " suite ".suite"
			failed++
		}
		exit failed ? 1 : 0
	}' "$2"
}

found=0
for r in "$DBG"/myepoll_*/results; do
	[ -f "$r" ] || continue
	found=$((found + 1))
	suite=${r%/results}
	suite=${suite##*/}
	src=$r
	if ! plan_complete "$r"; then
		from_kmsg "$suite" >"$TMP/$suite"
		if plan_complete "$TMP/$suite"; then
			echo "$S: $suite: $r is incomplete (a case's log overflowed): results from the kernel log"
			src=$TMP/$suite
		fi
	fi
	if ! parse "$suite" "$src"; then
		rc=1
		if [ "$src" != "$r" ] || ! plan_complete "$r"; then
			echo "$S: raw $r:"
			sed 's/^/  | /' "$r"
		fi
	fi
done
if [ $found = 0 ]; then
	fail results "no $DBG/myepoll_*/results after loading $KO"
fi
rm -rf $TMP

if ! rmmod $MOD; then
	fail unload "rmmod $MOD failed"
fi
exit $rc
