#!/bin/sh
# The C style (.clang-format, clang-format 14 from Debian's clang-format).
#   scripts/format.sh          check: lists the files clang-format would
#                              change and exits 1 when there is any
#   scripts/format.sh --fix    rewrites them in place
# Over every .c and .h file in src/, tests/, bench/ and tools/ that git
# tracks (FILES=... for others).
set -eu
cd "$(dirname "$0")/.."
mode=${1:-check}
cf=
for c in clang-format-14 clang-format; do
	command -v "$c" >/dev/null 2>&1 && cf=$c && break
done
if [ -z "$cf" ]; then
	echo "format.sh: clang-format is missing (apt-get install clang-format-14)" >&2
	exit 2
fi
files=${FILES:-$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]' 'tools/*.[ch]')}
case $mode in
--fix)
	# shellcheck disable=SC2086 # one path a word
	printf '%s\n' $files | xargs -r "$cf" -i --style=file
	;;
check)
	bad=0
	for f in $files; do
		if ! "$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
			echo "$f"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ] || echo "format.sh: the files above differ from .clang-format (scripts/format.sh --fix)" >&2
	exit $bad
	;;
*)
	echo "usage: scripts/format.sh [--fix]" >&2
	exit 2
	;;
esac
