#!/bin/sh
# Runs the test suites: scripts/check.sh [unit|api|api-pg|e2e|install|fuzz|style|all]
#   unit  cmocka tests, built with AddressSanitizer + UndefinedBehaviorSanitizer;
#         the store's suites a second time on a PostgreSQL server it starts
#   api   black-box HTTP tests against the sanitized binary (node --test),
#         once on SQLite and once on a PostgreSQL server it starts (api-pg)
#   e2e   the browser apps in Debian's Chromium, driven by playwright-core,
#         against the sanitized binary (tests/e2e, node --test)
#   install  make install into a scratch root and the .deb unpacked: the files,
#         systemd-analyze on the unit, its ExecStart started by hand (tests/install)
#   fuzz  every libFuzzer target for FUZZ_SECONDS (default 20) over its corpus
#   style banned C functions (scripts/banned.sh), SQL bind formats (tools/check_binds.py),
#         and the C layout (scripts/format.sh) once .clang-format-enforced exists
# Prints one closing line "N passed, N failed" counting individual tests
# (cmocka cases, node tests, fuzz targets, style checks) and exits non-zero
# on any failure.
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
SAN_BUILD=${SAN_BUILD:-build-san}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp}
passed=0
failed=0
suite_failed=0
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT

# Runs a suite; it adds "P F" (tests passed, failed) to $counts.
step() {
	name=$1
	shift
	echo "== $name"
	if "$@"; then
		echo "== $name: ok"
	else
		suite_failed=$((suite_failed + 1))
		echo "== $name: FAILED"
	fi
}

# Every cmocka program on SQLite; then the suites that run over a store
# (test_store, test_store_fence, test_chat) once more on a PostgreSQL
# server started here, where each case creates a database of its own and
# drops it.
unit() {
	ninja -C "$SAN_BUILD" || { echo "0 1" >>"$counts"; return 1; }
	# adds the tests of the last meson test run (its exit code $1): cmocka
	# prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)" per program
	unit_count() {
		p=$(grep -ho '\[  PASSED  \] [0-9]*' "$SAN_BUILD/meson-logs/testlog.txt" | awk '{s+=$NF} END {print s+0}')
		f=$(grep -ho '\[  FAILED  \] [0-9]*' "$SAN_BUILD/meson-logs/testlog.txt" | awk '{s+=$NF} END {print s+0}')
		[ "$1" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		echo "$p $f" >>"$counts"
	}
	meson test -C "$SAN_BUILD" --print-errorlogs
	rc=$?
	unit_count $rc
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/frontline-pg.XXXXXX")
	if ! uri=$(scripts/pg.sh start "$pgdir"); then
		echo "0 1" >>"$counts"
		return 1
	fi
	echo "-- the store's suites on PostgreSQL"
	FRONTLINE_TEST_PG=$uri meson test -C "$SAN_BUILD" --print-errorlogs test_store test_store_fence test_chat
	pg_rc=$?
	scripts/pg.sh stop "$pgdir"
	unit_count $pg_rc
	[ "$rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
}

api() {
	ninja -C "$SAN_BUILD" || { echo "0 1" >>"$counts"; return 1; }
	log=$(mktemp)
	FRONTLINE_BIN="$PWD/$SAN_BUILD/frontline" node --test --test-concurrency=2 ${API_TESTS:-tests/api/} 2>&1 | tee "$log"
	rc=$(grep -c '^# fail [1-9]' "$log")
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
	# a test cancelled (its file's before hook failed) did not pass
	c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$log" | tail -1)
	rm -f "$log"
	[ -z "$p" ] && p=0 && f=1 # the runner itself failed
	f=$((${f:-0} + ${c:-0}))
	echo "$p $f" >>"$counts"
	[ "$rc" -eq 0 ] && [ "$f" -eq 0 ]
}

# The same suite with every server on a PostgreSQL server of its own,
# started here from Debian's packages and stopped at the end.
api_pg() {
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/frontline-pg.XXXXXX")
	if ! uri=$(scripts/pg.sh start "$pgdir"); then
		echo "0 1" >>"$counts"
		return 1
	fi
	FRONTLINE_TEST_PG=$uri api
	rc=$?
	scripts/pg.sh stop "$pgdir"
	return $rc
}

# The browser tests: tests/e2e/*.test.mjs, E2E_CONCURRENCY files at a time
# (each runs a server and a Chromium of its own), each test bounded by its
# own timeout (tests/e2e/lib/browser.mjs's it: Node 18, Debian 12's, has no
# --test-timeout), the whole run by E2E_TIMEOUT seconds.
e2e() {
	ninja -C "$SAN_BUILD" || { echo "0 1" >>"$counts"; return 1; }
	tests/e2e/install.sh || { echo "0 1" >>"$counts"; return 1; }
	log=$(mktemp)
	# shellcheck disable=SC2086 # E2E_TESTS may name several files
	FRONTLINE_BIN="$PWD/$SAN_BUILD/frontline" timeout -k 30 "${E2E_TIMEOUT:-1200}" \
		node --test --test-concurrency="${E2E_CONCURRENCY:-2}" ${E2E_TESTS:-tests/e2e/*.test.mjs} 2>&1 | tee "$log"
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
	c=$(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$log" | tail -1)
	rm -f "$log"
	[ -z "$p" ] && p=0 && f=1 # the runner itself failed or was stopped
	f=$((${f:-0} + ${c:-0}))
	echo "$p $f" >>"$counts"
	[ "$f" -eq 0 ]
}

# tests/install/install.sh prints "ok - …" or "not ok - …" per check.
install_suite() {
	log=$(mktemp)
	{
		tests/install/install.sh
		echo "$?" >"$log.rc"
	} 2>&1 | tee "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	[ "$(cat "$log.rc")" -ne 0 ] && [ "$f" -eq 0 ] && f=1 # the script itself failed
	rm -f "$log" "$log.rc"
	echo "$p $f" >>"$counts"
	[ "$f" -eq 0 ]
}

# The C layout (scripts/format.sh, .clang-format) counts once the file
# .clang-format-enforced exists: the tree is reformatted in one commit first.
style() {
	rc=0
	checks="scripts/banned.sh tools/check_binds.py"
	[ -e .clang-format-enforced ] && checks="$checks scripts/format.sh"
	for t in $checks; do
		if "$t"; then echo "1 0" >>"$counts"; else echo "0 1" >>"$counts"; rc=1; fi
	done
	return $rc
}

# Each target runs FUZZ_SECONDS over its corpus after replaying every input
# that ever crashed it. A new crasher is kept as a regression input
# (tests/fuzz/regressions/TARGET/crash-HASH): commit it with the fix. The
# closing line per target gives its executions and coverage (edges, features).
fuzz() {
	ninja -C "$FUZZ_BUILD" || { echo "0 1" >>"$counts"; return 1; }
	ok=0
	for target in "$FUZZ_BUILD"/tests/fuzz/fuzz_*; do
		[ -f "$target" ] && [ -x "$target" ] || continue
		fname=$(basename "$target")
		tname=${fname#fuzz_}
		corpus=tests/fuzz/corpus/$tname
		work=$(mktemp -d)
		mkdir -p tests/fuzz/regressions/"$tname"
		cp "$corpus"/* "$work"/ 2>/dev/null
		echo "-- $fname for ${FUZZ_SECONDS}s"
		# GMime leaks inside its own parser (tests/fuzz/lsan.supp): only a
		# whole stack tells its leaks from ours, and libgmime keeps no frame
		# pointers, so the mail target unwinds the slow way
		asan=$ASAN_OPTIONS
		[ "$fname" = fuzz_mail ] && asan=$ASAN_OPTIONS:fast_unwind_on_malloc=0
		# regression inputs first (every crash we ever found), then explore
		ASAN_OPTIONS=$asan "$target" -runs=0 -timeout=10 tests/fuzz/regressions/"$tname" \
			2>/dev/null >/dev/null ||
			{ echo "$fname: a regression input fails again"; ok=1; }
		if ASAN_OPTIONS=$asan "$target" -max_total_time="$FUZZ_SECONDS" -timeout=5 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="tests/fuzz/regressions/$tname/" \
			"$work" "$corpus" >"$work.log" 2>&1; then
			sed -n 's/^#\([0-9]*\)[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/'"$fname"': \1 executions, \2 edges, \3 features, corpus \4/p' "$work.log"
			echo "1 0" >>"$counts"
		else
			tail -40 "$work.log"
			echo "$fname: the input that failed is in tests/fuzz/regressions/$tname/"
			echo "0 1" >>"$counts"
			ok=1
		fi
		rm -rf "$work" "$work.log"
	done
	return $ok
}

case $what in
unit) step unit unit ;;
api) step api api ;;
api-pg) step api-pg api_pg ;;
e2e) step e2e e2e ;;
install) step install install_suite ;;
fuzz) step fuzz fuzz ;;
style) step style style ;;
all)
	step style style
	step unit unit
	step api api
	step api-pg api_pg
	step e2e e2e
	step install install_suite
	step fuzz fuzz
	;;
*) echo "usage: scripts/check.sh [unit|api|api-pg|e2e|install|fuzz|style|all]" >&2; exit 2 ;;
esac
passed=$(awk '{s+=$1} END {print s+0}' "$counts")
failed=$(awk '{s+=$2} END {print s+0}' "$counts")
[ "$suite_failed" -gt 0 ] && [ "$failed" -eq 0 ] && failed=$suite_failed
echo "check: $passed passed, $failed failed"
[ "$suite_failed" -eq 0 ] && [ "$failed" -eq 0 ]
