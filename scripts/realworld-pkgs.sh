#!/usr/bin/env bash
# realworld-pkgs.sh: the unmodified Debian 12 servers and load generators of
# the realworld suites (redis-server + redis-benchmark, nginx + wrk), from
# Debian's package archive, without a system-wide install.
#
#   scripts/realworld-pkgs.sh --tree DIR
#
# The packages (PACKAGES below: the programs and the libraries they link that
# are not glibc's or gcc's) are fetched with `apt-get download` at their
# candidate versions and unpacked with `dpkg -x` into a cache directory keyed
# by those versions:
#
#   ${MYEPOLL_CACHE:-~/.cache/myepoll}/realworld/<sha of "package version"...>/
#       debs/*.deb  root/ (the unpacked files)  versions  (one "package version" a line)
#
# A later run with the same candidate versions downloads nothing; when apt
# knows no candidate (no package lists), the newest complete cache entry is
# used.  Then DIR (created, or emptied) becomes the tree that
# scripts/build-initramfs.sh --tree copies into the VM's root:
#
#   /usr/bin/redis-server, redis-benchmark, redis-cli, /usr/sbin/nginx, /usr/bin/wrk
#   /lib/x86_64-linux-gnu/<soname>   every library `ldd` lists for them, from
#                                    the unpacked packages first, else the host's
#   /etc/myepoll/realworld-versions  the package versions (the suite prints them)
#
# Needs only apt-get, dpkg-deb and ldd (nothing to install).  The last line of
# the output is DIR.
set -euo pipefail

CACHE=${MYEPOLL_CACHE:-$HOME/.cache/myepoll}/realworld

# redis-server's package only holds the redis-server -> redis-check-rdb link;
# nginx-light and nginx-core are transitional packages for `nginx` in
# 1.22.1-9+deb12u11.  The libraries: the programs' direct dependencies but
# libc6, libgcc-s1 and libstdc++6 (those must match the host's loader, which
# the initramfs carries anyway); their own dependencies (libsystemd0's
# compression and crypto libraries) come from the host.
PACKAGES=(
	redis-server redis-tools nginx wrk
	libjemalloc2 liblzf1 libluajit-5.1-2 libssl3 libpcre2-8-0 libatomic1
	libcrypt1 zlib1g libsystemd0
)
PROGRAMS=(usr/bin/redis-server usr/bin/redis-benchmark usr/bin/redis-cli usr/sbin/nginx usr/bin/wrk)

die() {
	echo "realworld-pkgs: $*" >&2
	exit 1
}

tree=
while (($#)); do
	case $1 in
	--tree) tree=${2:?--tree needs a directory}; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) die "unknown argument $1" ;;
	esac
done
[[ -n $tree ]] || die "--tree DIR is required"

# The candidate versions, "package version" lines.
versions=
for p in "${PACKAGES[@]}"; do
	v=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
	if [[ -z $v || $v == "(none)" ]]; then
		versions=
		break
	fi
	versions+="$p $v"$'\n'
done

if [[ -n $versions ]]; then
	key=$(printf %s "$versions" | sha256sum | cut -c1-16)
	entry=$CACHE/$key
	if [[ ! -f $entry/complete ]]; then
		echo "realworld-pkgs: downloading into $entry: $(printf %s "$versions" | tr ' \n' '= ')" >&2
		rm -rf "$entry"
		mkdir -p "$entry/debs" "$entry/root"
		args=()
		while read -r p v; do args+=("$p=$v"); done <<<"${versions%$'\n'}"
		# apt-get warns when its _apt user cannot write here: harmless.
		(cd "$entry/debs" && apt-get download -q "${args[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
			die "apt-get download ${args[*]} failed"
		for d in "$entry"/debs/*.deb; do dpkg-deb -x "$d" "$entry/root"; done
		printf %s "$versions" >"$entry/versions"
		: >"$entry/complete"
	fi
else
	# No package lists (offline?): the newest complete entry.
	entry=$(find "$CACHE" -mindepth 2 -maxdepth 2 -name complete -printf '%T@ %h\n' 2>/dev/null |
		sort -rn | sed -n '1s/^[^ ]* //p')
	[[ -n $entry ]] || die "apt knows no candidate for ${PACKAGES[*]} and nothing is cached: run apt-get update"
	echo "realworld-pkgs: apt knows no candidate versions: using the cached $entry" >&2
fi

src=$entry/root
libdir=$src/usr/lib/x86_64-linux-gnu:$src/lib/x86_64-linux-gnu
rm -rf "$tree"
mkdir -p "$tree/lib/x86_64-linux-gnu" "$tree/usr/bin" "$tree/usr/sbin" "$tree/etc/myepoll"
copied=" "
for prog in "${PROGRAMS[@]}"; do
	[[ -e $src/$prog ]] || die "$prog is not in the packages ($entry)"
	cp -L "$src/$prog" "$tree/$prog"
	out=$(LD_LIBRARY_PATH=$libdir ldd "$src/$prog" 2>&1) || die "ldd $prog failed: $out"
	while read -r line; do
		case $line in
		*"not found"*) die "$prog needs a library that is neither in the packages nor on the host: $line" ;;
		*"=> /"* | *"=> $src"*) path=${line#*=> }; path=${path%% (*} ;;
		*) continue ;; # linux-vdso, the loader (the initramfs has the host's)
		esac
		name=${line%% =>*}
		name=${name//[[:space:]]/}
		[[ $copied == *" $name "* ]] && continue
		cp -L "$path" "$tree/lib/x86_64-linux-gnu/$name"
		copied+="$name "
	done <<<"$out"
done
cp "$entry/versions" "$tree/etc/myepoll/realworld-versions"
echo "realworld-pkgs: $(wc -l <"$entry/versions") packages ($entry), libraries:$copied" >&2
echo "$tree"
