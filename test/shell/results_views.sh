#!/usr/bin/env bash
# The reporting views on the demo city, read by real clients: GDAL's ogrinfo
# and ogr2ogr, and a pg_dump / pg_restore round trip that keeps the data,
# the policies and the audit chain.  Also adopt_merge_plan's refusals.
set -u
. "$(dirname "$0")/../lib/tap.sh"
cd "$(dirname "$0")/../.."
db=mineconsol_results dst=mineconsol_results_restored
tmp=$(mktemp -d /tmp/mineconsol-results.XXXXXX)
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $dst" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
cleanup
mkdir -p "$tmp"
psql -X -q -d postgres -c "CREATE DATABASE $db" -c "CREATE DATABASE $dst" >/dev/null || exit 1
export PGOPTIONS="-c mineconsol.as_of=2023-07-15 -c client_min_messages=warning"
pg="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"

plan 25
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$tmp/load.err" <<SQL
CREATE EXTENSION mineconsol CASCADE;
\set seed 2022
\i test/demo/sample.sql
SELECT count(*) FROM mineconsol.import_mines('demo.register');
INSERT INTO mineconsol.violations (mine_id, kind, occurred_on, penalized_on, doc_no)
SELECT m.id, v.kind, v.occurred_on, v.penalized_on, v.doc_no
  FROM demo.violations v JOIN mineconsol.mines m ON m.license_no::text = v.license_no;
INSERT INTO mineconsol.zones (kind, name, county_code, geom) SELECT kind, name, county_code, ST_Multi(geom) FROM demo.zones;
INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2023-07-15');
SELECT * FROM mineconsol.refresh_results();
SQL
ok $? "the demo city loads and classifies"
[ -s "$tmp/load.err" ] && sed 's/^/# /' "$tmp/load.err" | head -5

# adopt_merge_plan refuses before the scheme is drafted and for unknown counties.
out=$(q $db "INSERT INTO mineconsol.schemes (county_code) VALUES ('140902'); SELECT mineconsol.adopt_merge_plan('140902')" 2>&1)
like "$out" 'cannot adopt the merge plan of county 140902: its scheme is at "survey"' "no adoption while the scheme is at survey"
out=$(q $db "SELECT mineconsol.adopt_merge_plan('999999')" 2>&1)
like "$out" 'unknown county "999999"' "an unknown county is refused"
q $db "DELETE FROM mineconsol.schemes" >/dev/null

psql -X -q -v ON_ERROR_STOP=1 -d $db -f test/demo/walk.sql >/dev/null 2>"$tmp/walk.err"
grep -c '^psql:.*ERROR' "$tmp/walk.err" >"$tmp/walk.n"
is "$(cat "$tmp/walk.n")" 3 "the stage walk runs; only the three clerk mistakes it shows are refused"
q $db "SELECT * FROM mineconsol.refresh_results()" >/dev/null

n_units=$(q $db "SELECT count(*) FROM mineconsol.units")
n_plan=$(q $db "SELECT count(*) FROM mineconsol.v_merge_plan WHERE retained_mine_id IS NOT NULL")
is "$n_units" "$n_plan" "one unit per merge cluster with a retained mine"
out=$(q $db "SELECT mineconsol.adopt_merge_plan('140902')" 2>&1)
like "$out" 'cannot adopt the merge plan of county 140902 again: (unit|closure) [0-9]+ is at' \
	"no second adoption once units or closures have moved"
is "$(q $db "SELECT mineconsol.adopt_merge_plan('140981') = (SELECT count(*) FROM mineconsol.units WHERE county_code = '140981')")" t \
	"adopting again while everything is planned replaces the units"
out=$(q $db "SELECT mineconsol.advance('unit', (SELECT min(id) FROM mineconsol.units WHERE county_code = '140981'), 'reserves_verified',
               '{\"date\": \"2023-03-01\", \"doc_no\": \"r-1\"}');
             SELECT mineconsol.revert_stage('unit', (SELECT min(id) FROM mineconsol.units WHERE county_code = '140981'), 'planned', 'wrong report');
             SELECT mineconsol.adopt_merge_plan('140981')" 2>&1)
like "$out" 'cannot adopt the merge plan of county 140981 again: unit [0-9]+ is at "planned" and has a stage history' \
	"no second adoption once a unit has moved, even when reverted since"

# The views answer.
is "$(q $db "SELECT count(*) FROM mineconsol.v_county_progress")" 14 "v_county_progress: one row per county"
is "$(q $db "SELECT sum(mines_before) = (SELECT count(*) FROM mineconsol.disposition_results WHERE in_scope) FROM mineconsol.v_county_progress")" t \
	"mines before = mines in scope"
like "$(q $db "SELECT string_agg(DISTINCT track || ':' || due_stage, ',') FROM mineconsol.v_overdue")" 'scheme:approved' \
	"v_overdue lists the schemes not approved by their deadline"
like "$(q $db "SELECT string_agg(DISTINCT department, '|') FROM mineconsol.v_department_tasks")" 'public security' \
	"v_department_tasks gives the police the explosives at closing mines"
is "$(q $db "SELECT count(*) > 0 FROM mineconsol.v_scheme_draft WHERE proposed_rights IS NOT NULL AND mines_to_close IS NOT NULL")" t \
	"v_scheme_draft lists proposed rights and mines to close"
is "$(q $db "SELECT string_agg(f_table_name || ':' || type || ':' || srid, ',' ORDER BY f_table_name)
              FROM public.geometry_columns WHERE f_table_schema = 'mineconsol' AND f_table_name LIKE 'v\_%'")" \
	"v_dispositions:MULTIPOLYGON:4547,v_gap_resources:MULTIPOLYGON:4547,v_merge_plan:MULTIPOLYGON:4547,v_overlaps:MULTIPOLYGON:4547,v_restoration_due:MULTIPOLYGON:4547" \
	"the geometry views carry type and SRID"

# GDAL sees the views as polygon layers and exports them.
layers=$(ogrinfo -ro -q PG:"$pg" 2>&1)
for v in v_dispositions v_merge_plan v_gap_resources v_overlaps v_restoration_due; do
	like "$layers" "mineconsol\.$v \(Multi Polygon\)" "ogrinfo lists $v as a polygon layer"
done
ogr2ogr -f GPKG "$tmp/plan.gpkg" PG:"$pg" mineconsol.v_merge_plan -nln merge_plan >/dev/null 2>&1
ok $? "ogr2ogr exports v_merge_plan to a GeoPackage"
gpkg_n=$(ogrinfo -ro -so "$tmp/plan.gpkg" merge_plan 2>/dev/null | sed -n 's/^Feature Count: //p')
is "$gpkg_n" "$(q $db "SELECT count(*) FROM mineconsol.v_merge_plan")" "the GeoPackage has every cluster"

# pg_dump / pg_restore: data, policies and the audit chain survive.
q $db "UPDATE mineconsol.parameters SET value = 450 WHERE name = 'merge_distance_m'" >/dev/null
pg_dump -Fc -d $db -f "$tmp/db.dump" 2>"$tmp/dump.err"
pg_restore -d $dst "$tmp/db.dump" 2>"$tmp/restore.err"
ok $? "pg_dump | pg_restore of the demo city"
[ -s "$tmp/restore.err" ] && sed 's/^/# /' "$tmp/restore.err" | head -5
counts="SELECT (SELECT count(*) FROM mineconsol.mines) || '/' || (SELECT count(*) FROM mineconsol.units) || '/' ||
               (SELECT count(*) FROM mineconsol.closures) || '/' || (SELECT count(*) FROM mineconsol.stage_events) || '/' ||
               (SELECT count(*) FROM mineconsol.disposition_results) || '/' || mineconsol.param('merge_distance_m') || '/' ||
               (SELECT count(*) FROM pg_policies WHERE schemaname = 'mineconsol')"
is "$(q $dst "$counts")" "$(q $db "$counts")" "mines, units, closures, events, results, parameters and policies are all back"
is "$(q $dst "SELECT ok FROM mineconsol.verify_audit()")" t "the audit chain verifies after the restore"

SELECT_AS_CLERK="SET ROLE mc_results_clerk; SELECT string_agg(DISTINCT county_code, ',') FROM mineconsol.v_dispositions"
q $dst "DROP ROLE IF EXISTS mc_results_clerk; CREATE ROLE mc_results_clerk IN ROLE mineconsol_editor;
        INSERT INTO mineconsol.role_counties VALUES ('mc_results_clerk', '140921')" >/dev/null 2>&1
is "$(q $dst "$SELECT_AS_CLERK")" 140921 "row-level security is in force in the restored database"
q $dst "DELETE FROM mineconsol.role_counties WHERE role_name = 'mc_results_clerk'; DROP ROLE mc_results_clerk" >/dev/null 2>&1
