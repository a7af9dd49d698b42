#!/bin/sh
# Runs the test suites: scripts/check.sh [unit|api|fuzz|all]
#   unit  cmocka tests, built with AddressSanitizer + UndefinedBehaviorSanitizer
#   api   black-box HTTP tests against the sanitized binary (node --test)
#   fuzz  every libFuzzer target for FUZZ_SECONDS (default 20) over its corpus
# Prints one closing line "N passed, N failed" and exits non-zero on failure.
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
SAN_BUILD=${SAN_BUILD:-build-san}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
passed=0
failed=0

step() {
	name=$1
	shift
	echo "== $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "== $name: ok"
	else
		failed=$((failed + 1))
		echo "== $name: FAILED"
	fi
}

unit() {
	ninja -C "$SAN_BUILD" && meson test -C "$SAN_BUILD" --print-errorlogs
}

api() {
	ninja -C "$SAN_BUILD" &&
		FRONTLINE_BIN="$PWD/$SAN_BUILD/frontline" node --test --test-concurrency=2 tests/api/
}

fuzz() {
	ninja -C "$FUZZ_BUILD" || return 1
	ok=0
	for target in "$FUZZ_BUILD"/tests/fuzz/fuzz_*; do
		[ -x "$target" ] || continue
		name=$(basename "$target")
		corpus=tests/fuzz/corpus/${name#fuzz_}
		work=$(mktemp -d)
		cp "$corpus"/* "$work"/ 2>/dev/null
		echo "-- $name for ${FUZZ_SECONDS}s"
		# regression inputs first (every crash we ever found), then explore
		"$target" -runs=0 tests/fuzz/regressions/"${name#fuzz_}" 2>/dev/null >/dev/null ||
			{ echo "$name: a regression input fails again"; ok=1; }
		if ! "$target" -max_total_time="$FUZZ_SECONDS" -timeout=5 -rss_limit_mb=2048 \
			-artifact_prefix="tests/fuzz/crash-$name-" "$work" "$corpus" >"$work.log" 2>&1; then
			tail -40 "$work.log"
			ok=1
		fi
		rm -rf "$work" "$work.log"
	done
	return $ok
}

case $what in
unit) step unit unit ;;
api) step api api ;;
fuzz) step fuzz fuzz ;;
all)
	step unit unit
	step api api
	step fuzz fuzz
	;;
*) echo "usage: scripts/check.sh [unit|api|fuzz|all]" >&2; exit 2 ;;
esac
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
