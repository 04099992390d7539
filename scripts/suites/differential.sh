#!/bin/sh
# differential suite (runs in the VM): runs /bin/differential (GoogleTest,
# myepoll vs native epoll), which prints its own @@myepoll case lines, and
# exits with its status.  Extra arguments: DIFFERENTIAL_ARGS (vm-run --env),
# e.g. DIFFERENTIAL_ARGS=--gtest_filter=Ctl.*
if [ ! -x /bin/differential ]; then
	echo "differential: /bin/differential is missing from the initramfs"
	exit 127
fi
# shellcheck disable=SC2086  # DIFFERENTIAL_ARGS is a word list
exec /bin/differential ${DIFFERENTIAL_ARGS:-}
