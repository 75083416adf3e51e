#!/usr/bin/env bash
# Stored results and their freshness, side by side with ST_ClusterDBSCAN on the
# same registry (test/bench/load_registry.sql), for each N in
# MINECONSOL_BENCH_N.  Run by `make bench` (test/bench/run.sh); each N gets a
# fresh database.  Ratios are to ST_ClusterDBSCAN(geom, 500, 1) OVER
# (PARTITION BY ore_body) measured in the same run, alternating with the
# full refresh.
#
# Goals (issue 14): full refresh_results(false) at most 3x ST_ClusterDBSCAN;
# one mine edited then refresh_results() at most 1/10 of a full refresh (a
# mine of county 140930, the smallest, and one of the largest county);
# simulate() no slower than a full refresh; v_county_progress under 0.2 s.
# The write side: what the staleness triggers add to a one-mine update and to
# an N-row insert, as ratios to the same statements with them disabled.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MINECONSOL_BENCH_N:?run me through make bench}"
DB=mineconsol_bench_results
OUT=test/bench/out/results.md
. test/bench/lib.sh

# The statements timed, one variable each: the same prologue and shape as
# bench_classify.sh's, other statements (what both do alike is in lib.sh).
FULL="SELECT * FROM mineconsol.refresh_results(false)"
EDIT="UPDATE mineconsol.mines SET reserves_t = reserves_t + 1 WHERE id = 1"
# The same edit in the largest county (stale results are recomputed per county).
EDIT_BIG="UPDATE mineconsol.mines SET reserves_t = reserves_t + 1 WHERE id = (SELECT min(id) FROM mineconsol.mines WHERE county_code = (SELECT county_code FROM mineconsol.mines GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1))"
STALE_TRIGGERS="mines_results_stale_insert mines_results_stale_update mines_results_stale_l1_insert mines_results_stale_l1_update"
COLS="name, county_code, ore_body, holder, holder_uscc, licensed_by, mineral, mineral_group, reserves_t, capacity, capacity_unit, valid_from, valid_to, expiry_cause, transfer_mode, geom"
IMPORT="INSERT INTO mineconsol.mines ($COLS) SELECT $COLS FROM bench.import"
triggers() { # triggers ENABLE|DISABLE
	local t
	for t in $STALE_TRIGGERS; do psql_q -c "ALTER TABLE mineconsol.mines $1 TRIGGER $t"; done
}

{
	echo "## Stored results benchmark"
	echo
	echo "| mines | refresh_results(false) | ST_ClusterDBSCAN | ratio | edit 1 mine + refresh_results() | ratio to full | … in the largest county | ratio to full | simulate('{}') | ratio to full | v_county_progress | 1-mine update: with / without staleness | N-row insert: with / without |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee "$OUT"

for n in $MINECONSOL_BENCH_N; do
	registry_db "$n"
	psql_q -c "VACUUM ANALYZE"
	machine_line=$(machine)
	read -r f_ms s_ms < <(best_pair "$FULL" "$DBSCAN" 2)
	read -r e_ms _ < <(best "SELECT * FROM mineconsol.refresh_results()" "$EDIT")
	read -r eb_ms _ < <(best "SELECT * FROM mineconsol.refresh_results()" "$EDIT_BIG")
	read -r sim_ms _ < <(best "SELECT count(*) FROM mineconsol.simulate('{}')")
	read -r p_ms _ < <(best "SELECT count(*) FROM mineconsol.v_county_progress")
	# Write side.  One mine: best of three each way.
	u_on=$( (for _ in 1 2 3; do measure "$EDIT"; done) | awk 'NR == 1 || $1 < m { m = $1 } END { print m }')
	triggers DISABLE
	u_off=$( (for _ in 1 2 3; do measure "$EDIT"; done) | awk 'NR == 1 || $1 < m { m = $1 } END { print m }')
	triggers ENABLE
	# N rows inserted in one statement (copies of the registry), then removed.
	psql_q -c "CREATE TABLE bench.import AS SELECT $COLS FROM mineconsol.mines"
	read -r i_on _ < <(measure "$IMPORT")
	psql_q -c "DELETE FROM mineconsol.mines WHERE id > $n" -c "VACUUM ANALYZE mineconsol.mines"
	triggers DISABLE
	read -r i_off _ < <(measure "$IMPORT")
	triggers ENABLE
	awk -v n="$n" -v f="$f_ms" -v s="$s_ms" -v e="$e_ms" -v eb="$eb_ms" -v sim="$sim_ms" -v p="$p_ms" \
		-v uon="$u_on" -v uoff="$u_off" -v ion="$i_on" -v ioff="$i_off" 'BEGIN {
		printf "| %d | %.2f s | %.2f s | %.2fx | %.2f s | %.3f | %.2f s | %.3f | %.2f s | %.2f | %.3f s | %.1f / %.1f ms (%.2fx) | %.2f / %.2f s (%.2fx) |\n",
			n, f / 1000, s / 1000, f / s, e / 1000, e / f, eb / 1000, eb / f, sim / 1000, sim / f, p / 1000,
			uon, uoff, uon / uoff, ion / 1000, ioff / 1000, ion / ioff
	}' | tee -a "$OUT"
done
printf '\nMachine: %s\n' "$machine_line" | tee -a "$OUT"
drop_db
