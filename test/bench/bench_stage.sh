#!/usr/bin/env bash
# Benchmark of the stage workflow: transitions per second through advance()
# (C trigger checks, evidence, prerequisites, deadline, SHA-256 chain append)
# against the same work without any of it: a plain UPDATE of the stage and
# an INSERT into an events table of the same shape, in one statement that
# returns the event row, as advance() does.  pgbench, 8 clients, the same number of transitions on
# both paths.  The two paths run in alternating rounds (unchecked first in
# odd rounds, enforced first in even ones) on fresh rows each round, and the
# ratio is the median of the rounds' ratios: on a small shared machine one
# pair of runs swings by ±20 %.  Prints a markdown table; the goal is a
# ratio of at most 1.5.
#
# Runs against PGHOST/PGPORT when set (test/bench/run.sh starts a throwaway
# cluster); otherwise builds, installs and starts its own throwaway cluster
# (test/lib/cluster.sh), like `make test`.
#
#   BENCH_CLIENTS (8)  BENCH_UNITS_PER_CLIENT (1000: 7 transitions each)
#   BENCH_ROUNDS (5)
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib/cluster.sh

CLIENTS=${BENCH_CLIENTS:-8}
K=${BENCH_UNITS_PER_CLIENT:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
STEPS=7
PER_CLIENT=$((K * STEPS))
db=mineconsol_bench_stage

if [ -z "${PGHOST:-}" ]; then
	ensure_deps
	build
	trap stop_cluster EXIT
	start_cluster
fi

PGOPTIONS="-c client_min_messages=warning" psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION mineconsol CASCADE;
SET search_path = mineconsol, public;
INSERT INTO schemes (county_code) VALUES ('140902');
SELECT advance('scheme', (SELECT id FROM schemes), s, jsonb_build_object('date', '2022-10-01', 'doc_no', 'd-' || s, 'media', '忻州日报'))
  FROM unnest(ARRAY['drafted', 'hearing_held', 'noticed', 'submitted', 'approved']) WITH ORDINALITY AS u(s, n) ORDER BY n;
INSERT INTO units (id, county_code) SELECT g, '140902' FROM generate_series(1, $ROUNDS * $CLIENTS * $K) g;

-- The unchecked path: tables of the same shape, no triggers, no hash.
CREATE SCHEMA plain;
CREATE TABLE plain.units (LIKE mineconsol.units INCLUDING DEFAULTS INCLUDING INDEXES);
CREATE TABLE plain.stage_events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, track text NOT NULL, row_id bigint NOT NULL,
	from_stage text NOT NULL, to_stage text NOT NULL, actor text NOT NULL, at timestamptz NOT NULL,
	evidence jsonb NOT NULL, due date, days_late integer, prev_hash bytea, hash bytea, reason text);
CREATE INDEX ON plain.stage_events (track, row_id, id);
INSERT INTO plain.units SELECT * FROM mineconsol.units;
VACUUM ANALYZE;
SQL

work=$(mktemp -d /tmp/mineconsol-bench-stage.XXXXXX)
trap 'rm -rf "$work"; stop_cluster' EXIT

# In round r (base = (r-1)*CLIENTS*K), client c (0-based) walks its units
# base+c*K+1 … base+c*K+K one step per transaction, all of them to
# reserves_verified, then all to valued, and so on.
common="\\set n :n + 1
\\set unit :base + :client_id * $K + 1 + (:n - 1) % $K
\\set step (:n - 1) / $K + 1"
evidence='{"date": "2023-05-01", "doc_no": "bench", "shares": {"甲": 1}, "license_no": "C1409022023057130000001", "accepted_by": "忻府区自然资源局"}'
stages="ARRAY['planned', 'reserves_verified', 'valued', 'transferred', 'rights_settled', 'plans_approved', 'licensed', 'restored']"
cat >"$work/enforced.sql" <<SQL
$common
SELECT mineconsol.advance('unit', :unit, ($stages)[:step + 1], '$evidence');
SQL
cat >"$work/unchecked.sql" <<SQL
$common
WITH u AS (UPDATE plain.units SET stage = ($stages)[:step + 1], stage_evidence = '$evidence' WHERE id = :unit RETURNING id)
INSERT INTO plain.stage_events (track, row_id, from_stage, to_stage, actor, at, evidence)
SELECT 'unit', u.id, ($stages)[:step], ($stages)[:step + 1], current_user, clock_timestamp(), '$evidence' FROM u
RETURNING *;
SQL

run() { # run SCRIPT BASE → tps
	psql -X -q -d $db -c CHECKPOINT
	pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -t "$PER_CLIENT" -D n=0 -D base="$2" -f "$1" $db 2>"$work/pgbench.err" |
		sed -n 's/^tps = \([0-9]*\)\.[0-9]* (without initial connection time)$/\1/p'
}
rows=""
ratios=""
# The machine's load when the run starts (other work on it shows in the
# figures: say how busy it was).
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$ROUNDS"); do
	base=$(((r - 1) * CLIENTS * K))
	if [ $((r % 2)) -eq 1 ]; then
		u=$(run "$work/unchecked.sql" $base)
		e=$(run "$work/enforced.sql" $base)
	else
		e=$(run "$work/enforced.sql" $base)
		u=$(run "$work/unchecked.sql" $base)
	fi
	[ -n "$u" ] && [ -n "$e" ] || { cat "$work/pgbench.err" >&2; exit 1; }
	ratio=$(awk -v a="$u" -v b="$e" 'BEGIN { printf "%.2f", a / b }')
	rows="$rows| $r | $u | $e | ${ratio}× |
"
	ratios="$ratios $ratio"
done

check=$(psql -X -q -At -d $db -c "SELECT (SELECT count(*) FROM mineconsol.stage_events WHERE track = 'unit')
	|| ' ' || (SELECT count(*) FROM plain.stage_events) || ' ' || (SELECT ok FROM mineconsol.verify_audit())")
read -r n_enforced n_unchecked chain_ok <<<"$check"
median=$(printf '%s\n' $ratios | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
goal=$(awk -v r="$median" 'BEGIN { print (r <= 1.5) ? "met" : "not met" }')

echo "### Stage workflow: transitions per second ($CLIENTS clients, $((CLIENTS * PER_CLIENT)) transitions per path and round, $ROUNDS rounds, $(nproc) CPUs)"
echo
echo "Unchecked: a plain UPDATE of the stage + INSERT of an event row in one statement, no checks, no hash; it returns the event row, as \`advance()\` does."
echo "Enforced: \`advance()\` (C trigger: step, evidence, prerequisites, deadline; SHA-256 chain append)."
echo
echo "| round | unchecked tps | enforced tps | cost of enforcement |"
echo "|---:|---:|---:|---:|"
printf '%s' "$rows"
echo
echo "Cost of enforcement, median of the rounds: **${median}×** the unchecked path (goal ≤ 1.5×: $goal)."
echo "Events recorded: $n_enforced enforced, $n_unchecked unchecked; the audit trail verifies after the run: $chain_ok."
echo "Load average (1, 5, 15 min) when the run started: $load_before; when it ended: $(cut -d' ' -f1-3 /proc/loadavg)."
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
