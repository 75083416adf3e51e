#!/usr/bin/env bash
# make bench: install what is missing, build mineconsol, start a throwaway
# cluster with this build privately installed, sized for a million mines,
# run every test/bench/bench_*.sh in name order against it, remove the cluster.
#
#   make bench                                   # N = 100 000 and 1 000 000
#   MINECONSOL_BENCH_N="10000 100000" make bench # other sizes
#   MINECONSOL_BENCH_ONLY=classify make bench      # one benchmark (classify, cluster, stage)
#
# Each bench script gets PGHOST/PGPORT/PGUSER and MINECONSOL_BENCH_DB (a
# database with postgis and mineconsol installed) and prints its own report;
# reports are also kept in test/bench/out/.
set -euo pipefail
cd "$(dirname "$0")/../.."
. test/lib/cluster.sh

export MINECONSOL_BENCH_N=${MINECONSOL_BENCH_N:-100000 1000000}
export MINECONSOL_BENCH_DB=mineconsol_bench
CLUSTER_PORT=${CLUSTER_PORT:-54339}
# Everything in memory: shared_buffers holds the 1M-row table, work_mem the
# sort and the window's partition; no parallel scans or JIT, so that every
# query runs the same way.  The cluster runs this build from a private
# install (test/lib/cluster.sh), preloaded.
# (One line: pg_ctl passes these through a shell.)
CLUSTER_OPTS="-c shared_buffers=2GB -c work_mem=2GB -c maintenance_work_mem=1GB"
CLUSTER_OPTS+=" -c max_parallel_workers_per_gather=0 -c jit=off -c max_wal_size=8GB"
CLUSTER_OPTS+=" -c shared_preload_libraries=mineconsol ${CLUSTER_OPTS_EXTRA:-}"

ensure_deps
build
trap stop_cluster EXIT
start_cluster
as_pg "$PGBIN/createdb" -h "$PGHOST" -p "$PGPORT" -U postgres "$MINECONSOL_BENCH_DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$MINECONSOL_BENCH_DB" \
	-c "SET client_min_messages = warning" -c "CREATE EXTENSION mineconsol CASCADE"

mkdir -p test/bench/out
status=0
for b in test/bench/bench_${MINECONSOL_BENCH_ONLY:-*}.sh; do
	[ -f "$b" ] || continue
	log "running $b"
	bash "$b" || { status=$?; log "$b failed (exit $status)"; }
done
exit $status
