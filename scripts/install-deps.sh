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
# Usage: scripts/install-deps.sh [--list]     (--list: print the packages, exit)
set -euo pipefail

PACKAGES=(
	# stock kernel, its headers, and the source for the debug kernel
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# the other kernels make check runs (scripts/kernels.sh): Debian 12's
	# 6.12 (bookworm-security) and its PREEMPT_RT 6.1
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-image-rt-amd64 linux-headers-rt-amd64
	# kernel/module build
	make gcc g++ binutils bc bison flex libelf-dev libssl-dev kmod dwarves
	cpio xz-utils gzip perl rsync python3 pkg-config zlib1g-dev
	# test VM
	qemu-system-x86 busybox-static file
	# user-space tests and tools (static linking: the .a files come with -dev)
	libgtest-dev libgmock-dev libbpf-dev bpftool clang llvm clang-format
	# the tracer (tools/trace) links libbpf statically: libelf.a needs zstd
	libzstd-dev
)

if [[ ${1:-} == --list ]]; then
	printf '%s\n' "${PACKAGES[@]}"
	exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
	# db:Status-Abbrev is "ii " for a fully installed package.
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $status == "ii "* ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#PACKAGES[@]} packages are installed"
	exit 0
fi

echo "install-deps: installing ${missing[*]}"

sudo=()
if ((EUID != 0)); then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		echo "install-deps: missing packages and not root (no password-less sudo): ${missing[*]}" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
# Wait for a concurrent apt/dpkg instead of failing on its lock.
apt_opts=(-q -o DPkg::Lock::Timeout=600)
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update </dev/null
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
	--no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}" </dev/null
echo "install-deps: done"
