#!/usr/bin/env bash
# Automatic refresh with pg_cron: on a cluster of its own started with
# shared_preload_libraries = pg_cron, a job runs refresh_results() every
# minute; after a clerk's edit the results become fresh again (and equal to
# the live verdicts) without anyone calling the refresh.  pg_cron 1.4
# (Debian 12) schedules by the minute, so the test waits up to ~75 s.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
if [ ! -e "$("${PG_CONFIG:-pg_config}" --pkglibdir 2>/dev/null)/pg_cron.so" ] \
   && [ ! -e "/usr/lib/postgresql/${PGVER:-15}/lib/pg_cron.so" ]; then
	echo "1..0 # SKIP pg_cron is not installed (Debian: postgresql-NN-cron; make deps installs it)"
	exit 0
fi
db=mineconsol_cron
# The cluster of this test, beside the suite's (its own socket directory).
. test/lib/cluster.sh
CLUSTER_OPTS="-c shared_preload_libraries=pg_cron -c cron.database_name=$db -c cron.use_background_workers=on -c max_worker_processes=16"
trap stop_cluster EXIT
start_cluster >/dev/null 2>&1 || { echo "1..0 # SKIP could not start a cluster with pg_cron"; exit 0; }

plan 6
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$CLUSTER_DIR/setup.err" <<'SQL'
CREATE EXTENSION pg_cron;
CREATE EXTENSION mineconsol CASCADE;
CREATE ROLE mc_cron_xinfu IN ROLE mineconsol_editor;
INSERT INTO mineconsol.role_counties VALUES ('mc_cron_xinfu', '140902');
INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2023-07-15');
INSERT INTO mineconsol.mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode, geom)
SELECT i, 'm' || i, '140902', 'A', 100000, '2020-01-01', '2026-12-31', 'term',
       ST_Multi(ST_MakeEnvelope(500000 + i * 150, 4300000, 500100 + i * 150, 4300100, 4547))
  FROM generate_series(1, 10) i;
SELECT * FROM mineconsol.refresh_results(false);
-- The recipe of the README.
SELECT cron.schedule('mineconsol-refresh', '* * * * *', $$SELECT * FROM mineconsol.refresh_results()$$);
SQL
ok $? "a cluster with pg_cron, registers loaded and refreshed, the refresh scheduled every minute"
[ -s "$CLUSTER_DIR/setup.err" ] && sed 's/^/# /' "$CLUSTER_DIR/setup.err" | head -5

q $db "SET ROLE mc_cron_xinfu; UPDATE mineconsol.mines SET reserves_t = 900000, valid_to = '2023-01-01' WHERE id = 3" >/dev/null
is "$(q $db "SELECT stale FROM mineconsol.results_status WHERE county_code = '140902'")" t "a clerk's edit makes Xinfu stale"
mismatch="SET mineconsol.as_of = '2023-07-15'; SELECT count(*) FROM (SELECT id, disposition::text, rules FROM mineconsol.dispositions
               EXCEPT SELECT mine_id, disposition::text, rules FROM mineconsol.disposition_results) x"
like "$(q $db "$mismatch")" '^[1-9]' "… and stored verdicts differ from the live ones"
fresh=
for _ in $(seq 1 40); do
	sleep 2
	if [ "$(q $db "SELECT stale FROM mineconsol.results_status WHERE county_code = '140902'")" = f ]; then fresh=1; break; fi
done
is "${fresh:-0}" 1 "within a minute or so the county is fresh again, with nobody calling the refresh"
is "$(q $db "$mismatch")" 0 \
	"… and every stored verdict is the live one"
like "$(q $db "SELECT count(*) FROM cron.job_run_details WHERE status = 'succeeded'") $(q $db "SELECT count(*) FROM cron.job_run_details WHERE status <> 'succeeded'")" '^[1-9][0-9]* 0$' \
	"pg_cron ran the job, and every run succeeded"
