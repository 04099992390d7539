#!/usr/bin/env bash
# build-initramfs.sh: build the gzip'd cpio initramfs of the test VM.
#
# Contents:
#   /bin/busybox + its applet symlinks (busybox-static)
#   /bin/<prog>        every statically linked executable directly in build/,
#                      plus the programs given as arguments (path, or name in
#                      build/); debug info stripped
#   /bin/<prog>        dynamically linked executables: every one in build/dyn/
#                      and those given with --dyn (path, or name in build/dyn/)
#   /lib/<name>.so     shared libraries for LD_PRELOAD: build/libmyepoll-shim.so
#                      if built, and those given with --lib
#   /lib64/ld-linux-x86-64.so.2, /lib/x86_64-linux-gnu/...
#                      the dynamic loader and every library that `ldd` lists
#                      for the --dyn programs and --lib libraries, at the same
#                      paths as on the host (only when there are such files)
#   /myepoll.ko        the module (--module, default module/myepoll.ko)
#   /lib/modules-extra extra kernel modules (--kmod), loaded before myepoll.ko
#   /lib/modules-test  kernel modules carried but not loaded (--kmod-file), for
#                      a suite to insmod (e.g. the KUnit test module)
#   /suites/*.sh       scripts/suites/*.sh and the *.sh of every --suite-dir
#   /etc/myepoll/env   `export K='V'` lines from --env, seen by init and suites
#   DIR/...            the contents of each --tree DIR, copied last over the
#                      rest (scripts/realworld-pkgs.sh: Debian's servers and
#                      their libraries)
#   /init              scripts/vm-init.sh: mounts, loopback, ulimit -n, insmod,
#                      runs the suites named by myepoll.suites= on the kernel
#                      command line with the @@myepoll protocol lines
#                      (docs/testing.md), then makes QEMU exit.
#
# Usage: scripts/build-initramfs.sh [--out FILE] [--module KO | --no-module]
#          [--kmod KO]... [--kmod-file KO]... [--env KEY=VALUE]... [--suite-dir DIR]...
#          [--dyn PROGRAM]... [--lib SO]... [--tree DIR]... [PROGRAM]...
# A PROGRAM must be static; --dyn PROGRAM must be dynamically linked.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$ROOT/build

out=$BUILD/initramfs.cpio.gz
module=$ROOT/module/myepoll.ko
no_module=0
kmods=()
kmod_files=()
envs=()
suite_dirs=("$ROOT/scripts/suites")
progs=()
dyn_progs=()
libs=()
trees=()

die() {
	echo "build-initramfs: $*" >&2
	exit 1
}

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
	exit "${1:-0}"
}

while (($#)); do
	case $1 in
	--out) out=${2:?--out needs a file}; shift 2 ;;
	--module) module=${2:?--module needs a file}; shift 2 ;;
	--no-module) no_module=1; shift ;;
	--kmod) kmods+=("${2:?--kmod needs a file}"); shift 2 ;;
	--kmod-file) kmod_files+=("${2:?--kmod-file needs a file}"); shift 2 ;;
	--env) envs+=("${2:?--env needs KEY=VALUE}"); shift 2 ;;
	--suite-dir) suite_dirs+=("${2:?--suite-dir needs a directory}"); shift 2 ;;
	--dyn) dyn_progs+=("${2:?--dyn needs a program}"); shift 2 ;;
	--lib) libs+=("${2:?--lib needs a shared library}"); shift 2 ;;
	--tree) trees+=("${2:?--tree needs a directory}"); shift 2 ;;
	-h | --help) usage 0 ;;
	--) shift; progs+=("$@"); break ;;
	-*) echo "build-initramfs: unknown option $1" >&2; usage 2 ;;
	*) progs+=("$1"); shift ;;
	esac
done

BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] || die "$BUSYBOX missing: install busybox-static (scripts/install-deps.sh)"

# is_static FILE: true if FILE is a statically linked ELF executable.
is_static() {
	local desc
	desc=$(file -b -L "$1" 2>/dev/null) || return 1
	[[ $desc == ELF*executable* && $desc == *static* ]]
}
is_static "$BUSYBOX" || die "$BUSYBOX is not statically linked: install busybox-static"

stage=$(mktemp -d "${TMPDIR:-/tmp}/myepoll-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,suites,etc/myepoll,lib/modules-extra,lib/modules-test}
chmod 1777 "$stage/tmp"

# busybox and its applets; `--list-full` gives the install path of each applet.
cp "$BUSYBOX" "$stage/bin/busybox"
while read -r applet; do
	[[ -e $stage/$applet || -L $stage/$applet ]] || ln -s /bin/busybox "$stage/$applet"
done < <("$BUSYBOX" --list-full)

# The kernel opens /dev/console before running /init; without the node init
# starts with no stdout (init re-opens the console after mounting devtmpfs,
# so this only avoids the kernel's "unable to open an initial console").
if ((EUID == 0)); then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

# Programs: the explicit ones must exist and be static; the default set is
# every static executable directly in build/.
bin_names=()
add_prog() { # add_prog FILE
	local name
	name=$(basename "$1")
	rm -f "$stage/bin/$name"          # a program replaces a busybox applet of the same name
	# Debug info only makes the initramfs big; the symbol table stays.
	strip --strip-debug -o "$stage/bin/$name" "$1" 2>/dev/null || cp "$1" "$stage/bin/$name"
	chmod 755 "$stage/bin/$name"
	bin_names+=("$name")
}
for p in "${progs[@]}"; do
	[[ $p == */* ]] || p=$BUILD/$p
	[[ -f $p ]] || die "program $p not found"
	is_static "$p" || die "$p is not a statically linked executable (link it with -static)"
	add_prog "$p"
done
if [[ -d $BUILD ]]; then
	for p in "$BUILD"/*; do
		[[ -f $p && -x $p && $(basename "$p") != vmlinux* ]] || continue
		case " ${bin_names[*]} " in *" $(basename "$p") "*) continue ;; esac
		is_static "$p" && add_prog "$p"
	done
fi

# Dynamically linked programs and preloadable libraries, with what they need.
is_dynamic() { # is_dynamic FILE: a dynamically linked ELF executable
	local desc
	desc=$(file -b -L "$1" 2>/dev/null) || return 1
	[[ $desc == ELF*executable* && $desc == *"dynamically linked"* ]]
}
is_shared_lib() { # is_shared_lib FILE: an ELF shared object that is not a program
	local desc
	desc=$(file -b -L "$1" 2>/dev/null) || return 1
	[[ $desc == ELF*"shared object"* && $desc != *executable* ]]
}
runtime_libs=()
add_runtime_libs() { # add_runtime_libs FILE: copy what `ldd FILE` lists, at the same paths
	local line path out
	out=$(ldd "$1" 2>&1) || die "ldd $1 failed: $out"
	while read -r line; do
		case $line in
		*"not found"*) die "$1 needs a library that is not installed: $line" ;;
		*"=> /"*) path=${line#*=> }; path=${path%% (*} ;;
		/*) path=${line%% (*} ;;
		*) continue ;; # linux-vdso.so.1, statically linked...
		esac
		case " ${runtime_libs[*]} " in *" $path "*) continue ;; esac
		[[ -f $path ]] || die "$1: library $path (from ldd) not found"
		mkdir -p "$stage$(dirname "$path")"
		cp -L "$path" "$stage$path"
		runtime_libs+=("$path")
	done <<<"$out"
}
dyn_names=()
add_dyn_prog() { # add_dyn_prog FILE
	add_prog "$1"
	dyn_names+=("$(basename "$1")")
	add_runtime_libs "$1"
}
for p in "${dyn_progs[@]}"; do
	[[ $p == */* ]] || p=$BUILD/dyn/$p
	[[ -f $p ]] || die "program $p not found"
	is_dynamic "$p" || die "$p is not a dynamically linked executable (--dyn)"
	add_dyn_prog "$p"
done
if [[ -d $BUILD/dyn ]]; then
	for p in "$BUILD"/dyn/*; do
		[[ -f $p && -x $p ]] || continue
		case " ${bin_names[*]} " in *" $(basename "$p") "*) continue ;; esac
		is_dynamic "$p" && add_dyn_prog "$p"
	done
fi
lib_names=()
add_lib() { # add_lib FILE
	local name
	name=$(basename "$1")
	strip --strip-debug -o "$stage/lib/$name" "$1" 2>/dev/null || cp "$1" "$stage/lib/$name"
	lib_names+=("$name")
	add_runtime_libs "$1"
}
for l in "${libs[@]}"; do
	[[ -f $l ]] || die "library $l not found"
	is_shared_lib "$l" || die "$l is not a shared library (--lib)"
	add_lib "$l"
done
shim=$BUILD/libmyepoll-shim.so
if [[ -f $shim ]]; then
	case " ${lib_names[*]} " in *" $(basename "$shim") "*) ;; *) add_lib "$shim" ;; esac
fi

# Kernel modules.
if ((no_module)); then
	: >"$stage/etc/myepoll/no-module"
	module_desc="none (--no-module)"
elif [[ -f $module ]]; then
	strip --strip-debug -o "$stage/myepoll.ko" "$module" 2>/dev/null || cp "$module" "$stage/myepoll.ko"
	module_desc=${module#"$ROOT"/}
else
	# Leave it out: init's insmod then fails loudly and the run fails.
	echo "build-initramfs: warning: $module not found; the VM's insmod will fail" >&2
	module_desc="MISSING ($module)"
fi
i=0
for k in "${kmods[@]}"; do
	[[ -f $k ]] || die "kernel module $k not found"
	i=$((i + 1))
	case $k in
	*.ko) cp "$k" "$stage/lib/modules-extra/$(printf %02d $i)-$(basename "$k")" ;;
	*.ko.xz) xz -dc "$k" >"$stage/lib/modules-extra/$(printf %02d $i)-$(basename "$k" .xz)" ;;
	*.ko.zst) zstd -qdc "$k" >"$stage/lib/modules-extra/$(printf %02d $i)-$(basename "$k" .zst)" ;;
	*.ko.gz) gzip -dc "$k" >"$stage/lib/modules-extra/$(printf %02d $i)-$(basename "$k" .gz)" ;;
	*) die "$k: not a kernel module (.ko[.xz|.zst|.gz])" ;;
	esac
done

for k in "${kmod_files[@]}"; do
	[[ -f $k && $k == *.ko ]] || die "--kmod-file $k: not a .ko file"
	strip --strip-debug -o "$stage/lib/modules-test/$(basename "$k")" "$k" 2>/dev/null ||
		cp "$k" "$stage/lib/modules-test/$(basename "$k")"
done

# Suites.
suite_names=()
for d in "${suite_dirs[@]}"; do
	[[ -d $d ]] || die "suite directory $d not found"
	for s in "$d"/*.sh; do
		[[ -f $s ]] || continue
		cp "$s" "$stage/suites/"
		chmod 755 "$stage/suites/$(basename "$s")"
		suite_names+=("$(basename "$s" .sh)")
	done
done

# Environment for init and the suites.
{
	echo "# generated by scripts/build-initramfs.sh"
	for kv in "${envs[@]}"; do
		key=${kv%%=*}
		val=${kv#*=}
		[[ $kv == *=* && $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--env $kv: expected KEY=VALUE"
		printf "export %s='%s'\n" "$key" "${val//\'/\'\\\'\'}"
	done
} >"$stage/etc/myepoll/env"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$stage/etc/hosts"

tree_desc=
for t in "${trees[@]}"; do
	[[ -d $t ]] || die "--tree $t: not a directory"
	cp -a --remove-destination "$t/." "$stage/"
	tree_desc+=" $t ($(du -sk "$t" | cut -f1) KiB)"
done

cp "$ROOT/scripts/vm-init.sh" "$stage/init"
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"

echo "build-initramfs: $out ($(($(stat -c %s "$out") / 1024)) KiB): bin: ${bin_names[*]:-none}${dyn_names[*]:+ (dynamic: ${dyn_names[*]})}${lib_names[*]:+; lib: ${lib_names[*]}}${runtime_libs[*]:+; runtime: ${runtime_libs[*]}}; module: $module_desc${kmods[*]:+; kmods: ${kmods[*]}}${kmod_files[*]:+; not loaded: ${kmod_files[*]}}; suites: ${suite_names[*]:-none}${tree_desc:+; trees:$tree_desc}"
