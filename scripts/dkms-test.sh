#!/usr/bin/env bash
# dkms-test.sh: the module through DKMS for every kernel with headers here, and
# `make install` into a staging tree; host-side cases of `make check`.
#
#   scripts/dkms-test.sh [--summary-file FILE]
#
#  1. `make dkms-install` copies the module's sources (no object of this
#     tree) to /usr/src/myepoll-VERSION-test, with dkms.conf for that version,
#     so that an installed myepoll/VERSION is left alone; `dkms add`.
#  2. `dkms build` for each kernel in /lib/modules/*/build: the module must
#     carry the kernel's vermagic, and BTF when the kernel's image is in
#     /boot.  DKMS compresses it as the kernel's own modules are
#     (CONFIG_MODULE_COMPRESS_XZ on Debian's 6.12: myepoll.ko.xz).  A kernel that dkms.conf's BUILD_EXCLUSIVE_KERNEL leaves out is
#     skipped by DKMS (status 77) and listed as such; the kernel of KDIR
#     must build.
#  3. `dkms install` for each built kernel whose image is installed: modinfo
#     -k finds the module in updates/dkms.
#  4. `dkms remove --all`: nothing of that version left in the DKMS tree or
#     in /lib/modules.
#  5. `make install DESTDIR=T KDIR=...` puts exactly the Debian paths in T,
#     and `make uninstall DESTDIR=T` takes them all out again.
#
# Environment: KDIR, the headers of the kernel that must build and that make
# install builds for (default: the running kernel's).  Needs root and dkms
# (scripts/install-deps.sh).  Prints each case, DKMS's output of a failed one
# (all of it in build/dkms-test.log), and last `dkms: N passed, M failed`;
# FILE gets "N M" for check.sh's sum.  Exit status 0 iff nothing failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

summary_file=
if [[ ${1:-} == --summary-file ]]; then
	summary_file=${2:?--summary-file needs a file}
	rm -f "$summary_file"
elif (($#)); then
	echo "usage: dkms-test.sh [--summary-file FILE]" >&2
	exit 2
fi
kdir=${KDIR:-/lib/modules/$(uname -r)/build}
mkdir -p build
log=$PWD/build/dkms-test.log
: >"$log"

passed=0
failed=0
pass() {
	((passed++))
	echo "dkms: pass $*"
}
fail() {
	((failed++))
	echo "dkms: FAIL $*"
}
finish() {
	[[ -z $summary_file ]] || echo "$passed $failed" >"$summary_file"
	echo "dkms: $passed passed, $failed failed"
	((failed == 0))
	exit
}
# run NAME CMD...: CMD's output to the log; on failure its tail on the terminal.
run() {
	local name=$1 start status
	shift
	start=$(wc -l <"$log")
	echo "== $(date +%T) $name: $*" >>"$log"
	"$@" >>"$log" 2>&1
	status=$?
	# 77: DKMS skipped the kernel (BUILD_EXCLUSIVE_KERNEL), which the caller judges.
	((status == 0 || status == 77)) || tail -n +$((start + 2)) "$log" | tail -n 25 | sed 's/^/    /'
	return $status
}
release_of() { sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h"; }
# module_in DIR: DIR's myepoll module, plain or compressed as DKMS leaves it
# (the first that exists; DIR/myepoll.ko if none does).
module_in() {
	local f
	for f in "$1"/myepoll.ko{,.xz,.zst,.gz}; do
		[[ -e $f ]] && { echo "$f"; return; }
	done
	echo "$1/myepoll.ko"
}
# has_btf KO: does the module (plain or compressed) have a .BTF section?
# readelf wants a file it can seek in: a compressed one is unpacked first.
has_btf() {
	local plain=$1 status
	case $1 in
	*.xz | *.zst | *.gz)
		plain=$(mktemp) || return 1
		case $1 in
		*.xz) xz -dc "$1" ;;
		*.zst) zstd -dcq "$1" ;;
		*.gz) gzip -dc "$1" ;;
		esac >"$plain" 2>/dev/null
		;;
	esac
	[[ $(readelf -S "$plain" 2>/dev/null) == *" .BTF "* ]]
	status=$?
	[[ $plain == "$1" ]] || rm -f "$plain"
	return $status
}

if ((EUID != 0)); then
	fail "setup: DKMS and make install need root"
	finish
fi
command -v dkms >/dev/null || { fail "setup: no dkms (scripts/install-deps.sh)"; finish; }

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' scripts/dist/dkms.conf)-test
src=/usr/src/myepoll-$version
stage=$(mktemp -d /tmp/myepoll-install.XXXXXX)
cleanup() {
	dkms remove "myepoll/$version" --all >>"$log" 2>&1
	rm -rf "$src" "$stage"
}
trap cleanup EXIT
cleanup # a run that was killed may have left it behind

# 1. add
if run "dkms-install" make -s --no-print-directory dkms-install VERSION="$version" DESTDIR= &&
	run "dkms add" dkms add "myepoll/$version"; then
	pass "dkms add myepoll/$version"
else
	fail "dkms add myepoll/$version"
	finish
fi

# 2. build
must=$(release_of "$kdir" 2>/dev/null)
built=()
skipped=()
for b in /lib/modules/*/build; do
	[[ -f $b/Makefile ]] || continue
	k=$(basename "$(dirname "$b")")
	run "dkms build $k" dkms build "myepoll/$version" -k "$k"
	status=$?
	ko=$(module_in "/var/lib/dkms/myepoll/$version/$k/$(uname -m)/module")
	# KDIR's kernel must build: a status 77 for it is a failure.
	if ((status == 77)) && [[ $k != "$must" ]]; then
		skipped+=("$k")
		pass "dkms build $k: skipped, as dkms.conf's BUILD_EXCLUSIVE_KERNEL says"
	elif ((status != 0)); then
		fail "dkms build $k: status $status"
	elif [[ $(modinfo -F vermagic "$ko" 2>/dev/null) != "$k "* ]]; then
		fail "dkms build $k: $ko has vermagic '$(modinfo -F vermagic "$ko" 2>&1)'"
	elif [[ -f /boot/vmlinuz-$k ]] && ! has_btf "$ko"; then
		fail "dkms build $k: $ko has no BTF although /boot/vmlinuz-$k is here"
	else
		built+=("$k")
		pass "dkms build $k$(has_btf "$ko" && echo ", with BTF")"
	fi
done
echo "dkms: built for: ${built[*]:-none}; skipped: ${skipped[*]:-none}"

# 3. install, where the kernel itself is installed (and no other myepoll
# through DKMS)
installed=()
for k in "${built[@]}"; do
	[[ -f /boot/vmlinuz-$k ]] || continue
	if compgen -G "/lib/modules/$k/updates/dkms/myepoll.ko*" >/dev/null; then
		echo "dkms: not installing for $k: it has a myepoll of DKMS already"
		continue
	fi
	installed+=("$k")
	if run "dkms install $k" dkms install "myepoll/$version" -k "$k" &&
		[[ $(modinfo -k "$k" -n myepoll 2>/dev/null) == /lib/modules/$k/updates/dkms/myepoll.ko* ]]; then
		pass "dkms install $k"
	else
		fail "dkms install $k: modinfo -k $k -n myepoll says '$(modinfo -k "$k" -n myepoll 2>&1)'"
	fi
done

# 4. remove
run "dkms remove" dkms remove "myepoll/$version" --all
status=$?
left=$(for k in "${installed[@]}"; do ls /lib/modules/"$k"/updates/dkms/myepoll.ko* 2>/dev/null; done)
[[ ! -e /var/lib/dkms/myepoll/$version ]] || left+=" /var/lib/dkms/myepoll/$version"
if ((status == 0)) && [[ -z $left ]]; then
	pass "dkms remove myepoll/$version --all"
else
	fail "dkms remove myepoll/$version --all: status $status, left:${left:- nothing}"
fi

# 5. make install / uninstall into a staging tree
if [[ -z $must ]]; then
	fail "make install: no kernel headers in $kdir (KDIR)"
	finish
fi
multiarch=$(gcc -print-multiarch)
lib=usr/lib/$multiarch
expected=(lib/modules/"$must"/updates/myepoll.ko lib/udev/rules.d/60-myepoll.rules
	usr/include/linux/myepoll.h "$lib"/libmyepoll-shim.so
	usr/include/libmyepoll.h "$lib"/libmyepoll.a "$lib"/libmyepoll.so.1.1.0
	"$lib"/libmyepoll.so.1 "$lib"/libmyepoll.so "$lib"/pkgconfig/myepoll.pc
	usr/lib/modules-load.d/myepoll.conf)
# Files and symbolic links (libmyepoll.so.1, libmyepoll.so).
files() { (cd "$stage" && find . -type f -o -type l | sed 's|^\./||' | LC_ALL=C sort); }
if run "make install" make -s --no-print-directory install DESTDIR="$stage" KDIR="$kdir" &&
	[[ $(files) == "$(printf "%s\n" "${expected[@]}" | LC_ALL=C sort)" ]]; then
	pass "make install DESTDIR: the Debian layout"
else
	fail "make install DESTDIR: expected"
	printf '    %s\n' "${expected[@]}"
	echo "  got"
	files | sed 's/^/    /'
fi
if run "make uninstall" make -s --no-print-directory uninstall DESTDIR="$stage" KDIR="$kdir" &&
	[[ -z $(files) ]]; then
	pass "make uninstall DESTDIR"
else
	fail "make uninstall DESTDIR: left $(files | tr '\n' ' ')"
fi
finish
