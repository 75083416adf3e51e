#!/usr/bin/env bash
# Attack review of the refresh by ore body: L1 across counties under
# concurrent edits (READ COMMITTED).  mark_holder_neighbours_stale() marks the
# other counties' licences of the same holder nearby as its statement sees
# them; a licence another county is giving that holder at the same time is
# not there yet, and neither side marks the other.  Here Dingxiang's clerk
# moves its licence next to Xinfu's and gives it the holder, and holds the
# transaction open while Xinfu's clerk inserts a licence of that holder there
# and refreshes Xinfu: afterwards Xinfu must be stale, or its stored verdicts
# must be the live ones (L1 names Dingxiang's licence).
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_arr_race
roles_of_test mc_arrr_xinfu mc_arrr_ding mc_arrr_city
new_db $db

plan 4
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol CASCADE;
CREATE ROLE mc_arrr_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_arrr_ding IN ROLE mineconsol_editor;
CREATE ROLE mc_arrr_city IN ROLE mineconsol_admin;
INSERT INTO mineconsol.role_counties VALUES ('mc_arrr_xinfu', '140902'), ('mc_arrr_ding', '140921');
INSERT INTO mineconsol.results_as_of VALUES ('2023-07-15');
CREATE FUNCTION public.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql IMMUTABLE AS $$ SELECT ST_Multi(ST_MakeEnvelope(600000 + x, 4350000 + y, 600200 + x, 4350200 + y, 4547)) $$;
INSERT INTO mineconsol.mines (id, name, county_code, ore_body, holder_uscc, reserves_t, valid_from, valid_to,
                              transfer_mode, mineral, capacity, capacity_unit, geom) VALUES
  (1, 'x1', '140902', 'OB', NULL, 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', public.sq(0, 0)),
  (2, 'd1', '140921', 'OB', '91350200776049653A', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', public.sq(0, 5000));
SET ROLE mc_arrr_city;
SELECT mineconsol.refresh_results(false);
RESET ROLE;
-- Stored verdicts of the counties that look fresh that differ from the live ones.
CREATE FUNCTION public.silently_stale() RETURNS bigint LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM set_config('mineconsol.as_of', to_char(mineconsol.results_as_of(), 'YYYY-MM-DD'), true);
	RETURN (
	WITH live AS (SELECT d.id, d.county_code, d.disposition::text, d.rules FROM mineconsol.dispositions d),
	st AS (SELECT r.mine_id, r.county_code, r.disposition::text, r.rules FROM mineconsol.disposition_results r)
	SELECT count(*) FROM ((SELECT * FROM live EXCEPT SELECT * FROM st) UNION ALL (SELECT * FROM st EXCEPT SELECT * FROM live)) x
	 WHERE x.county_code IN (SELECT county_code FROM mineconsol.results_status WHERE NOT stale));
END
$fn$;
SQL
ok $? "database with a licence in Xinfu and one in Dingxiang, refreshed"

scratch work arr-race -d
# Dingxiang's clerk (first, held open 2 s) and Xinfu's (0.5 s later).
{ psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work/race.1" <<'SQL'
BEGIN;
SET ROLE mc_arrr_ding;
UPDATE mineconsol.mines SET geom = public.sq(300, 0), holder_uscc = '91440101MA5CJQ4N59' WHERE id = 2;
SELECT pg_sleep(2);
COMMIT;
SQL
echo $? >"$work/race.rc1"; } &
sleep 0.5
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work/race.2" <<'SQL'
SET ROLE mc_arrr_xinfu;
INSERT INTO mineconsol.mines (id, name, county_code, ore_body, holder_uscc, reserves_t, valid_from, valid_to,
                              transfer_mode, mineral, capacity, capacity_unit, geom)
VALUES (3, 'x3', '140902', 'OB', '91440101MA5CJQ4N59', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr',
        public.sq(600, 0));
SELECT mineconsol.refresh_results();
SQL
echo $? >"$work/race.rc2"
wait
is "$(cat "$work/race.rc1")$(cat "$work/race.rc2")" 00 "both clerks' transactions commit"
is "$(q $db "SELECT 'L1' = ANY (rules) FROM mineconsol.dispositions WHERE id = 3")" t \
	"the live verdict of Xinfu's new licence names the holder's licence in Dingxiang (L1)"
is "$(q $db "SELECT public.silently_stale()")" 0 \
	"Xinfu is stale, or its stored verdicts are the live ones: no county looks fresh with a verdict that misses L1"
