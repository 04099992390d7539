#!/usr/bin/env bash
# module-btf.sh: give a module built against a kernel's headers its BTF, when
# that kernel's own BTF is at hand; otherwise say so in one line and leave it.
#
#   scripts/module-btf.sh KDIR MODULE.ko
#
# Kbuild runs `pahole -J --btf_base vmlinux` on each .ko only when KDIR has a
# vmlinux (scripts/Makefile.modfinal, CONFIG_DEBUG_INFO_BTF_MODULES): Debian's
# 6.12 headers ship one (BTF only), its 6.1 headers do not, and Kbuild prints
# "Skipping BTF generation".  This does the same step with the BTF of the
# kernel the module was built for (its vermagic), from
#   - /sys/kernel/btf/vmlinux, when KDIR is the running kernel's build
#     directory (/lib/modules/$(uname -r)/build), else
#   - the vmlinux in /boot/vmlinuz-RELEASE (scripts/kernel-vmlinux.sh), the
#     image the test VM boots for Debian's kernels.
# Split BTF on another kernel's base would load, and fentry on the module
# would then fail, so no other BTF is taken.  pahole's flags are KDIR's
# (scripts/pahole-flags.sh up to 6.7, scripts/Makefile.btf after).
# resolve_btfids is not needed: the module declares no BTF ids.  Nothing to do
# when the .ko has a .BTF section (Kbuild relinks the .ko, dropping it,
# whenever an object changed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kdir=${1:?usage: module-btf.sh KDIR MODULE.ko}
ko=${2:?usage: module-btf.sh KDIR MODULE.ko}

has_btf() { [[ $(readelf -S "$1") == *" .BTF "* ]]; }
skip() {
	echo "  BTF [M] $ko skipped: $*"
	exit 0
}

[[ -f $ko ]] || { echo "module-btf: $ko not found" >&2; exit 1; }
has_btf "$ko" && exit 0
grep -qx 'CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/include/config/auto.conf" 2>/dev/null ||
	skip "$kdir has no CONFIG_DEBUG_INFO_BTF_MODULES"
command -v pahole >/dev/null || skip "no pahole (dwarves)"
release=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
running=$(uname -r)
if [[ $(realpath -q "$kdir") == "$(realpath -q "/lib/modules/$running/build")" &&
	-r /sys/kernel/btf/vmlinux ]]; then
	base=/sys/kernel/btf/vmlinux
elif [[ -f /boot/vmlinuz-$release ]]; then
	base=$(bash "$ROOT/scripts/kernel-vmlinux.sh" "/boot/vmlinuz-$release") ||
		skip "no BTF in /boot/vmlinuz-$release"
else
	skip "no BTF of $release here (no /boot/vmlinuz-$release; /sys/kernel/btf is $running's)"
fi

if [[ -x $kdir/scripts/pahole-flags.sh ]]; then
	flags=$(PAHOLE=pahole "$kdir/scripts/pahole-flags.sh")
else
	flags=$(make -s --no-print-directory -f - <<EOF
include $kdir/include/config/auto.conf
include $kdir/scripts/Kbuild.include
KBUILD_EXTMOD := $(dirname "$ko")
include $kdir/scripts/Makefile.btf
all: ; @echo \$(PAHOLE_FLAGS) \$(MODULE_PAHOLE_FLAGS)
EOF
	)
fi
echo "  BTF [M] $ko (base ${base#"$ROOT"/})"
# shellcheck disable=SC2086  # flags is a word list
LLVM_OBJCOPY=objcopy pahole -J $flags --btf_base "$base" "$ko"
has_btf "$ko" || { echo "module-btf: pahole left $ko without a .BTF section" >&2; exit 1; }
