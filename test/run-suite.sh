#!/usr/bin/env bash
# The suite against the server named by PGHOST/PGPORT/PGUSER (the throwaway
# one `make test` starts, or a DBA's: the shell tests need a superuser and
# create and drop databases of fixed names).
#
#   test/run-suite.sh                  every SQL test, then every shell test
#   test/run-suite.sh NAME...          these SQL tests (test/sql/NAME.sql), then every shell test
#   test/run-suite.sh --shell [FILE...] only shell tests (all of test/shell/*.sh by default)
#   test/run-suite.sh --sql [NAME...]   only SQL tests (all by default)
#
# 1. pg_regress over the SQL tests (pgTAP inside, expected output in expected/);
# 2. test/lib/harness.pl: TAP::Harness judges every SQL test's output and runs
#    and judges the shell tests; it prints "N passed, M failed" last and exits
#    non-zero on any failure.  MINECONSOL_SERVER_LOG names the server's log,
#    so that a failure's excerpt of it can be shown.
# Outputs go to results/ and regression.diffs under MINECONSOL_OUTDIR (.).
set -uo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-pg_config}
export MINECONSOL_TEST_DB=${MINECONSOL_TEST_DB:-mineconsol_regression}

sql=() shell=()
if [ "${1:-}" = --shell ]; then
	shift
	shell=("$@")
	[ ${#shell[@]} -gt 0 ] || shell=(test/shell/*.sh)
elif [ "${1:-}" = --sql ]; then
	shift
	sql=("$@")
	if [ ${#sql[@]} -eq 0 ]; then
		for f in test/sql/*.sql; do sql+=("$(basename "$f" .sql)"); done
	fi
else
	sql=("$@")
	if [ ${#sql[@]} -eq 0 ]; then
		for f in test/sql/*.sql; do sql+=("$(basename "$f" .sql)"); done
	fi
	shell=(test/shell/*.sh)
fi

out=${MINECONSOL_OUTDIR:-.}
rm -rf "$out/results" "$out/regression.diffs" "$out/regression.out"
mkdir -p "$out/results"
harness_args=(--results "$out/results" --diffs "$out/regression.diffs")
log=${MINECONSOL_SERVER_LOG:-}
# The SQL tests' part of the server log starts here.
[ -n "$log" ] && harness_args+=(--server-log "$log" --log-from "$(stat -c %s "$log" 2>/dev/null || echo 0)")
if [ ${#sql[@]} -gt 0 ]; then
	PGXS_DIR=$(dirname "$("$PG_CONFIG" --pgxs)")/../..
	# pg_regress's own verdicts go to results/pg_regress.log: the harness
	# below judges the same outputs (and says more when one fails).
	echo "== pg_regress: ${#sql[@]} SQL tests (their TAP is judged below)" >&2
	t0=$SECONDS
	"$PGXS_DIR/src/test/regress/pg_regress" --inputdir=test --bindir="$("$PG_CONFIG" --bindir)" \
		--outputdir="$out" --dbname="$MINECONSOL_TEST_DB" "${sql[@]}" >"$out/results/pg_regress.log" 2>&1
	rc=$?
	echo "== pg_regress: done in $((SECONDS - t0)) s" >&2
	[ $rc -eq 0 ] || [ -s "$out/regression.diffs" ] || { cat "$out/results/pg_regress.log"; echo "# pg_regress exited $rc"; }
	for t in "${sql[@]}"; do harness_args+=(--sql "$t"); done
fi
exec perl test/lib/harness.pl "${harness_args[@]}" "${shell[@]}"
