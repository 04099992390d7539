#!/bin/sh
# benchsmoke suite (runs in the VM): a short /bin/bench run that checks, not
# measures: every API reports events, myepoll's event counts equal native
# epoll's, the ctl and memory paths produce numbers, the close cost timed
# every close, all its ADDs succeeded and myepoll could be unloaded and
# loaded again (/myepoll.ko, what init loaded).  No timing assertion.
if [ ! -x /bin/bench ]; then
	echo "benchsmoke: /bin/bench is missing from the initramfs"
	echo "@@myepoll case benchsmoke fail bench-present"
	exit 127
fi
exec /bin/bench --smoke --suite benchsmoke --timing "${BENCH_TIMING:-tcg}" --module-file /myepoll.ko
