#!/bin/sh
# profile suite (runs in the VM, under scripts/profile.sh): the bench's
# scaling rounds at one N and K, each wait a profile window of its API
# (tools/bench/profile_mark.hpp), then the kernel's text symbols, module
# ones included, for scripts/profile-report.py.
# Environment (vm-run --env): PROFILE_N, PROFILE_K, PROFILE_ROUNDS.
if [ ! -x /bin/bench ]; then
	echo "profile: /bin/bench is missing from the initramfs"
	exit 127
fi
sysctl -q -w net.ipv4.ip_local_port_range="1024 65535"
sysctl -q -w net.core.somaxconn=4096
rc=0
if bench --timing tcg --only scaling --sizes "${PROFILE_N:-100}" --actives "${PROFILE_K:-10}" \
	--rounds "${PROFILE_ROUNDS:-600}"; then
	echo "@@myepoll case profile pass rounds"
else
	echo "@@myepoll case profile fail rounds"
	rc=1
fi
echo "@@profile kallsyms begin"
grep ' [tTwW] ' /proc/kallsyms | gzip -c | base64
echo "@@profile kallsyms end"
exit $rc
