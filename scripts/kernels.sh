#!/usr/bin/env bash
# kernels.sh: the Debian 12 kernels myepoll is built and tested on, each
# named by its exact release.
#
#   scripts/kernels.sh release NAME   the release of kernel NAME
#   scripts/kernels.sh names          the names make check runs by default
#
# NAME is one of
#
#   6.1    the stock kernel: linux-image-amd64, linux-headers-amd64
#   6.12   linux-image-6.12-amd64, linux-headers-6.12-amd64 (bookworm-security)
#   rt     the PREEMPT_RT 6.1: linux-image-rt-amd64, linux-headers-rt-amd64
#   debug  the debug kernel (scripts/build-debug-kernel.sh); `release` does
#          not know it: its env file gives it (KVER)
#
# The release is read from what the installed meta-packages depend on
# (dpkg), never from a glob over /usr/src or /boot: a security update moves
# the versions, and linux-headers-6.1.*-amd64 also matches the RT headers.
# It fails (status 1, a message on stderr) when the image and the headers
# disagree, or when /boot/vmlinuz-<release> or its headers are missing.
set -euo pipefail

# meta_dep PACKAGE PREFIX: the release of the PREFIX<release> package that
# the installed meta-package PACKAGE depends on.
meta_dep() {
	local deps dep
	deps=$(dpkg-query -W -f='${Depends}' "$1" 2>/dev/null) || {
		echo "kernels: $1 is not installed (scripts/install-deps.sh)" >&2
		return 1
	}
	for dep in ${deps//,/ }; do
		if [[ $dep == "$2"* ]]; then
			echo "${dep#"$2"}"
			return 0
		fi
	done
	echo "kernels: $1 depends on no $2* package ($deps)" >&2
	return 1
}

release() {
	local suffix image headers
	case $1 in
	6.1) suffix=amd64 ;;
	6.12) suffix=6.12-amd64 ;;
	rt) suffix=rt-amd64 ;;
	debug)
		echo "kernels: the debug kernel's release is KVER in its env file (build-debug-kernel.sh)" >&2
		return 1
		;;
	*)
		echo "kernels: unknown kernel '$1' (6.1, 6.12, rt, debug)" >&2
		return 1
		;;
	esac
	image=$(meta_dep "linux-image-$suffix" linux-image-) || return 1
	headers=$(meta_dep "linux-headers-$suffix" linux-headers-) || return 1
	if [[ $image != "$headers" ]]; then
		echo "kernels: linux-image-$suffix is $image but linux-headers-$suffix is $headers" >&2
		return 1
	fi
	[[ -f /boot/vmlinuz-$image ]] || { echo "kernels: /boot/vmlinuz-$image missing" >&2; return 1; }
	[[ -d /usr/src/linux-headers-$image ]] ||
		{ echo "kernels: /usr/src/linux-headers-$image missing" >&2; return 1; }
	echo "$image"
}

case ${1:-} in
release) release "${2:?usage: kernels.sh release NAME}" ;;
names) echo "6.1 6.12 rt debug" ;;
*)
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	[[ ${1:-} == -h || ${1:-} == --help ]]
	;;
esac
