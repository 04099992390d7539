#!/bin/sh
# demo suite (runs in the VM): the Reactor demo /bin/demo on native epoll and
# on myepoll; it prints one @@myepoll case line per backend and the table.
# Extra arguments: DEMO_ARGS (vm-run --env), default "--connections 1000".
if [ ! -x /bin/demo ]; then
	echo "demo: /bin/demo is missing from the initramfs"
	exit 127
fi
# shellcheck disable=SC2086  # DEMO_ARGS is a word list
exec /bin/demo ${DEMO_ARGS:---connections 1000}
