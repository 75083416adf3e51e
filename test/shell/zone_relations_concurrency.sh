#!/usr/bin/env bash
# mine_zone_relations under concurrent edits of mines and zones (READ
# COMMITTED): a zone inserted while another session inserts a mine inside it,
# a zone moved onto a mine that another session moves away, a zone grown over
# a mine that another session moves into the zone's old area, a county's zone
# drawn while a mine moves into that county, and a rebuild while a mine is
# being moved.  Each time the relations must end as a fresh computation gives
# them (a county's zone relates only to that county's mines), with no error.
# The sessions are ordered with sleeps: the first one holds its transaction
# open while the second runs.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_zone_conc
new_db $db

plan 11
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol CASCADE;
CREATE FUNCTION public.box(x float8, y float8, w float8) RETURNS geometry
  LANGUAGE sql IMMUTABLE AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000 + x, 4300000 + y, 500000 + x + w, 4300000 + y + w, 4547)) $$;
CREATE VIEW public.rel_differ AS
  SELECT count(*) AS differ FROM (
    (SELECT mine_id, zone_id FROM mineconsol.mine_zone_relations
     EXCEPT SELECT m.id, z.id FROM mineconsol.zones z JOIN mineconsol.mines m ON m.geom && z.geom
             WHERE (z.county_code IS NULL OR z.county_code = m.county_code) AND mineconsol.zone_relates(z.kind, z.geom, m.geom))
    UNION ALL
    (SELECT m.id, z.id FROM mineconsol.zones z JOIN mineconsol.mines m ON m.geom && z.geom
      WHERE (z.county_code IS NULL OR z.county_code = m.county_code) AND mineconsol.zone_relates(z.kind, z.geom, m.geom)
     EXCEPT SELECT mine_id, zone_id FROM mineconsol.mine_zone_relations)) d;
INSERT INTO mineconsol.zones (id, kind, name, geom) VALUES
  (2, 'planned_mining', 'moving', public.box(5000, 0, 1000)),
  (3, 'planned_mining', 'growing', public.box(10000, 0, 1000)),
  (4, 'planned_mining', 'old home', public.box(15000, 0, 1000));
INSERT INTO mineconsol.mines (id, name, county_code, geom) VALUES
  (2, 'leaving', '140902', public.box(0, 0, 100)),
  (3, 'moving in', '140902', public.box(20000, 0, 100)),
  (4, 'moved during rebuild', '140902', public.box(15100, 100, 100)),
  (5, 'changes county', '140921', public.box(30000, 0, 100));
SQL
ok $? "database with three zones and three mines"

# race FIRST SECOND: FIRST opens a transaction, runs its statement, waits 2 s
# and commits; SECOND starts 0.5 s later and commits at once.
race() {
	{ printf 'BEGIN;\n%s\nSELECT pg_sleep(2);\nCOMMIT;\n' "$1" | psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work/race.1"; echo $? >"$work/race.rc1"; } &
	sleep 0.5
	printf '%s\n' "$2" | psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work/race.2"
	echo $? >"$work/race.rc2"
	wait
}
# race_commits DESCRIPTION FIRST SECOND: race FIRST and SECOND; both must
# commit, the second without a word on stderr (no duplicate key, no retry).
race_commits() {
	race "$2" "$3"
	is "$(cat "$work/race.rc1")$(cat "$work/race.rc2")$(cat "$work/race.2")" 00 "$1"
}
scratch work zone-conc -d

race_commits "a zone and a mine inside it, inserted at the same time: both commit" \
	"INSERT INTO mineconsol.zones (id, kind, name, geom) VALUES (1, 'planned_mining', 'new zone', public.box(0, 5000, 1000));" \
	"INSERT INTO mineconsol.mines (id, name, county_code, geom) VALUES (1, 'new mine', '140902', public.box(100, 5100, 100));"
is "$(q $db "SELECT count(*) FROM mineconsol.mine_zone_relations WHERE mine_id = 1 AND zone_id = 1")" 1 "… and they relate"

race_commits "a zone moved onto a mine that moves away at the same time: both commit" \
	"UPDATE mineconsol.zones SET geom = public.box(-100, -100, 1000) WHERE id = 2;" \
	"UPDATE mineconsol.mines SET geom = public.box(7000, 7000, 100) WHERE id = 2;"
is "$(q $db "SELECT count(*) FROM mineconsol.mine_zone_relations WHERE mine_id = 2")" 0 "… and no relation is left behind"

race_commits "a zone grown over the area a mine moves into: both commit, no duplicate key" \
	"UPDATE mineconsol.zones SET geom = public.box(10000, 0, 12000) WHERE id = 3;" \
	"UPDATE mineconsol.mines SET geom = public.box(15500, 500, 100) WHERE id = 3;"
is "$(q $db "SELECT string_agg(zone_id::text, ',' ORDER BY zone_id) FROM mineconsol.mine_zone_relations WHERE mine_id = 3")" "3,4" \
	"… and the mine relates to both zones"

# A county's zone relates only to that county's mines: a mine that moves
# into the county while the county's zone is drawn around it.
race_commits "a county's zone drawn while a mine moves into the county: both commit" \
	"INSERT INTO mineconsol.zones (id, kind, name, county_code, geom) VALUES (5, 'eco_fragile', 'county zone', '140902', public.box(29000, -1000, 3000));" \
	"UPDATE mineconsol.mines SET county_code = '140902' WHERE id = 5;"
is "$(q $db "SELECT count(*) FROM mineconsol.mine_zone_relations WHERE mine_id = 5 AND zone_id = 5")" 1 "… and they relate"

race_commits "a rebuild while a mine moves: both succeed" \
	"UPDATE mineconsol.mines SET geom = public.box(100, 100, 100) WHERE id = 4;" \
	"SELECT mineconsol.rebuild_zone_relations();"
is "$(q $db "SELECT differ FROM public.rel_differ")" 0 "after all five races the relations are what a fresh computation gives"
