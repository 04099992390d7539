#!/usr/bin/env bash
# lint.sh: the lint gate behind `make lint`, run first by `make check`.
#
#   scripts/lint.sh [--summary-file FILE]   check; one case per tool and file
#   scripts/lint.sh --format                rewrite the clang-format files in place
#
# Three tools, each on the files in its style (those git tracks, and new
# files it does not ignore):
#   - checkpatch.pl --strict on module/ and uapi/, the kernel-style C.
#     Debian's linux-source-6.1 (KSRC_TAR) ships it; its three files are
#     extracted into build/ on first use.
#   - clang-format --dry-run -Werror on every other C/C++ file (.clang-format).
#   - shellcheck on the shell scripts in scripts/ and .ci/.
# Prints each finding, one line per tool, and last `lint: N passed, M failed`
# (the count line of docs/testing.md); FILE gets "N M" for check.sh's sum.
# Exit status 0 iff nothing failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

summary_file=
format=0
while (($#)); do
	case $1 in
	--summary-file)
		summary_file=${2:?--summary-file needs a file}
		rm -f "$summary_file"
		shift 2
		;;
	--format)
		format=1
		shift
		;;
	*)
		echo "usage: lint.sh [--summary-file FILE] | --format" >&2
		exit 2
		;;
	esac
done

files() { git ls-files --cached --others --exclude-standard -- "$@" | sort -u; }
mapfile -t module_c < <(files 'module/*.[ch]')
mapfile -t uapi_h < <(files 'uapi/*.h')
mapfile -t user_c < <(files '*.c' '*.h' '*.cpp' '*.hpp' ':!module/' ':!uapi/')

if ((format)); then
	exec clang-format -i "${user_c[@]}"
fi

passed=0
failed=0
# check TOOL STATUS OUTPUT FILE...: one case per FILE, failed when OUTPUT has a
# line that starts "FILE:"; a non-zero STATUS without one is a failure of
# the tool itself.  Prints the findings of each failed file.
check() {
	local tool=$1 status=$2 out=$3 f found bad=0
	shift 3
	for f in "$@"; do
		found=$(awk -v p="$f:" 'index($0, p) == 1' <<<"$out")
		if [[ -n $found ]]; then
			((failed++, bad++))
			echo "lint: FAIL $tool $f"
			head -n 20 <<<"$found" | sed 's/^/    /'
		else
			((passed++))
		fi
	done
	if ((status != 0 && bad == 0)); then
		((failed++))
		echo "lint: FAIL $tool exited with status $status:"
		head -n 20 <<<"$out" | sed 's/^/    /'
	fi
	echo "lint: $tool: $# files, $bad failed"
}

# checkpatch.pl: from an unpacked linux-source-6.1 if there is one, else
# extracted from its tarball (with the two data files it reads).
KSRC_TAR=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
checkpatch=/usr/src/linux-source-6.1/scripts/checkpatch.pl
if [[ ! -f $checkpatch ]]; then
	checkpatch=build/linux-source-6.1/scripts/checkpatch.pl
	[[ -f $checkpatch ]] || {
		mkdir -p build &&
			tar -xJf "$KSRC_TAR" -C build linux-source-6.1/scripts/checkpatch.pl \
				linux-source-6.1/scripts/spelling.txt \
				linux-source-6.1/scripts/const_structs.checkpatch
	} || echo "lint: no checkpatch.pl: scripts/install-deps.sh installs linux-source-6.1"
fi
# C11's _Static_assert in the uapi header is no CamelCase identifier, and
# a uapi header has no __packed (it spells the attribute, as the kernel's
# <linux/eventpoll.h> does).
cp=(perl "$checkpatch" --no-tree --strict --terse --show-types)
out=$(
	status=0
	"${cp[@]}" -f "${module_c[@]}" 2>&1 || status=1
	"${cp[@]}" --ignore CAMELCASE,PREFER_DEFINED_ATTRIBUTE_MACRO -f "${uapi_h[@]}" 2>&1 || status=1
	exit $status
)
check checkpatch $? "$out" "${module_c[@]}" "${uapi_h[@]}"

out=$(clang-format --dry-run -Werror "${user_c[@]}" 2>&1)
check clang-format $? "$out" "${user_c[@]}"

mapfile -t shell < <(files scripts .ci | while read -r f; do
	[[ $(head -n 1 "$f") =~ ^#!.*(/|env\ )(ba)?sh$ ]] && echo "$f"
done)
out=$(shellcheck -f gcc "${shell[@]}" 2>&1)
check shellcheck $? "$out" "${shell[@]}"

[[ -z $summary_file ]] || echo "$passed $failed" >"$summary_file"
echo "lint: $passed passed, $failed failed"
((failed == 0))
