#!/bin/sh
# shellcheck shell=dash
# vm-init.sh: /init of the myepoll test VM (copied by scripts/build-initramfs.sh).
# Mounts proc/sys/devtmpfs/debugfs/tmpfs, brings up lo, raises ulimit -n,
# loads the extra modules and myepoll.ko, runs the suites named by
# myepoll.suites=a,b on the kernel command line, unloads the module, reads
# kmemleak if present, prints the @@myepoll protocol lines (docs/testing.md)
# and makes QEMU exit (isa-debug-exit at port 0xf4 through /dev/port).
# Runs as PID 1 under busybox sh: it never exits.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root

mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

status=0        # becomes 1 on any problem init itself sees (sent to QEMU's exit code)

# exit_vm CODE: make QEMU exit; isa-debug-exit makes its status (CODE<<1)|1.
exit_vm() {
	# Wait until the serial port has sent everything (stty sets with TCSADRAIN).
	stty onlcr 2>/dev/null
	if [ -c /dev/port ]; then
		# shellcheck disable=SC2059
		printf "\\$(printf %03o "$1")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
		sleep 1
		echo "@@myepoll note the write to isa-debug-exit (port 0xf4) did not stop QEMU"
	else
		echo "@@myepoll note /dev/port missing (CONFIG_DEVPORT=n): powering off instead"
	fi
	# Without ACPI `poweroff -f` only halts; a reboot ends QEMU under -no-reboot.
	if [ -d /sys/firmware/acpi ]; then poweroff -f; else reboot -f; fi
	while :; do sleep 60; done
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
for fs in debugfs:/sys/kernel/debug tracefs:/sys/kernel/tracing bpf:/sys/fs/bpf; do
	grep -qw "${fs%%:*}" /proc/filesystems && mount -t "${fs%%:*}" "${fs%%:*}" "${fs#*:}" 2>/dev/null
done

echo "@@myepoll init $(uname -r) nproc=$(nproc)"

hostname myepoll-vm
ip link set lo up || { echo "@@myepoll note ip link set lo up failed"; status=1; }

# Many fds per process: raise the system ceiling first, then the limit.
[ "$(cat /proc/sys/fs/nr_open)" -lt 1048576 ] && sysctl -q -w fs.nr_open=1048576
sysctl -q -w fs.file-max=4194304
ulimit -n 1048576 || echo "@@myepoll note ulimit -n 1048576 failed (now $(ulimit -n))"

# shellcheck disable=SC1091
[ -f /etc/myepoll/env ] && . /etc/myepoll/env

cmdline_value() { # cmdline_value NAME: value of NAME= on the kernel command line
	# shellcheck disable=SC2013  # words, not lines
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return ;; esac
	done
}

# kmemleak (debug kernels): forget what was allocated during boot.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w $KMEMLEAK ]; then
	echo scan >$KMEMLEAK
	echo clear >$KMEMLEAK
fi

# leftovers: set $left to the names of processes a suite left behind
# (orphans, now children of init).  Builtins only: no process of its own.
leftovers() {
	left=
	for d in /proc/[0-9]*; do
		[ "$d" = /proc/1 ] && continue
		read -r st <"$d/stat" 2>/dev/null || continue
		comm=${st#*(}
		comm=${comm%)*}
		# shellcheck disable=SC2086  # split the fields after "(comm) "
		set -- ${st##*) }
		[ "$2" = 1 ] && left="$left $comm(${d#/proc/})"
	done
}

module_ok=1
insmod_failed=0
if [ -e /etc/myepoll/no-module ]; then
	echo "@@myepoll note no module loaded (--no-module)"
	module_ok=0
else
	for k in /lib/modules-extra/*.ko; do
		[ -f "$k" ] || continue
		insmod "$k"; rc=$?
		if [ $rc != 0 ]; then
			echo "@@myepoll insmod-failed $k rc=$rc"
			status=1
		fi
	done
	insmod /myepoll.ko; rc=$?
	if [ $rc != 0 ]; then
		echo "@@myepoll insmod-failed /myepoll.ko rc=$rc"
		echo "@@myepoll note insmod of myepoll.ko FAILED: no suite runs"
		status=1
		module_ok=0
		insmod_failed=1
	fi
fi

if [ $insmod_failed = 0 ]; then
	for s in $(cmdline_value myepoll.suites | tr , ' '); do
		echo "@@myepoll suite-begin $s"
		if [ -f "/suites/$s.sh" ]; then
			(cd /tmp && MYEPOLL_SUITE=$s exec sh "/suites/$s.sh" </dev/null)
			rc=$?
		else
			echo "@@myepoll note no suite /suites/$s.sh"
			rc=127
		fi
		echo "@@myepoll suite-end $s rc=$rc"
		[ $rc = 0 ] || status=1
		# Suites must not leak processes into the next suite or past rmmod.
		leftovers
		if [ -n "$left" ]; then
			echo "@@myepoll note suite $s left processes behind, killing them:$left"
			kill -9 -1 2>/dev/null
			sleep 1
		fi
	done
fi

# The module must unload cleanly once every suite's processes are gone.
if [ $module_ok = 1 ] && [ "$(cmdline_value myepoll.rmmod)" != 0 ]; then
	rmmod myepoll; rc=$?
	if [ $rc != 0 ]; then
		echo "@@myepoll rmmod-failed myepoll rc=$rc"
		status=1
	fi
fi

# kmemleak: report what leaked (objects must be ~5 s old to be reported).
if [ -w $KMEMLEAK ]; then
	echo scan >$KMEMLEAK
	sleep 5
	echo scan >$KMEMLEAK
	cat $KMEMLEAK
fi

echo "@@myepoll done"
exit_vm $status
