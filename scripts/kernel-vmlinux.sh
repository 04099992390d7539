#!/usr/bin/env bash
# kernel-vmlinux.sh: print the path of the uncompressed vmlinux of a bzImage,
# extracting it on first use (scripts/extract-vmlinux.py) into the cache that
# vm-run.sh boots from (build/kernel-cache/, same name).  Its .BTF section is
# the base for the module's BTF (pahole --btf_base) and for vmlinux.h
# (bpftool btf dump), since Debian's headers ship no vmlinux.
#
#   scripts/kernel-vmlinux.sh BZIMAGE
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=${1:?usage: kernel-vmlinux.sh BZIMAGE}
[[ -f $kernel ]] || { echo "kernel-vmlinux: $kernel not found" >&2; exit 1; }
# The cache key of vm-run.sh: path, size and modification time.
id=$(realpath "$kernel" | md5sum | cut -c1-8)-$(stat -c %s-%Y "$kernel")
out=$ROOT/build/kernel-cache/$(basename "$kernel")-$id.vmlinux
if [[ ! -f $out ]]; then
	mkdir -p "$(dirname "$out")"
	# A temporary file of its own: make -j may run two of these at once.
	tmp=$out.tmp.$$
	python3 "$ROOT/scripts/extract-vmlinux.py" "$kernel" "$tmp" >&2 ||
		{ rm -f "$tmp"; echo "kernel-vmlinux: cannot extract the vmlinux of $kernel" >&2; exit 1; }
	mv "$tmp" "$out"
fi
[[ $(readelf -S "$out") == *" .BTF "* ]] ||
	{ echo "kernel-vmlinux: $out has no .BTF section (CONFIG_DEBUG_INFO_BTF=n?)" >&2; exit 1; }
echo "$out"
