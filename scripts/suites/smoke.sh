#!/bin/sh
# smoke suite (runs in the VM): the module is loaded and its device node is
# there with mode 0666.  Prints @@myepoll case lines (docs/testing.md).
S=smoke
rc=0
pass() { echo "@@myepoll case $S pass $1"; }
fail() {
	echo "$S: $1: $2"
	echo "@@myepoll case $S fail $1"
	rc=1
}

if grep -q '^myepoll ' /proc/modules; then pass module-loaded; else fail module-loaded "myepoll not in /proc/modules"; fi
if [ -c /dev/myepoll ]; then pass dev-node; else fail dev-node "/dev/myepoll is not a character device"; fi
mode=$(stat -c %a /dev/myepoll 2>/dev/null)
if [ "$mode" = 666 ]; then pass dev-mode; else fail dev-mode "/dev/myepoll mode is '$mode', expected 666"; fi
exit $rc
