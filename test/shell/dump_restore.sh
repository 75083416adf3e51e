#!/usr/bin/env bash
# pg_dump / pg_restore of a database using mineconsol: registry data and the
# DBA's edits of the seeded configuration tables come back, seeds stay single.
set -u
. "$(dirname "$0")/../lib/tap.sh"
src=mineconsol_dump_src dst=mineconsol_dump_dst
new_db $src $dst
scratch dump dump

plan 16
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol CASCADE;
SET search_path = mineconsol, public;
UPDATE parameters SET value = 400 WHERE name = 'merge_distance_m';
UPDATE counties SET note = 'checked by the city office' WHERE code = '140902';
INSERT INTO scale_thresholds (mineral, unit, large_min, medium_min, source, certainty)
VALUES ('建筑用砂', 'm3/yr', 200000, 60000, 'county survey 2022', 'uncertain');
INSERT INTO milestones (track, stage, due, description) VALUES ('closure', 'restored', '2024-06-30', 'local deadline');
INSERT INTO mines (license_no, name, holder_uscc, county_code, ore_body, reserves_t, geom)
VALUES ('C1409022019087110148436', '东山采石场', '91350200776049653A', '140902', 'dongshan', 120000,
        ST_GeomFromText('MULTIPOLYGON(((389373 4254511, 389673 4254511, 389673 4254811, 389373 4254811, 389373 4254511)))', 4547));
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) SELECT id, 'illegal_mining', '2021-03-02', '2021-04-01' FROM mines;
INSERT INTO zones (kind, name, geom) VALUES ('eco_redline', '红线一',
        ST_GeomFromText('MULTIPOLYGON(((389000 4254000, 389100 4254000, 389100 4254100, 389000 4254000)))', 4547)),
       ('planned_mining', '规划区一',
        ST_GeomFromText('MULTIPOLYGON(((389000 4254000, 390000 4254000, 390000 4255000, 389000 4255000, 389000 4254000)))', 4547));
SELECT * FROM refresh_results(false);
-- A second mine in another county, refreshed; then an edit in 140902 that
-- leaves that county stale when the dump is taken.
INSERT INTO mines (name, county_code, ore_body, reserves_t) VALUES ('西山砂场', '140921', 'xishan', 50000);
SELECT * FROM refresh_results(false);
UPDATE mines SET reserves_t = 130000 WHERE county_code = '140902';
SQL
ok $? "source database set up with edits and data"
pg_dump -Fc -d $src -f "$dump" 2>/dev/null
ok $? "pg_dump -Fc"
err=$(pg_restore -d $dst "$dump" 2>&1)
ok $? "pg_restore into a fresh database without errors"
[ -n "$err" ] && printf '# %s\n' "$err"
is "$(q $dst "SELECT mineconsol.param('merge_distance_m')")" 400 "an edited parameter survives"
is "$(q $dst "SELECT count(*) FROM mineconsol.parameters WHERE name = 'merge_distance_m'")" 1 "and is there once"
is "$(q $dst "SELECT count(*) FROM mineconsol.parameters")" "$(q $src "SELECT count(*) FROM mineconsol.parameters")" "the untouched seeds are there too"
is "$(q $dst "SELECT note FROM mineconsol.counties WHERE code = '140902'")" "checked by the city office" "an edited county survives"
is "$(q $dst "SELECT certainty FROM mineconsol.scale_thresholds WHERE mineral = '建筑用砂'")" uncertain "an added scale row survives"
is "$(q $dst "SELECT due FROM mineconsol.milestones WHERE track = 'closure'")" 2024-06-30 "an added milestone survives"
is "$(q $dst "SELECT (SELECT count(*) FROM mineconsol.mines) || '/' || (SELECT count(*) FROM mineconsol.violations) || '/' || (SELECT count(*) FROM mineconsol.zones)")" "2/1/2" "registry rows survive"
is "$(q $dst "SELECT license_no::text || ' ' || holder_uscc::text || ' ' || round(area_km2::numeric, 2) FROM mineconsol.mines WHERE license_no IS NOT NULL")" \
   "C1409022019087110148436 91350200776049653A 0.09" "a mine comes back with its typed columns and derived area"
rel="SELECT string_agg(r.mine_id || '~' || z.name, ',' ORDER BY r.mine_id, z.name)
       FROM mineconsol.mine_zone_relations r JOIN mineconsol.zones z ON z.id = r.zone_id"
is "$(q $dst "$rel")" "$(q $src "SELECT min(id) FROM mineconsol.mines")~规划区一" "the mine-zone relations are rebuilt as the registry loads"
# Stored results: the same verdicts and counts; what was stale stays stale.
stored="SELECT string_agg(mine_id || ':' || disposition || ':' || array_to_string(rules, ','), ' ' ORDER BY mine_id)
          FROM mineconsol.disposition_results"
is "$(q $dst "$stored")" "$(q $src "$stored")" "stored verdicts survive"
progress="SELECT string_agg(county_code || ':' || mines_before || '/' || mines_after, ' ' ORDER BY county_code)
            FROM mineconsol.v_county_progress WHERE county_code IN ('140902', '140921')"
is "$(q $dst "$progress")" "$(q $src "$progress")" "v_county_progress reads the same counts"
# Loading the registry is an edit like any other: every county with
# registry rows comes back stale (never silently fresh), 140902 included.
stale="SELECT string_agg(county_code || ':' || stale, ' ' ORDER BY county_code)
         FROM mineconsol.results_status WHERE county_code IN ('140902', '140921')"
is "$(q $src "$stale") / $(q $dst "$stale")" "140902:true 140921:false / 140902:true 140921:true" \
   "a county stale before the dump is stale after it; the restore's load marks the others stale too"
q $dst "INSERT INTO mineconsol.mines (name, county_code) VALUES ('新矿', '140921')" >/dev/null 2>&1
ok $? "ids continue after the restore (identity sequence restored)"
