#!/usr/bin/env bash
# make demo: a city's consolidation, end to end.
#
# Installs what is missing, builds mineconsol and, on a throwaway cluster
# (or, when PGHOST and PGDATABASE are both set, in that database of a server
# where mineconsol is installed), creates the extension, generates a sample
# Xinzhou-like city (test/demo/sample.sql), loads its registers through the
# corner-point parser and import_mines, classifies every mine, adopts each
# county's merge plan, walks schemes, units and closures through their stages
# (some late), prints the report and writes a map.
#
#   make demo                                  # seed 2022, as of 2023-07-15
#   MINECONSOL_DEMO_SEED=7 make demo           # another city
#   MINECONSOL_DEMO_LANG=zh make demo          # the report and the map in Chinese
#   PGHOST=/var/run/postgresql PGDATABASE=demo make demo
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib/cluster.sh

SEED=${MINECONSOL_DEMO_SEED:-2022}
AS_OF=${MINECONSOL_DEMO_AS_OF:-2023-07-15}
OUT_DIR=${MINECONSOL_DEMO_OUT:-$PWD/demo-out}
# The language of the report and the map: the sessions' lc_messages (the
# extension's texts, tr() and label() follow it).
case ${MINECONSOL_DEMO_LANG:-en} in
en) LC_MSG=C ;;
zh) LC_MSG=zh_CN.UTF-8 ;;
*)
	echo "mineconsol: MINECONSOL_DEMO_LANG=$MINECONSOL_DEMO_LANG is not a language of the demo; use en (English, the default) or zh (Chinese)" >&2
	exit 2 ;;
esac
started=$(date +%s)
step() { printf '\n== [%3ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

ensure_deps
build
if [ -n "${PGHOST:-}" ] && [ -n "${PGDATABASE:-}" ]; then
	DB=$PGDATABASE
	step "using database $DB on $PGHOST (mineconsol must be installed there: sudo make install)"
else
	trap stop_cluster EXIT
	start_cluster
	DB=mineconsol_demo
	as_pg "$PGBIN/createdb" -h "$PGHOST" -p "$PGPORT" -U postgres "$DB"
fi
export PGDATABASE=$DB
export PGOPTIONS="-c mineconsol.as_of=$AS_OF -c client_min_messages=warning -c lc_messages=$LC_MSG"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
mkdir -p "$OUT_DIR"

step "CREATE EXTENSION mineconsol CASCADE"
q -c "CREATE EXTENSION IF NOT EXISTS mineconsol CASCADE"

step "generating the sample city (seed $SEED): registers, violations, zones"
q -v seed="$SEED" -f test/demo/sample.sql >/dev/null
q -At -c "SELECT format(mineconsol.tr('%s licences in %s counties, %s illegal-mining records, %s zones'),
                        count(*), count(DISTINCT county_code), (SELECT count(*) FROM demo.violations),
                        (SELECT count(*) FROM demo.zones)) FROM demo.register"

step "loading the registers: corner-point text -> mining areas (parse_corner_points), rows checked by import_mines"
q -c "SELECT ok, count(*) AS rows, min(error) AS first_error
        FROM mineconsol.import_mines('demo.register') GROUP BY ok ORDER BY ok DESC"
q -c "INSERT INTO mineconsol.violations (mine_id, kind, occurred_on, penalized_on, doc_no)
      SELECT m.id, v.kind, v.occurred_on, v.penalized_on, v.doc_no
        FROM demo.violations v JOIN mineconsol.mines m ON m.license_no::text = v.license_no" \
   -c "INSERT INTO mineconsol.zones (kind, name, county_code, geom)
      SELECT kind, name, county_code, ST_Multi(geom) FROM demo.zones"

step "classifying every mine as of $AS_OF (mine_facts, merge_cluster, classify) and storing the results"
# Stored results judge at the city's day (results_as_of), not at the session's as_of.
q -c "DELETE FROM mineconsol.results_as_of" -c "INSERT INTO mineconsol.results_as_of (as_of) VALUES ('$AS_OF')"
q -c "SELECT * FROM mineconsol.refresh_results()"

step "schemes: every county surveys and drafts; units and closures adopted from its merge plan"
q -f test/demo/walk.sql

step "the results again, now that the plans are adopted"
q -c "SELECT * FROM mineconsol.refresh_results()" >/dev/null

step "REPORT (as of $AS_OF)"
q -f test/demo/report.sql

step "what if the city had chosen 800 m? (simulate(): computed, nothing stored)"
q -f test/demo/what_if.sql

step "map"
if [ -f test/demo/map.sql ]; then
	q -v out="$OUT_DIR/map.html" -f test/demo/map.sql >/dev/null
	echo "map: $OUT_DIR/map.html (open it in a browser)"
fi
q -At -c "SELECT CASE WHEN ok THEN format(mineconsol.tr('audit trail: verifies (%s events)'), checked)
                 ELSE format(mineconsol.tr('audit trail: BROKEN at event %s (%s events)'), first_bad_event, checked) END
            FROM mineconsol.verify_audit()"
step "done"
