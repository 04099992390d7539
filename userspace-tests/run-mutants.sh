#!/usr/bin/env bash
# Runs build/differential against every mutant backend (native epoll with one
# deliberate defect, see mutant_backend.hpp) and prints which tests catch it.
# Every mutant must make some test fail (or make the run exceed its time
# limit, as the VM runner's timeout would); works on a host without the
# module.
#
#   userspace-tests/run-mutants.sh [build/differential]
set -uo pipefail
bin=${1:-build/differential}
status=0
for m in $(MYEPOLL_TEST_MUTANT=list "$bin"); do
	out=$(MYEPOLL_TEST_MUTANT=$m timeout 300 "$bin" --gtest_filter='*/MyEpoll:*/Differential' 2>&1)
	rc=$?
	fails=$(grep '^@@myepoll case differential fail' <<<"$out" | awk '{print $5}')
	count=$(grep -c . <<<"$fails")
	echo "== $m: $count failed"
	[ -n "$fails" ] && sed 's/^/   /' <<<"$fails"
	if [ "$rc" -eq 124 ]; then
		echo "   TIMED OUT after 300 s (caught: the suite does not finish)"
	elif [ "$count" -eq 0 ]; then
		echo "   NOT CAUGHT"
		status=1
	fi
done
exit $status
