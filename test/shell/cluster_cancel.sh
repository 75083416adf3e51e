#!/usr/bin/env bash
# merge_cluster stops promptly when cancelled: statement_timeout and
# pg_cancel_backend end a run of a million rows (while the window spools the
# partition, and while merge_cluster reads it) and a run stuck in the pair
# loop (6000 nested rings: every pair a candidate, none within reach) within a
# second, with SQLSTATE 57014; the session works normally afterwards.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
DB=mineconsol_cluster_cancel
plan 10

# calc EXPR: floating-point arithmetic and comparisons (1 or 0), by awk.
calc() { awk "BEGIN { print ($1) }"; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null \
	|| { echo "Bail out! cannot create $DB"; exit 1; }
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL' || { echo "Bail out! cannot set up"; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS mineconsol CASCADE;
-- a million 80 m squares on a jittered 150 m grid, 20 ore bodies
CREATE UNLOGGED TABLE cancel_mines AS
  SELECT i AS id, 'OB' || (i % 20) AS ore_body,
         ST_MakeEnvelope(x, y, x + 80, y + 80, 4547) AS geom
    FROM (SELECT i, 300000 + (i % 1000) * 150 + (hashint4(i) % 50) AS x,
                 4220000 + (i / 1000) * 150 AS y
            FROM generate_series(0, 999999) AS i) AS s;
-- 6000 nested square rings 1 m apart
CREATE UNLOGGED TABLE cancel_rings AS
  SELECT i AS id,
         ST_MakePolygon(ST_ExteriorRing(ST_MakeEnvelope(-11 - 2 * i, -11 - 2 * i, 11 + 2 * i, 11 + 2 * i, 4547)),
                        ARRAY[ST_ExteriorRing(ST_MakeEnvelope(-10 - 2 * i, -10 - 2 * i, 10 + 2 * i, 10 + 2 * i, 4547))]) AS geom
    FROM generate_series(0, 5999) AS i;
VACUUM (FREEZE, ANALYZE) cancel_mines, cancel_rings;
SELECT sum(ST_NPoints(geom)) FROM cancel_mines;
SQL

MINES_Q="SELECT count(c) FROM (SELECT mineconsol.merge_cluster(geom, ore_body, 500, false) OVER () AS c FROM cancel_mines) AS s"
RINGS_Q="SELECT count(c) FROM (SELECT mineconsol.merge_cluster(geom, 'A', 0.5, false) OVER () AS c FROM cancel_rings) AS s"

now() { date +%s.%N; }

# run_with_timeout TIMEOUT QUERY: sets state (the SQLSTATE, empty if none) and
# late (seconds from the deadline to the end)
run_with_timeout() {
	local t0 t1 out
	t0=$(now)
	out=$(psql -X -q -d "$DB" -v VERBOSITY=verbose \
		-c "SET statement_timeout = '$1s'" -c "$2" 2>&1)
	t1=$(now)
	state=$(printf '%s' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\):.*/\1/p' | head -n 1)
	late=$(calc "$t1 - $t0 - $1")
}

check_prompt() { # LABEL SQLSTATE SECONDS-LATE
	is "$2" 57014 "$1: SQLSTATE 57014"
	ok "$(calc "$3 < 1.0" | grep -qx 1; echo $?)" "$1: ended $(printf '%.3f' "$3") s after the deadline (< 1 s)"
}

# a full run first (after a warm-up): the deadlines fall at 25 % and 50 % of it
psql -X -q -At -d "$DB" -c "$MINES_Q" >/dev/null 2>&1
t0=$(now)
full=$(psql -X -q -At -d "$DB" -c "$MINES_Q" 2>&1)
T=$(calc "$(now) - $t0")
is "$full" 1000000 "an uncancelled run clusters every row ($(printf '%.2f' "$T") s)"
early=$(printf '%.2f' "$(calc "$T * 0.25")")
late_deadline=$(printf '%.2f' "$(calc "$T * 0.5")")

run_with_timeout "$early" "$MINES_Q"
check_prompt "statement_timeout ${early} s on 1M rows" "$state" "$late"
run_with_timeout "$late_deadline" "$MINES_Q"
check_prompt "statement_timeout ${late_deadline} s on 1M rows" "$state" "$late"
run_with_timeout 1 "$RINGS_Q"
check_prompt "statement_timeout 1 s in the pair loop" "$state" "$late"

# pg_cancel_backend (what Ctrl-C sends) from another session
psql -X -q -d "$DB" -v VERBOSITY=verbose -c "$MINES_Q" >/tmp/cluster_cancel.$$ 2>&1 &
bg=$!
sleep "$(printf '%.2f' "$(calc "$T * 0.4")")"
t0=$(now)
psql -X -q -At -d "$DB" -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                            WHERE query LIKE '%merge_cluster%cancel_mines%' AND pid <> pg_backend_pid()" >/dev/null
wait $bg
t1=$(now)
state=$(sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\):.*/\1/p' /tmp/cluster_cancel.$$ | head -n 1)
rm -f /tmp/cluster_cancel.$$
late=$(calc "$t1 - $t0")
check_prompt "pg_cancel_backend during a 1M-row run" "$state" "$late"

# and the next query in a fresh session gets the right answer
is "$(psql -X -q -At -d "$DB" -c "SELECT string_agg(coalesce(c::text, '.'), ' ' ORDER BY i)
        FROM (SELECT i, mineconsol.merge_cluster(ST_MakeEnvelope(i * 300, 0, i * 300 + 100, 100, 4547), 'A', 200, false)
                          OVER (ORDER BY i) AS c FROM generate_series(1, 4) AS i) AS s")" \
	"1 1 1 1" "merge_cluster works normally after the cancels"

