#!/usr/bin/env bash
# The dispositions view against ST_ClusterDBSCAN alone, on the same registry of
# synthetic mines (with violations and zones, test/bench/load_registry.sql),
# and classify() itself over a materialised mine_facts table, for each N in
# MINECONSOL_BENCH_N.  Run by `make bench` (test/bench/run.sh), which provides
# the cluster; each N gets a fresh database.
#
# Goals (issue 4): dispositions within 2x ST_ClusterDBSCAN(geom, 500, 1) OVER
# (PARTITION BY ore_body); classify() at 1 000 000 rows/s or more.  The last
# column is the write side of the zone facts, which the view reads from
# mine_zone_relations: rebuild_zone_relations() for the whole registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MINECONSOL_BENCH_N:?run me through make bench}"
DB=mineconsol_bench_classify
OUT=test/bench/out/classify.md
. test/bench/lib.sh

DISPOSITIONS="SELECT disposition, count(*) FROM mineconsol.dispositions GROUP BY 1"
# classify() over stored facts rows (a table of mine_facts values), and over a
# table of the same columns, where PostgreSQL first forms each row argument.
CLASSIFY="SELECT count(*) FROM bench.facts_rows r WHERE (mineconsol.classify(r.f)).disposition IS NOT NULL"
SCAN="SELECT count(r.f) FROM bench.facts_rows r"
CLASSIFY_COLS="SELECT count(*) FROM bench.facts f WHERE (mineconsol.classify_row(f)).disposition IS NOT NULL"
SCAN_COLS="SELECT count(*) FROM bench.facts f WHERE f.id IS NOT NULL"

{
	echo "## Classification benchmark"
	echo
	echo "| mines | dispositions view | ST_ClusterDBSCAN | ratio | classify() rows/s, stored facts rows (net of the scan) | … facts as table columns (row formed per call) | refresh_results() | v_county_progress | rebuild_zone_relations() |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee "$OUT"

for n in $MINECONSOL_BENCH_N; do
	registry_db "$n"
	psql_q -c "CREATE TABLE bench.facts AS SELECT * FROM mineconsol.mine_facts" -c "VACUUM ANALYZE bench.facts" \
		-c "CREATE TABLE bench.facts_rows (f mineconsol.mine_facts)" \
		-c "ALTER TABLE bench.facts_rows ALTER COLUMN f SET STORAGE PLAIN" \
		-c "INSERT INTO bench.facts_rows SELECT f FROM mineconsol.mine_facts f" -c "VACUUM ANALYZE bench.facts_rows"
	machine_line=$(machine)
	# One line per query timed (lib.sh best/measure do the work), each into
	# the variables its column of the row below is computed from.
	read -r d_ms s_ms < <(best_pair "$DISPOSITIONS" "$DBSCAN")
	read -r c_ms _ < <(best "$CLASSIFY")
	read -r f_ms _ < <(best "$SCAN")
	read -r cc_ms _ < <(best "$CLASSIFY_COLS")
	read -r fc_ms _ < <(best "$SCAN_COLS")
	# The reporting views read the stored results: refresh once, then time them.
	read -r r_ms _ < <(measure "SELECT * FROM mineconsol.refresh_results()")
	read -r p_ms _ < <(best "SELECT count(*) FROM mineconsol.v_county_progress")
	# The write side of the zone facts: every mine-zone relation computed afresh.
	read -r z_ms _ < <(measure "SELECT mineconsol.rebuild_zone_relations()")
	awk -v n="$n" -v d="$d_ms" -v s="$s_ms" -v c="$c_ms" -v f="$f_ms" -v cc="$cc_ms" -v fc="$fc_ms" \
		-v r="$r_ms" -v p="$p_ms" -v z="$z_ms" 'BEGIN {
		net = c - f; if (net < 0.001) net = 0.001
		netc = cc - fc; if (netc < 0.001) netc = 0.001
		printf "| %d | %.2f s | %.2f s | %.2fx | %.0f | %.0f | %.1f s | %.3f s | %.2f s |\n",
			n, d / 1000, s / 1000, d / s, n / (net / 1000), n / (netc / 1000), r / 1000, p / 1000, z / 1000
	}' | tee -a "$OUT"
done
printf '\nMachine: %s\n' "$machine_line" | tee -a "$OUT"
drop_db
