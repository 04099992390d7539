#!/usr/bin/env bash
# install-deps.sh: install every Debian package the project needs to build the
# module and the user-space programs, build a debug kernel, and run the test VM.
#
# Idempotent: when every package is already installed (checked with
# dpkg-query) it prints one line and runs no apt-get at all; otherwise it runs
# `apt-get update` once and `apt-get install -y --no-install-recommends` for the
# missing packages only.  Non-interactive (CI has no stdin).  Needs root, or
# password-less sudo, only when something is missing.
#
# Two rounds: the PREEMPT_RT headers that scripts/dkms-test.sh builds for are
# those of the stock kernel's ABI (linux-headers-6.1.0-N-rt-amd64 beside the
# linux-headers-6.1.0-N-amd64 that linux-headers-amd64 depends on), known only
# once the first round has installed the stock headers.
#
# Usage: scripts/install-deps.sh [--list]     (--list: print the packages, exit)
set -euo pipefail

PACKAGES=(
	# stock kernel, its headers, and the source for the debug kernel
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# the other kernels make check runs (scripts/kernels.sh): Debian 12's
	# 6.12 (bookworm-security; its headers: below) and its PREEMPT_RT 6.1
	linux-image-6.12-amd64 linux-image-rt-amd64 linux-headers-rt-amd64
	# kernel/module build
	make gcc g++ binutils bc bison flex libelf-dev libssl-dev kmod dwarves
	cpio xz-utils gzip perl rsync python3 pkg-config zlib1g-dev
	# test VM
	qemu-system-x86 busybox-static file
	# user-space tests and tools (static linking: the .a files come with -dev)
	libgtest-dev libgmock-dev libbpf-dev bpftool clang llvm clang-format
	# the tracer (tools/trace) links libbpf statically: libelf.a needs zstd
	libzstd-dev
	# make lint (checkpatch.pl comes with linux-source-6.1)
	shellcheck
	# scripts/dkms-test.sh: DKMS, and Debian 12's 6.12 headers (bookworm-security)
	dkms linux-headers-6.12-amd64
)

# The PREEMPT_RT headers of the stock headers' ABI, once those are installed.
rt_headers() {
	local stock
	stock=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/^\(linux-headers-[^ ,]*\)-amd64.*/\1/p')
	[[ -z $stock ]] || echo "$stock-rt-amd64"
}

if [[ ${1:-} == --list ]]; then
	rt=$(rt_headers)
	printf '%s\n' "${PACKAGES[@]}" ${rt:+"$rt"}
	exit 0
fi

updated=0
# ensure PACKAGE...: install those of them that are not installed yet.
ensure() {
	local p status missing=() sudo=()
	for p in "$@"; do
		# db:Status-Abbrev is "ii " for a fully installed package.
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		[[ $status == "ii "* ]] || missing+=("$p")
	done
	((${#missing[@]})) || return 0

	echo "install-deps: installing ${missing[*]}"
	if ((EUID != 0)); then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			echo "install-deps: missing packages and not root (no password-less sudo): ${missing[*]}" >&2
			exit 1
		fi
	fi
	# Wait for a concurrent apt/dpkg instead of failing on its lock.
	local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
	if ((!updated)); then
		"${apt[@]}" update </dev/null
		updated=1
	fi
	"${apt[@]}" install -y --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${missing[@]}" </dev/null
}

ensure "${PACKAGES[@]}"
rt=$(rt_headers)
[[ -n $rt ]] || { echo "install-deps: linux-headers-amd64 depends on no linux-headers-*-amd64" >&2; exit 1; }
ensure "$rt"
if ((updated)); then
	echo "install-deps: done"
else
	echo "install-deps: all $((${#PACKAGES[@]} + 1)) packages are installed"
fi
