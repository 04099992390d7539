#!/usr/bin/env bash
# build-debug-kernel.sh: build (once) and cache the myepoll debug kernel.
#
#   scripts/build-debug-kernel.sh [options]
#
# Builds Debian's linux-source-6.1 (the source of the stock 6.1 kernel) with
# `make ARCH=x86_64 tinyconfig` + scripts/debug-kernel.config (KASAN, lockdep,
# kmemleak, KUnit, fault injection, BTF, kprobes/ftrace/BPF; all built in),
# checks that Kconfig kept every option the fragment asks for, and caches the
# result outside the repository in
#
#   ${MYEPOLL_CACHE:-$HOME/.cache/myepoll}/debug-kernel/<key>/
#     bzImage  vmlinux (DWARF + BTF)  config  Module.symvers  System.map
#     debug-kernel.config (the fragment used)  build.log
#     env      shell-sourceable: KEY KVER BZIMAGE VMLINUX KDIR SRCDIR APPEND ...
#     src/         the kernel source, extracted from the linux-source tarball
#     src/build/   the O= output tree = KDIR: `make -C $KDIR M=$PWD modules`
#
# <key> is the first 16 hex digits of the sha256 of the recipe version below,
# the linux-source-6.1 package version and the fragment's contents: changing
# any of them builds a new kernel next to the old ones (delete old keys by
# hand).  With a warm cache the script returns at once.  The build happens in
# a temporary directory next to the final one, renamed into place only when
# complete; the O= tree is a subdirectory of the source tree, so kbuild refers
# to the source as `..` and the whole directory survives the rename.
#
# The last line on stdout is the path of the cached bzImage; everything else
# goes to stderr or to the build log.
#
#   -j N          parallel make jobs (default 2, or $MYEPOLL_KERNEL_JOBS)
#   --rebuild     build again even if the cache is warm (replaces the entry)
#   --keep-failed keep the temporary build tree after a failure
#   --print-key   print the cache key and the cache directory, build nothing
#   -h, --help    this text
set -euo pipefail

# Bump whenever what this script does to build the kernel changes (not for
# cosmetic edits): it is part of the cache key.
RECIPE_VERSION=2

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FRAGMENT=$ROOT/scripts/debug-kernel.config
SRC_PKG=linux-source-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
CACHE_ROOT=${MYEPOLL_CACHE:-$HOME/.cache/myepoll}/debug-kernel
JOBS=${MYEPOLL_KERNEL_JOBS:-2}
NICE=10
MIN_FREE_GB=6
# Kernel command line the VM runner should add when booting this kernel
# (written to the env file as APPEND).  panic_on_warn=1 also turns the first
# KASAN report into a panic (mm/kasan/report.c: check_panic_on_warn).
APPEND_RECOMMENDED="panic_on_warn=1 oops=panic panic=-1"

rebuild=0
keep_failed=0
print_key=0

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}
log() { echo "build-debug-kernel: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

while (($#)); do
	case $1 in
	-j) [[ $# -ge 2 ]] || usage 2; JOBS=$2; shift 2 ;;
	-j*) JOBS=${1#-j}; shift ;;
	--rebuild) rebuild=1; shift ;;
	--keep-failed) keep_failed=1; shift ;;
	--print-key) print_key=1; shift ;;
	-h|--help) usage 0 ;;
	*) log "unknown argument: $1"; usage 2 ;;
	esac
done
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "-j needs a positive number, not '$JOBS'"

[[ -f $FRAGMENT ]] || die "$FRAGMENT missing"
pkg_version=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
	die "package $SRC_PKG is not installed (apt-get install $SRC_PKG)"
[[ -n $pkg_version ]] || die "package $SRC_PKG has no version (not installed?)"

key=$({
	echo "myepoll debug kernel recipe $RECIPE_VERSION"
	echo "$SRC_PKG $pkg_version"
	cat "$FRAGMENT"
} | sha256sum | cut -c1-16)
final=$CACHE_ROOT/$key

if ((print_key)); then
	echo "KEY=$key"
	echo "DIR=$final"
	exit 0
fi

# cache_ok DIR: DIR holds a complete build.
cache_ok() {
	local d=$1 f
	for f in env bzImage vmlinux config Module.symvers src/build/Makefile src/build/vmlinux \
		src/build/scripts/mod/modpost src/build/include/generated/autoconf.h; do
		[[ -e $d/$f ]] || return 1
	done
}

if ((!rebuild)) && cache_ok "$final"; then
	log "cache hit: $final"
	echo "$final/bzImage"
	exit 0
fi

# --- Cold cache: check the tools, then build under a per-key lock. ---

mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.lock-$key"
if ! flock -n 9; then
	log "another build of $key is running; waiting for it"
	flock 9
fi
# Someone else may have finished it while we waited.
if ((!rebuild)) && cache_ok "$final"; then
	log "cache hit (built by another run): $final"
	echo "$final/bzImage"
	exit 0
fi

missing=()
for t in make gcc ld flex bison bc perl tar xz sha256sum pahole readelf flock setsid; do
	command -v "$t" >/dev/null || missing+=("$t")
done
[[ -e /usr/include/gelf.h ]] || missing+=("libelf-dev (gelf.h, for objtool)")
((${#missing[@]} == 0)) || die "missing: ${missing[*]} (scripts/install-deps.sh)"
[[ -f $TARBALL ]] || die "$TARBALL missing (apt-get install $SRC_PKG)"
pahole_version=$(pahole --version | sed 's/^v//')
if ! awk -v v="$pahole_version" 'BEGIN { split(v, a, "."); exit !(a[1] > 1 || (a[1] == 1 && a[2] >= 16)) }'; then
	die "pahole $pahole_version is too old for DEBUG_INFO_BTF (need >= 1.16; package dwarves)"
fi
free_gb=$(df -Pk "$CACHE_ROOT" | awk 'NR == 2 { print int($4 / 1048576) }')
((free_gb >= MIN_FREE_GB)) || die "only ${free_gb} GB free under $CACHE_ROOT (need ${MIN_FREE_GB})"

# Temporary trees of this key left by runs that died: we hold the lock, so
# nobody is using them.
for old in "$CACHE_ROOT"/.tmp-"$key"-*; do
	[[ -e $old ]] || continue
	log "removing stale $old"
	rm -rf "$old"
done

tmp=$CACHE_ROOT/.tmp-$key-$$
src=$tmp/src
obj=$src/build
buildlog=$tmp/build.log
make_pid=
done_ok=0

cleanup() {
	local rc=$?
	if [[ -n $make_pid ]]; then
		kill -TERM -- "-$make_pid" 2>/dev/null || true
		wait "$make_pid" 2>/dev/null || true
	fi
	if ((!done_ok)) && [[ -d $tmp ]]; then
		if [[ -f $buildlog ]]; then
			cp "$buildlog" "$CACHE_ROOT/$key.failed.log" 2>/dev/null || true
			log "last lines of the build log:"
			tail -n 30 "$buildlog" >&2 || true
			log "full log: $CACHE_ROOT/$key.failed.log"
		fi
		if ((keep_failed)); then
			log "kept the failed tree: $tmp"
		else
			rm -rf "$tmp"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP

mkdir -p "$src"
: >"$buildlog"
start=$(date +%s)
log "key $key ($SRC_PKG $pkg_version, recipe $RECIPE_VERSION, $(basename "$FRAGMENT"))"
log "building in $tmp (log: $buildlog), final: $final"

# run_make TARGETS...: make in the O= tree, quietly, into the log.
run_make() {
	echo "+ make $*" >>"$buildlog"
	make -C "$obj" "$@" >>"$buildlog" 2>&1
}

log "extracting $TARBALL"
tar -xf "$TARBALL" -C "$src" --strip-components=1 >>"$buildlog" 2>&1 || die "tar failed"
[[ -f $src/Makefile && ! -e $src/.config ]] || die "$TARBALL did not give a clean kernel tree"
# Configure: the O= directory is $src/build, so kbuild uses srctree=.. and
# the tree stays valid after the rename.
mkdir -p "$obj"
echo "+ make O=build ARCH=x86_64 tinyconfig" >>"$buildlog"
make -C "$src" O="$obj" ARCH=x86_64 tinyconfig >>"$buildlog" 2>&1 || die "make tinyconfig failed"
grep -q '^include \.\./Makefile$' "$obj/Makefile" ||
	die "$obj/Makefile does not include ../Makefile: the tree would not survive the rename"
log "kernel source $(make -s -C "$obj" kernelversion 2>>"$buildlog")"
echo "+ merge_config.sh -m .config $FRAGMENT" >>"$buildlog"
(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m .config "$FRAGMENT") >>"$buildlog" 2>&1 ||
	die "merge_config.sh failed"
run_make olddefconfig || die "make olddefconfig failed"

# Every line of the fragment must have survived olddefconfig.
dropped=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$obj/.config" && continue
		opt=${line%%=*}
		now=$(grep -E "^$opt=|^# $opt is not set" "$obj/.config" || true)
		dropped+=("$line  (got: ${now:-absent})")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		now=$(grep -E "^$opt=" "$obj/.config" || true)
		[[ -z $now ]] || dropped+=("$line  (got: $now)")
		;;
	esac
done <"$FRAGMENT"
if ((${#dropped[@]})); then
	log "Kconfig did not keep ${#dropped[@]} option(s) of $(basename "$FRAGMENT") (missing dependencies?):"
	printf '  %s\n' "${dropped[@]}" >&2
	die "config check failed; fix the fragment"
fi
# Everything is built in: a tristate that defaults to m must be listed.
mapfile -t mods < <(grep '=m$' "$obj/.config" || true)
if ((${#mods[@]})); then
	log "the config would build these as modules (add them to $(basename "$FRAGMENT") as =y or not set):"
	printf '  %s\n' "${mods[@]}" >&2
	die "config check failed; fix the fragment"
fi
nreq=$(grep -cE '^CONFIG_|^# CONFIG_.* is not set' "$FRAGMENT")
log "config: all $nreq options of the fragment kept; $(grep -c '=y$' "$obj/.config") =y, no =m"

# Build.  DWARF names the directory it was compiled in: map the temporary
# path to the final one (C and assembler) so gdb/addr2line find the source
# after the rename.
# `all` is vmlinux + bzImage + modules (none here, but it runs modules_prepare
# and writes Module.symvers): what external modules need.
log "nice -n $NICE make -j$JOBS all; this takes a while"
echo "+ nice -n $NICE make -j$JOBS all" >>"$buildlog"
setsid nice -n "$NICE" make -C "$obj" -j"$JOBS" \
	KCFLAGS="-fdebug-prefix-map=$tmp=$final" KAFLAGS="-fdebug-prefix-map=$tmp=$final" \
	KBUILD_BUILD_USER=myepoll KBUILD_BUILD_HOST=debug-kernel \
	all >>"$buildlog" 2>&1 &
make_pid=$!
last=$start
while kill -0 "$make_pid" 2>/dev/null; do
	sleep 5
	now=$(date +%s)
	if ((now - last >= 120)); then
		last=$now
		log "still building ($(((now - start) / 60)) min): $(grep -E '^  [A-Z]' "$buildlog" | tail -n 1 | sed 's/^ *//')"
	fi
done
rc=0
wait "$make_pid" || rc=$?
make_pid=
((rc == 0)) || die "kernel build failed (make status $rc)"

for f in arch/x86/boot/bzImage vmlinux System.map Module.symvers scripts/mod/modpost \
	include/generated/autoconf.h include/config/kernel.release; do
	[[ -s $obj/$f ]] || die "build finished without $f"
done
# grep -c reads all of readelf's output: grep -q could exit first and, under
# pipefail, readelf's SIGPIPE would fail a good build.
readelf -S "$obj/vmlinux" | grep -c '\.BTF' >/dev/null || die "vmlinux has no .BTF section (pahole?)"
kver=$(cat "$obj/include/config/kernel.release")
end=$(date +%s)
build_seconds=$((end - start))

# The artifacts at the top of the entry (hard links where possible).
link_or_copy() { ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2"; }
cp -f "$obj/arch/x86/boot/bzImage" "$tmp/bzImage"
link_or_copy "$obj/vmlinux" "$tmp/vmlinux"
link_or_copy "$obj/System.map" "$tmp/System.map"
link_or_copy "$obj/Module.symvers" "$tmp/Module.symvers"
cp -f "$obj/.config" "$tmp/config"
cp -f "$FRAGMENT" "$tmp/debug-kernel.config"

# q VALUE: VALUE quoted for sh, in double quotes when that is enough.
q() {
	if [[ $1 == *[\"\$\`\\]* ]]; then printf '%q' "$1"; else printf '"%s"' "$1"; fi
}
{
	echo "# myepoll debug kernel, built by scripts/build-debug-kernel.sh; source this file."
	echo "KEY=$key"
	echo "RECIPE_VERSION=$RECIPE_VERSION"
	echo "SRC_PKG=$SRC_PKG"
	echo "SRC_PKG_VERSION=$(q "$pkg_version")"
	echo "KVER=$(q "$kver")"
	echo "DIR=$(q "$final")"
	echo "BZIMAGE=$(q "$final/bzImage")"
	echo "VMLINUX=$(q "$final/vmlinux")"
	echo "CONFIG=$(q "$final/config")"
	echo "SYMVERS=$(q "$final/Module.symvers")"
	echo "SYSTEM_MAP=$(q "$final/System.map")"
	echo "# Build external modules with: make -C \"\$KDIR\" M=\$PWD modules"
	echo "KDIR=$(q "$final/src/build")"
	echo "SRCDIR=$(q "$final/src")"
	echo "# Kernel command line to add (vm-run.sh --append \"\$APPEND\")."
	echo "APPEND=$(q "$APPEND_RECOMMENDED")"
	echo "# kmemleak scans only on request: echo scan > /sys/kernel/debug/kmemleak"
	echo "KMEMLEAK_AUTO_SCAN=0"
	echo "BUILD_SECONDS=$build_seconds"
	echo "BUILD_JOBS=$JOBS"
	echo "BUILT_AT=$(q "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
	echo "GCC=$(q "$(gcc --version | head -n 1)")"
	echo "PAHOLE=$(q "$pahole_version")"
} >"$tmp/env"

# Into place, atomically (a --rebuild swaps the old entry out first).
trash=
if [[ -e $final ]]; then
	trash=$CACHE_ROOT/.old-$key-$$
	mv -T "$final" "$trash"
fi
mv -T "$tmp" "$final"
done_ok=1
rm -f "$CACHE_ROOT/$key.failed.log"
[[ -z $trash ]] || rm -rf "$trash"

log "built $kver in $((build_seconds / 60)) min $((build_seconds % 60)) s"
log "cache: $final ($(du -sh "$final" 2>/dev/null | cut -f1))"
log "env:   $final/env  (KDIR=$final/src/build)"
echo "$final/bzImage"
