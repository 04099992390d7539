#!/usr/bin/env bash
# kernel-vmlinux.sh: print the path of the uncompressed vmlinux of a bzImage,
# extracting it on first use (scripts/extract-vmlinux.py, which also checks
# the PVH entry) into build/kernel-cache/.  vm-run.sh boots it; its .BTF
# section is the base for the module's BTF (pahole --btf_base) and for
# vmlinux.h (bpftool btf dump), since Debian's headers ship no vmlinux.
# A failed extraction is remembered (<cache>.no-pvh) and not tried again.
#
#   scripts/kernel-vmlinux.sh [--boot] BZIMAGE
#
#   --boot   only for booting: do not require a .BTF section
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
need_btf=1
if [[ ${1:-} == --boot ]]; then
	need_btf=0
	shift
fi
kernel=${1:?usage: kernel-vmlinux.sh [--boot] BZIMAGE}
[[ -f $kernel ]] || { echo "kernel-vmlinux: $kernel not found" >&2; exit 1; }
# The cache key: path, size and modification time.
id=$(realpath "$kernel" | md5sum | cut -c1-8)-$(stat -c %s-%Y "$kernel")
out=$ROOT/build/kernel-cache/$(basename "$kernel")-$id.vmlinux
if [[ ! -f $out ]]; then
	[[ ! -f $out.no-pvh ]] ||
		{ echo "kernel-vmlinux: extracting the vmlinux of $kernel failed before" >&2; exit 1; }
	mkdir -p "$(dirname "$out")"
	# A temporary file of its own: make -j may run two of these at once.
	tmp=$out.tmp.$$
	python3 "$ROOT/scripts/extract-vmlinux.py" "$kernel" "$tmp" >&2 ||
		{ rm -f "$tmp"; : >"$out.no-pvh"; echo "kernel-vmlinux: cannot extract the vmlinux of $kernel" >&2; exit 1; }
	mv "$tmp" "$out"
fi
((!need_btf)) || [[ $(readelf -S "$out") == *" .BTF "* ]] ||
	{ echo "kernel-vmlinux: $out has no .BTF section (CONFIG_DEBUG_INFO_BTF=n?)" >&2; exit 1; }
echo "$out"
