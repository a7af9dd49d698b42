#!/bin/sh
# Builds the Debian package from debian/: packaging/deb.sh [OUT]
# puts frontline_VERSION_ARCH.deb in OUT (default build-deb/) and prints its
# path. dpkg-buildpackage writes beside the tree it builds, so it builds a
# copy of this checkout in a temporary folder: what git tracks or would
# track (uncommitted changes too), and web/node_modules when present (else
# the build runs npm ci). Its output goes to OUT/build.log.
set -eu
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build-deb}")
version=$(dpkg-parsechangelog -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/frontline-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/frontline-$version
mkdir -p "$src" "$out"
git ls-files --cached --others --exclude-standard |
	tar --ignore-failed-read --warning=no-failed-read -T - -cf - | tar -C "$src" -xf -
[ -d web/node_modules ] && tar -cf - web/node_modules | tar -C "$src" -xf -
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; its output is in $out/build.log" >&2
	exit 1
fi
for deb in "$work"/frontline_"$version"_*.deb; do
	cp "$deb" "$out/"
	echo "$out/$(basename "$deb")"
done
