#!/usr/bin/env bash
# ALTER EXTENSION mineconsol UPDATE from the frozen 0.1.0 script: a database
# with a registry, zones, a scheme walked through its stages, a unit, a
# closure and stored results is updated in place.  Its catalog is first made
# the one the released 0.1.0 left (its C functions in $libdir/mineconsol, by
# their 0.1.0 names, which this module no longer exports): until the update
# they fail with 42883, and the update mends them.  Afterwards
#   (a) its catalog is identical to a fresh install of the current version
#       (test/upgrade/catalog.sql describes every object the extension owns),
#   (b) its data is all there (the DBA's config edits too), and the seed rows
#       of its config tables are those of a fresh install,
#   (c) the audit trail verifies;
# and pg_dump / pg_restore of the updated database still works.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
old=mineconsol_upgrade_old fresh=mineconsol_upgrade_fresh restored=mineconsol_upgrade_restored
new_db $old $fresh $restored
scratch work upgrade -d
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$here/../../mineconsol.control")

plan 18
out=$(psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -d $old 2>&1 <<'SQL'
CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE;
SET search_path = mineconsol, public;
INSERT INTO mines (license_no, name, holder, county_code, licensed_by, mineral, mineral_group, ore_body,
                   geom, reserves_t, capacity, capacity_unit, valid_from, valid_to)
SELECT format('C140902%s0871100%s', 2010 + i, lpad(i::text, 5, '0')), '矿' || i, '公司' || i, '140902', 'county',
       '建筑用砂', 'sand_gravel_clay', 'A',
       ST_Multi(ST_MakeEnvelope(500000 + i * 250, 4250000, 500100 + i * 250, 4250100, 4547)),
       100000 * i, 10000, 't/yr', '2015-01-01', '2026-12-31'
  FROM generate_series(1, 6) i;
INSERT INTO zones (kind, name, county_code, geom)
VALUES ('eco_redline', '红线', NULL, ST_Multi(ST_MakeEnvelope(500700, 4249900, 500900, 4250200, 4547))),
       ('planned_mining', '规划区', '140902', ST_Multi(ST_MakeEnvelope(499000, 4249000, 502000, 4251000, 4547)));
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on, doc_no)
SELECT min(id), 'illegal_mining', '2021-05-01', '2021-06-01', 'v-1' FROM mines;
INSERT INTO schemes (county_code) VALUES ('140902'), ('140921');
SELECT advance('scheme', s.id, st, jsonb_build_object('date', '2022-10-01', 'doc_no', s.county_code || '-' || st, 'media', '忻州日报'))
  FROM schemes s, unnest(ARRAY['drafted', 'hearing_held', 'noticed', 'submitted', 'approved']) WITH ORDINALITY AS u(st, n)
 WHERE s.county_code = '140902' ORDER BY n;
SELECT advance('scheme', (SELECT id FROM schemes WHERE county_code = '140921'), 'drafted', '{"date": "2022-09-01", "doc_no": "d-1"}');
INSERT INTO units (county_code, retained_mine_id) SELECT '140902', min(id) FROM mines;
INSERT INTO unit_members (unit_id, mine_id) SELECT u.id, m.id FROM units u, mines m WHERE m.id <= (SELECT min(id) + 1 FROM mines);
INSERT INTO closures (mine_id, unit_id) SELECT min(m.id) + 1, min(u.id) FROM mines m, units u;
SELECT advance('unit', (SELECT id FROM units), 'reserves_verified', '{"date": "2023-03-01", "doc_no": "r-1"}');
SELECT advance('closure', (SELECT mine_id FROM closures), 'closure_decided', '{"date": "2023-03-02", "doc_no": "c-1"}');
SELECT revert_stage('scheme', (SELECT id FROM schemes WHERE county_code = '140902'), 'submitted', 'approval letter misfiled');
UPDATE parameters SET value = 600 WHERE name = 'merge_distance_m';
SELECT * FROM refresh_results();
SQL
)
ok $? "0.1.0 installed from its frozen script, with a registry, stages and stored results"
printf '%s\n' "$out" | grep -v '^NOTICE:  installing required extension' | sed -n '/./{s/^/# /;p}' | head -n 20

# Everything a user stored, as one text per table (stable order, no OIDs).
snapshot() {
	psql -X -q -At -d "$1" <<'SQL'
SET search_path = mineconsol, public;
SELECT 'mines ' || md5(string_agg(row(id, license_no, name, holder, county_code, ST_AsEWKT(geom), reserves_t, valid_to)::text, ';' ORDER BY id)) FROM mines;
SELECT 'zones ' || md5(string_agg(row(id, kind, name, county_code, ST_AsEWKT(geom))::text, ';' ORDER BY id)) FROM zones;
SELECT 'violations ' || md5(string_agg(row(v.*)::text, ';' ORDER BY id)) FROM violations v;
SELECT 'schemes ' || string_agg(county_code || '=' || stage || '@' || last_event_id, ',' ORDER BY id) FROM schemes;
SELECT 'units ' || string_agg(stage || '@' || last_event_id, ',' ORDER BY id) FROM units;
SELECT 'closures ' || string_agg(stage || '@' || last_event_id, ',' ORDER BY mine_id) FROM closures;
SELECT 'events ' || count(*) || ' ' || md5(string_agg(id || ':' || encode(hash, 'hex'), ',' ORDER BY id)) FROM stage_events;
-- the DBA's edits; seed rows a new version adds are compared with a fresh install below
SELECT 'parameters ' || string_agg(name || '=' || value, ',' ORDER BY name) FROM parameters WHERE NOT seeded;
SQL
}
# The rows a version ships (seeded), as one text per config table.
seeds() {
	psql -X -q -At -d "$1" <<'SQL'
SET search_path = mineconsol, public;
SELECT 'parameters ' || string_agg(row(p.*)::text, ';' ORDER BY name) FROM parameters p WHERE seeded;
SELECT 'scale_thresholds ' || string_agg(row(t.*)::text, ';' ORDER BY mineral, unit) FROM scale_thresholds t WHERE seeded;
SELECT 'milestones ' || string_agg(row(m.*)::text, ';' ORDER BY track, stage) FROM milestones m WHERE seeded;
SELECT 'counties ' || string_agg(row(c.*)::text, ';' ORDER BY code) FROM counties c WHERE seeded;
SELECT 'stage_transitions ' || string_agg(row(s.*)::text, ';' ORDER BY track, from_stage, to_stage) FROM stage_transitions s WHERE seeded;
SQL
}
before=$(snapshot $old)

# The catalog of a database the released 0.1.0 created: CREATE EXTENSION
# VERSION '0.1.0' now binds 0.1.0's definitions to the legacy library
# (mineconsol--0.1.0.control); the released files bound them to the module.
is "$(q $old "SELECT count(*) FILTER (WHERE probin <> '\$libdir/mineconsol-0.1') || ' of ' || count(*)
                FROM pg_proc WHERE pronamespace = 'mineconsol'::regnamespace
                 AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')")" \
   "0 of 46" "0.1.0's 46 C functions are bound to the legacy library"
q $old "UPDATE pg_proc SET probin = '\$libdir/mineconsol'
         WHERE pronamespace = 'mineconsol'::regnamespace AND probin = '\$libdir/mineconsol-0.1'" >/dev/null
out=$(psql -X -q -At -d $old -v VERBOSITY=verbose -c "SELECT mineconsol.as_of()" 2>&1)
like "$out" 'ERROR:  42883: could not find function "mineconsol_as_of" in file ".*/mineconsol\.so"' \
   "before the update, a released 0.1.0 definition fails with 42883 (could not find function)"
out=$(psql -X -q -At -d $old -v VERBOSITY=verbose -c "SELECT license_no FROM mineconsol.mines LIMIT 1" 2>&1)
like "$out" 'ERROR:  42883: could not find function "license_no_out"' \
   "so does reading a licence number (the type's output function), without a crash"
is "$(q $old "SELECT 1")" 1 "the server is up"

out=$(psql -X -q -v ON_ERROR_STOP=1 -d $old -c "ALTER EXTENSION mineconsol UPDATE" 2>&1)
ok $? "ALTER EXTENSION mineconsol UPDATE"
printf '%s\n' "$out" | grep -v '^NOTICE:  installing required extension' | sed -n '/./{s/^/# /;p}' | head -n 20
is "$(q $old "SELECT extversion FROM pg_extension WHERE extname = 'mineconsol'")" "$current" \
   "the extension is at the current version ($current)"
is "$(snapshot $old)" "$before" "every mine, zone, violation, stage, event and parameter is kept"
is "$(q $old "SELECT row(ok, checked, first_bad_event)::text FROM mineconsol.verify_audit()")" \
   "(t,9,)" "the audit trail verifies after the update"

out=$(psql -X -q -v ON_ERROR_STOP=1 -d $fresh -c "CREATE EXTENSION mineconsol CASCADE" 2>&1)
ok $? "a fresh install of $current beside it"
# the same DBA edit as in the old database, so that the same rows are seeds
psql -X -q -d $fresh -c "UPDATE mineconsol.parameters SET value = 600 WHERE name = 'merge_distance_m'" >/dev/null
is "$(seeds $old)" "$(seeds $fresh)" "the updated seed rows of the config tables are those of a fresh install"
psql -X -q -v ON_ERROR_STOP=1 -d $old -f "$here/../upgrade/catalog.sql" >"$work/upgraded.txt" 2>&1 \
	&& psql -X -q -v ON_ERROR_STOP=1 -d $fresh -f "$here/../upgrade/catalog.sql" >"$work/fresh.txt" 2>&1
ok $? "both catalogs described" || sed 's/^/# /' "$work/upgraded.txt" "$work/fresh.txt" | tail -n 5
facts=$(wc -l <"$work/fresh.txt")
diff -u "$work/fresh.txt" "$work/upgraded.txt" >"$work/catalog.diff"
ok $? "the updated catalog is identical to a fresh install ($facts lines compared)"
sed -n '1,80p' "$work/catalog.diff" | sed 's/^/# /'
[ "$facts" -gt 500 ]
ok $? "the catalog description is not empty ($facts lines)"

pg_dump -Fc -d $old -f "$work/dump" 2>"$work/dump.err"
ok $? "pg_dump -Fc of the updated database"
err=$(pg_restore -d $restored "$work/dump" 2>&1)
ok $? "pg_restore of it into an empty database"
printf '%s\n' "$err" | sed -n '/./{s/^/# /;p}' | head -n 20
is "$(snapshot $restored)" "$before" "the restored database holds the same data"
is "$(q $restored "SELECT ok FROM mineconsol.verify_audit()")" "t" "the restored audit trail verifies"
