#!/usr/bin/env bash
# merge_cluster against ST_ClusterDBSCAN and a plain scan, on the same table of
# synthetic mines (test/bench/synthetic_mines.sql), for each N in
# MINECONSOL_BENCH_N.  Run by `make bench` (test/bench/run.sh), which provides
# the cluster and the database.
#
# Each query runs twice, each time in a fresh backend; the table shows the
# faster time and the larger peak memory (VmHWM of the backend, read from
# /proc/self/status by the backend itself).  "above scan" is the peak minus the
# plain scan's: what the query needs beyond reading the table (the scan's peak
# is mostly the shared buffers it touched).  The "window floor" rows are
# first_value(geom) over the same windows: what any window function over the
# geometries costs before it does any work (sort or spool of the rows).
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${MINECONSOL_BENCH_DB:?run me through make bench}
OUT=test/bench/out/cluster.md
REACH=500

. test/bench/lib.sh

psql_q -f test/bench/synthetic_mines.sql >/dev/null
settings=$(psql_q -c "SELECT string_agg(name || ' ' || current_setting(name), ', ' ORDER BY name)
                      FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'max_parallel_workers_per_gather', 'jit')")
case "$settings" in
	*"max_parallel_workers_per_gather 0"*) ;;
	*) echo "bench_cluster: the server runs with parallel workers ($settings); use make bench" >&2; exit 1 ;;
esac

{
	echo "## merge_cluster benchmark"
	echo
	echo "Machine: $(machine)"
	echo "Settings: $settings."
	echo "Data: synthetic_mines(N) (test/bench/synthetic_mines.sql, seed 42); reach $REACH m, every mine a non-anchor."
	echo
	echo "| N | query | time (s) | × DBSCAN | × scan | peak memory (MB) | above scan (MB) |"
	echo "|---|---|---:|---:|---:|---:|---:|"
} | tee "$OUT"

for N in $MINECONSOL_BENCH_N; do
	printf '== generating %s mines\n' "$N" >&2
	psql_q >/dev/null <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_mines;
CREATE UNLOGGED TABLE bench_mines AS SELECT * FROM synthetic_mines($N);
VACUUM (FREEZE, ANALYZE) bench_mines;
SELECT sum(ST_NPoints(geom)) FROM bench_mines;	-- warm up
SQL
	stats=$(psql_q -c "SELECT format('%s ore bodies, %s vertices on average, %s MB on disk',
	                   count(DISTINCT ore_body), round(avg(npoints)), pg_total_relation_size('bench_mines') / 1048576)
	                   FROM bench_mines")
	printf '== %s: %s\n' "$N" "$stats" >&2

	scan="SELECT sum(ST_NPoints(geom)) FROM bench_mines"
	dbscan="SELECT count(c) FROM (SELECT ST_ClusterDBSCAN(geom, $REACH, 1) OVER (PARTITION BY ore_body) AS c FROM bench_mines) AS s"
	mc_part="SELECT count(c) FROM (SELECT mineconsol.merge_cluster(geom, ore_body, $REACH, false) OVER (PARTITION BY ore_body) AS c FROM bench_mines) AS s"
	mc_all="SELECT count(c) FROM (SELECT mineconsol.merge_cluster(geom, ore_body, $REACH, false) OVER () AS c FROM bench_mines) AS s"
	# the floor of any window function over the geometries: sort (or spool)
	# the rows with their geometries, touch the first one
	floor_part="SELECT count(c) FROM (SELECT first_value(geom) OVER (PARTITION BY ore_body) IS NULL AS c FROM bench_mines) AS s"
	floor_all="SELECT count(c) FROM (SELECT first_value(geom) OVER () IS NULL AS c FROM bench_mines) AS s"

	# The table's rows, each a label and its query, timed in this order (lib.sh
	# best); every row is compared with the first two, the plain scan and
	# ST_ClusterDBSCAN.
	rows=(
		"plain scan: sum(ST_NPoints(geom))" "$scan"
		"ST_ClusterDBSCAN(geom, $REACH, 1) OVER (PARTITION BY ore_body)" "$dbscan"
		"merge_cluster(geom, ore_body, $REACH, false) OVER (PARTITION BY ore_body)" "$mc_part"
		"merge_cluster(geom, ore_body, $REACH, false) OVER ()" "$mc_all"
		"window floor: first_value(geom) OVER (PARTITION BY ore_body)" "$floor_part"
		"window floor: first_value(geom) OVER ()" "$floor_all"
	)
	ms=() kb=()
	for ((i = 0; i < ${#rows[@]}; i += 2)); do
		read -r "ms[$i]" "kb[$i]" < <(best "${rows[i + 1]}")
	done
	for ((i = 0; i < ${#rows[@]}; i += 2)); do
		awk -v n="$N" -v label="${rows[i]}" -v ms="${ms[i]}" -v kb="${kb[i]}" -v sc="${ms[0]}" -v kbs="${kb[0]}" -v db="${ms[2]}" \
			'BEGIN { printf "| %d | %s | %.2f | %.2f | %.1f | %.0f | %.0f |\n", n, label, ms / 1000, ms / db, ms / sc, kb / 1024, (kb - kbs) / 1024 }'
	done | tee -a "$OUT"

	clustered=$(psql_q -c "$mc_all")
	printf '== %s: %s mines in merge clusters (%s)\n' "$N" "$clustered" "$stats" >&2
	echo "<!-- N=$N: $stats; $clustered mines in merge clusters -->" >>"$OUT"
	psql_q -c "DROP TABLE bench_mines"
done
echo "(report in $OUT)" >&2
