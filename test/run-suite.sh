#!/usr/bin/env bash
# make installcheck: the whole suite against the server named by PGHOST/PGPORT
# (the DBA's, or the throwaway one `make test` starts).
#   1. pg_regress over test/sql/*.sql (pgTAP inside, expected output in expected/);
#   2. the shell tests in test/shell/*.sh (pg_dump round trips, GDAL, concurrency …),
#      each printing TAP;
# then one summary line "N passed, M failed" counting TAP tests, and a non-zero
# exit on any failure.  A test file whose output differs from expected/ without
# a failing TAP line (a wrong plan, an unexpected error) counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-pg_config}
PGXS_DIR=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
PG_REGRESS=$PGXS_DIR/src/test/regress/pg_regress
BINDIR=$("$PG_CONFIG" --bindir)
export MINECONSOL_TEST_DB=${MINECONSOL_TEST_DB:-mineconsol_regression}

passed=0 failed=0

# count_tap FILE: add the file's ok / not ok lines to the totals; leave the
# number of failing lines in $bad so the caller can tell "diff only" failures.
count_tap() {
	local ok
	ok=$(grep -cE '^ok [0-9]+' "$1" || true)
	bad=$(grep -cE '^not ok [0-9]+' "$1" || true)
	passed=$((passed + ok))
	failed=$((failed + bad))
}

rm -rf results regression.diffs regression.out
"$PG_REGRESS" --inputdir=test --bindir="$BINDIR" --dbname="$MINECONSOL_TEST_DB" "$@"
regress_status=$?
for t in "$@"; do
	out=results/$t.out
	if [ ! -f "$out" ]; then
		failed=$((failed + 1)); continue
	fi
	count_tap "$out"
	if [ "$bad" -eq 0 ] && ! cmp -s "$out" "expected/$t.out"; then
		echo "not ok - $t: output differs from expected/$t.out (see regression.diffs)"
		failed=$((failed + 1))
	fi
done

mkdir -p results/shell
for sh in test/shell/*.sh; do
	[ -f "$sh" ] || continue
	name=$(basename "$sh" .sh)
	out=results/shell/$name.tap
	bash "$sh" >"$out" 2>"results/shell/$name.err"
	rc=$?
	count_tap "$out"
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
	ran=$(grep -cE '^(not )?ok [0-9]+' "$out" || true)
	if [ "$rc" -ne 0 ] || [ -z "$planned" ] || [ "$planned" -ne "$ran" ]; then
		[ "$bad" -eq 0 ] && failed=$((failed + 1))
		printf 'not ok - shell test %s (exit %s, planned %s, ran %s)\n' "$name" "$rc" "${planned:-?}" "$ran"
		sed 's/^/    /' "$out" | grep -E '^    (not ok|#)' || true
		tail -n 20 "results/shell/$name.err" | sed 's/^/    stderr: /'
	else
		printf 'ok    - shell test %s (%s tests)\n' "$name" "$ran"
	fi
	grep -E '^not ok' "$out" | sed "s/^/    $name: /" || true
done

if [ "$regress_status" -ne 0 ] && [ -f regression.diffs ]; then
	echo "---- regression.diffs (first 200 lines) ----"
	head -n 200 regression.diffs
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$regress_status" -eq 0 ]
