#!/bin/sh
# smoke suite (runs in the VM): the module is loaded and its device node is
# there with mode 0666, and libmyepoll's C test passes (libmyepoll_test,
# tools/libmyepoll/test/selfcontained.c).  Prints @@myepoll case lines
# (docs/testing.md).
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
if ! command -v libmyepoll_test >/dev/null; then
	fail libmyepoll-c "libmyepoll_test is not in the initramfs"
elif out=$(libmyepoll_test 2>&1); then
	pass libmyepoll-c
else
	echo "$out" | grep -v '^ok ' | sed "s/^/$S: /"
	fail libmyepoll-c "libmyepoll_test failed"
fi
exit $rc
