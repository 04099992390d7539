#!/usr/bin/env bash
# module-btf.sh: give a module built against Debian's headers its BTF.
#
#   scripts/module-btf.sh BZIMAGE KDIR MODULE.ko
#
# Kbuild runs `pahole -J --btf_base vmlinux` on each .ko only when KDIR has a
# vmlinux (scripts/Makefile.modfinal, CONFIG_DEBUG_INFO_BTF_MODULES); Debian's
# headers have none, so it prints "Skipping BTF generation".  This does the
# same step with the vmlinux extracted from BZIMAGE (scripts/kernel-vmlinux.sh)
# and KDIR's pahole flags.  resolve_btfids is not needed: the module declares
# no BTF ids.  Nothing to do when the .ko already has a .BTF section (Kbuild
# relinks the .ko, dropping it, whenever an object changed).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kernel=${1:?usage: module-btf.sh BZIMAGE KDIR MODULE.ko}
kdir=${2:?usage: module-btf.sh BZIMAGE KDIR MODULE.ko}
ko=${3:?usage: module-btf.sh BZIMAGE KDIR MODULE.ko}

has_btf() { [[ $(readelf -S "$1") == *" .BTF "* ]]; }

[[ -f $ko ]] || { echo "module-btf: $ko not found" >&2; exit 1; }
has_btf "$ko" && exit 0
command -v pahole >/dev/null || { echo "module-btf: pahole missing (dwarves)" >&2; exit 1; }
vmlinux=$(bash "$ROOT/scripts/kernel-vmlinux.sh" "$kernel")
flags=$(PAHOLE=pahole "$kdir/scripts/pahole-flags.sh")
echo "  BTF [M] $ko (base ${vmlinux#"$ROOT"/})"
# shellcheck disable=SC2086  # flags is a word list
LLVM_OBJCOPY=objcopy pahole -J $flags --btf_base "$vmlinux" "$ko"
has_btf "$ko" || { echo "module-btf: pahole left $ko without a .BTF section" >&2; exit 1; }
