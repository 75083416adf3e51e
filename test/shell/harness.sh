#!/usr/bin/env bash
# The runner itself (test/run-suite.sh and test/lib/harness.pl) on planted
# tests in a temporary directory: a good test keeps the summary green; a "not
# ok" line, a short plan, a non-zero exit, a bail-out, an SQL test's output
# that differs from the expected one, or a missing output each turn it red
# (non-zero exit, "M failed" with M > 0 on the last line).  Needs no server.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/test/lib/tap.sh"
work=$(mktemp -d /tmp/mineconsol-harness.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/t" "$work/expected" "$work/results"

plant() { # NAME BODY: a shell test
	printf '%s\n' "$2" >"$work/t/$1.sh"
}
plant good 'echo 1..2; echo "ok 1 - one"; echo "ok 2 - two"'
plant not_ok_exit0 'echo 1..2; echo "ok 1 - one"; echo "not ok 2 - two"; exit 0'
plant short_plan 'echo 1..3; echo "ok 1 - one"; echo "ok 2 - two"'
plant no_plan 'echo "ok 1 - one"'
plant exit1 'echo 1..1; echo "ok 1 - one"; echo "went wrong" >&2; exit 1'
plant bail 'echo 1..2; echo "ok 1 - one"; echo "Bail out! cannot set up"'
plant todo 'echo 1..2; echo "ok 1 - one"; echo "not ok 2 - two # TODO not yet"'

# run [ARGS…]: the runner on shell tests; sets rc and last (the summary line)
run() {
	MINECONSOL_OUTDIR=$work bash "$here/test/run-suite.sh" --shell "$@" >"$work/out" 2>&1
	rc=$?
	last=$(tail -n 1 "$work/out")
}

plan 22
run "$work/t/good.sh"
is "$rc $last" "0 2 passed, 0 failed" "a passing test: exit 0, all its tests counted"
run "$work/t/good.sh" "$work/t/todo.sh"
is "$rc $last" "0 4 passed, 0 failed" "a failing TODO test is not a failure"
run "$work/t/good.sh" "$work/t/not_ok_exit0.sh"
is "$rc $last" "1 3 passed, 1 failed" "a 'not ok' line fails the run although the test exits 0"
like "$(cat "$work/out")" "not ok 2 - two" "… and the failing line is shown"
run "$work/t/good.sh" "$work/t/short_plan.sh"
is "$rc $last" "1 4 passed, 1 failed" "fewer tests than planned fail the run"
run "$work/t/no_plan.sh"
is "$rc $last" "1 1 passed, 1 failed" "a test without a plan fails the run"
run "$work/t/exit1.sh" "$work/t/good.sh"
is "$rc $last" "1 3 passed, 1 failed" "a non-zero exit fails the run although every line is ok"
like "$(cat "$work/out")" "went wrong" "… and its standard error is shown"
run "$work/t/good.sh" "$work/t/bail.sh" "$work/t/exit1.sh"
is "$rc" 1 "a bail-out fails the run"
like "$last" "^[0-9]+ passed, 2 failed$" "… the bailing test and the one never run count as failures"
like "$(tail -n 1 "$work/out")" '^[0-9]+ passed, [0-9]+ failed$' "the summary is the last line after a bail-out too"

# SQL tests: pg_regress's output (pgTAP inside) against the expected output.
sqlrun() { # NAME…: judge results/NAME.out against expected/NAME.out
	local a=() n
	for n in "$@"; do a+=(--sql "$n"); done
	perl "$here/test/lib/harness.pl" --results "$work/results" --expected "$work/expected" \
		--diffs "$work/regression.diffs" "${a[@]}" >"$work/out" 2>&1
	rc=$?
	last=$(tail -n 1 "$work/out")
}
printf '\\i test/setup.psql\n1..2\nok 1 - one\nok 2 - two\n' | tee "$work/expected/same.out" >"$work/results/same.out"
sqlrun same
is "$rc $last" "0 2 passed, 0 failed" "an SQL test whose output is the expected one passes"
printf '1..2\nok 1 - one\nnot ok 2 - two\n# Failed test 2\n' | tee "$work/expected/bad.out" >"$work/results/bad.out"
sqlrun same bad
is "$rc $last" "1 3 passed, 1 failed" "an SQL test with a failing line fails the run even when the expected output has it"
printf '1..2\nok 1 - one\nok 2 - two\n' >"$work/expected/differs.out"
printf '1..2\nok 1 - one\nok 2 - two\nERROR:  something else\n' >"$work/results/differs.out"
echo "+ERROR:  something else" >"$work/regression.diffs"
sqlrun differs
is "$rc $last" "1 2 passed, 1 failed" "an SQL test whose output differs from the expected one fails, its lines all ok"
like "$(cat "$work/out")" "something else" "… and the regression diffs are shown"
printf '1..3\nok 1 - one\nok 2 - two\n' | tee "$work/expected/short.out" >"$work/results/short.out"
sqlrun short
is "$rc $last" "1 2 passed, 1 failed" "an SQL test that stops short of its plan fails (even if expected says so)"
sqlrun missing
is "$rc $last" "1 0 passed, 1 failed" "an SQL test without output fails"

# The server log excerpt: only the lines of the failing test's client.
cat >"$work/server.log" <<'LOG'
2026-01-01 00:00:00.000 UTC [10] pg_regress/same: ERROR:  not this one
2026-01-01 00:00:00.000 UTC [11] pg_regress/differs: ERROR:  relation "x" does not exist
2026-01-01 00:00:00.000 UTC [11] pg_regress/differs: STATEMENT:  SELECT * FROM x;
2026-01-01 00:00:00.000 UTC [11] pg_regress/differs: LOG:  not a warning
2026-01-01 00:00:00.000 UTC [12] psql: WARNING:  nor this
LOG
perl "$here/test/lib/harness.pl" --results "$work/results" --expected "$work/expected" \
	--diffs "$work/regression.diffs" --server-log "$work/server.log" --sql same --sql differs >"$work/out" 2>&1
log=$(sed -n '/server log/,$p' "$work/out")
like "$log" 'relation "x" does not exist' "the failing test's server log lines are shown"
like "$log" 'STATEMENT:  SELECT \* FROM x' "… with their statement"
ok "$(printf '%s' "$log" | grep -qE 'not this one|nor this|not a warning'; [ $? -ne 0 ]; echo $?)" \
	"… and no other client's lines, nor its LOG lines"
is "$(tail -n 1 "$work/out")" "4 passed, 1 failed" "the summary still comes last"
ok "$(grep -q '^---- sql/differs: server log' "$work/out"; echo $?)" "the excerpt is labelled with the test"
