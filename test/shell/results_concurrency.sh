#!/usr/bin/env bash
# Locks and concurrent refreshes, two sessions at a time, as the real roles.
# A transaction left open must not hold up another county: the second
# session runs with lock_timeout = 1s, so a wait would show as an error.  A
# clerk's edit of zones (even one that changes nothing) is refused (42501:
# zones are the city's) and holds nothing; a clerk's open mine edit, an open
# edit of a county's zone (made as postgres, the owner) and a county's open
# refresh hold up no other county, while the zone edit holds up its own
# county's mine edits.  Refreshes of the same county (the city's and a
# county's, two of the city's) wait for each other and all succeed, with
# every mine's result stored exactly once, also when a mine moves county or
# two counties that swapped mines refresh at once (no deadlock).  Staleness
# marks (result_changes) are only ever inserted: an open edit holds up no
# refresh and no other edit, and a change committed while a refresh runs
# keeps its county stale.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_results_conc
roles="mc_rc_xinfu mc_rc_ding mc_rc_city"
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	for r in $roles; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
}
work=$(mktemp /tmp/mineconsol-results-conc.XXXXXX)
trap 'cleanup; rm -f "$work"*' EXIT
cleanup
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || exit 1

plan 25
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work.setup" <<'SQL'
CREATE EXTENSION mineconsol CASCADE;
CREATE ROLE mc_rc_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_rc_ding IN ROLE mineconsol_editor;
CREATE ROLE mc_rc_city IN ROLE mineconsol_admin;
INSERT INTO mineconsol.role_counties VALUES ('mc_rc_xinfu', '140902'), ('mc_rc_ding', '140921');
INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2023-07-15');
CREATE FUNCTION public.box(x float8, y float8, w float8) RETURNS geometry
  LANGUAGE sql IMMUTABLE AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000 + x, 4300000 + y, 500000 + x + w, 4300000 + y + w, 4547)) $$;
INSERT INTO mineconsol.mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode, geom)
SELECT i, 'm' || i, CASE WHEN i <= 20 THEN '140902' ELSE '140921' END, 'A', 100000, '2020-01-01', '2026-12-31', 'term',
       public.box((i % 20) * 150, (i / 20) * 5000, 100)
  FROM generate_series(1, 40) i;
INSERT INTO mineconsol.zones (id, kind, name, county_code, geom) VALUES
  (1, 'planned_mining', 'city plan', NULL, public.box(-1000, -1000, 20000)),
  (2, 'eco_fragile', 'Xinfu fragile', '140902', public.box(0, 0, 500));
SQL
ok $? "a database with two counties' mines, a city-wide and a county zone"
[ -s "$work.setup" ] && sed 's/^/# /' "$work.setup" | head -5

# hold ROLE SQL: in the background, as ROLE, run SQL in a transaction and keep
# it open for 3 s; then: SECOND ROLE SQL, as ROLE with lock_timeout = 1s.
# Sets rc1, rc2 and err2.
hold() {
	{ printf 'BEGIN;\nSET LOCAL ROLE %s;\n%s\nSELECT pg_sleep(3);\nCOMMIT;\n' "$1" "$2" \
		| psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work.err1"; echo $? >"$work.rc1"; } &
	sleep 0.7
}
second() {
	printf 'SET lock_timeout = '\''%s'\'';\nSET ROLE %s;\n%s\n' "${3:-1s}" "$1" "$2" \
		| psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work.err2"
	rc2=$?
	err2=$(cat "$work.err2")
	wait
	rc1=$(cat "$work.rc1")
}

# Issue: UPDATE zones SET note = note WHERE false left idle stalled every county.
# County staff no longer hold any write privilege on zones: it is refused.
hold mc_rc_xinfu "UPDATE mineconsol.zones SET note = note WHERE false;"
second mc_rc_ding "UPDATE mineconsol.mines SET geom = public.box(3000, 5000, 120) WHERE id = 21;"
is "$rc1$rc2 $(grep -c 'permission denied for table zones' "$work.err1")" "30 1" \
   "a clerk's no-op edit of zones is refused (42501) and does not hold up another county's mine edit"
[ -n "$err2" ] && printf '# %s\n' "$err2"

hold mc_rc_xinfu "UPDATE mineconsol.mines SET geom = public.box(150, 0, 120) WHERE id = 1;"
second mc_rc_ding "UPDATE mineconsol.mines SET geom = public.box(3150, 5000, 120) WHERE id = 22;"
is "$rc1$rc2" 00 "a clerk's open mine edit does not hold up another county's mine edit"

# A county's zone (edited here by the owner: what counties may edit is a
# matter of policy) locks only its own county.
hold postgres "UPDATE mineconsol.zones SET geom = public.box(0, 0, 600) WHERE id = 2;"
second mc_rc_ding "INSERT INTO mineconsol.mines (id, name, county_code, geom) VALUES (41, 'new in Dingxiang', '140921', public.box(100, 5100, 50));"
is "$rc1$rc2" 00 "an open edit of a county's zone does not hold up another county's mine edits"
hold postgres "UPDATE mineconsol.zones SET geom = public.box(0, 0, 700) WHERE id = 2;"
second mc_rc_xinfu "INSERT INTO mineconsol.mines (id, name, county_code, geom) VALUES (42, 'new in Xinfu', '140902', public.box(100, 100, 50));"
like "$rc1$rc2 $err2" '^03 .*lock timeout' "… but its own county's mine edits wait for it (so that no relation is missed)"
second mc_rc_xinfu "INSERT INTO mineconsol.mines (id, name, county_code, geom) VALUES (42, 'new in Xinfu', '140902', public.box(100, 100, 50));"
is "$(q $db "SELECT string_agg(zone_id::text, ',' ORDER BY zone_id) FROM mineconsol.mine_zone_relations WHERE mine_id = 42")" "1,2" \
	"… and the mine then relates to the county's zone and the city's"
is "$(q $db "SELECT count(*) FROM mineconsol.mine_zone_relations WHERE mine_id = 41 AND zone_id = 2")" 0 \
	"a county's zone does not relate to another county's mine"

# Refreshes.  Issue: a county's refresh held open made the city's fail with a duplicate key.
hold mc_rc_xinfu "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_ding "SELECT * FROM mineconsol.refresh_results(false);"
is "$rc1$rc2" 00 "two counties refresh at the same time without waiting for each other"
[ -n "$err2" ] && printf '# %s\n' "$err2"
hold mc_rc_xinfu "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_city "SELECT * FROM mineconsol.refresh_results(false);" 0
is "$rc1$rc2" 00 "the city refreshes while a county's refresh is open: it waits, and both succeed"
[ -n "$err2" ] && printf '# %s\n' "$err2"
hold mc_rc_city "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_ding "SELECT * FROM mineconsol.refresh_results(false);" 0
is "$rc1$rc2" 00 "a county refreshes while the city's refresh is open: it waits, and both succeed"
hold mc_rc_city "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_city "SELECT * FROM mineconsol.refresh_results(false);" 0
is "$rc1$rc2" 00 "two refreshes of the city at once both succeed"
hold mc_rc_ding "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_ding "SELECT * FROM mineconsol.refresh_results(false);" 1s
like "$rc1$rc2 $err2" '^03 .*lock timeout' "a second refresh of the same county waits for the first"
is "$(q $db "SELECT count(*) || '/' || count(DISTINCT mine_id) FROM mineconsol.disposition_results")" "42/42" \
	"every mine's verdict is stored exactly once"
is "$(q $db "SELECT count(*) FROM mineconsol.disposition_results r JOIN mineconsol.mines m ON m.id = r.mine_id
              WHERE r.county_code <> m.county_code OR r.as_of <> '2023-07-15'")" 0 \
	"… under its mine's county, judged at the city's day"
is "$(q $db "SELECT count(*) FROM mineconsol.result_refreshes WHERE requested OR refreshed_at IS NULL")" 0 \
	"no county is left flagged or uncomputed"

# A mine moves county while the old county's refresh (which stored it) is
# open, and the new county refreshes: no duplicate key, the new county keeps it.
hold mc_rc_xinfu "SELECT * FROM mineconsol.refresh_results(false);"
second postgres "UPDATE mineconsol.mines SET county_code = '140921' WHERE id = 3;
SET ROLE mc_rc_ding;
SELECT * FROM mineconsol.refresh_results(false);" 0
is "$rc1$rc2" 00 "a mine moves county between two counties' refreshes: both succeed"
[ -n "$err2" ] && printf '# %s\n' "$err2"
is "$(q $db "SELECT r.county_code FROM mineconsol.disposition_results r WHERE r.mine_id = 3")" 140921 \
	"… and its verdict is stored once, under its new county"

# A refresh held open does not stop the county's clerks from editing mines.
hold mc_rc_ding "SELECT * FROM mineconsol.refresh_results(false);"
second mc_rc_ding "UPDATE mineconsol.mines SET name = 'renamed' WHERE id = 23;"
is "$rc1$rc2" 00 "an open refresh does not hold up the county's mine edits"

# Freshness.  Two refreshes of what is stale in one county: the second waits.
q $db "UPDATE mineconsol.mines SET reserves_t = 200000 WHERE id = 24" >/dev/null
hold mc_rc_ding "SELECT * FROM mineconsol.refresh_results();"
second mc_rc_ding "SELECT * FROM mineconsol.refresh_results();" 1s
like "$rc1$rc2 $err2" '^03 .*lock timeout' "a second refresh of a stale county waits for the first"
# A clerk's edit left open holds up neither a refresh of its county nor
# another edit of it (the marks are inserted, never updated).
q $db "UPDATE mineconsol.mines SET reserves_t = 300000 WHERE id = 24" >/dev/null
hold mc_rc_ding "UPDATE mineconsol.mines SET reserves_t = 400000 WHERE id = 25;"
second mc_rc_ding "UPDATE mineconsol.mines SET reserves_t = 400000 WHERE id = 26; SELECT * FROM mineconsol.refresh_results();"
is "$rc1$rc2" 00 "an open edit holds up neither another edit of its county nor its refresh"
is "$(q $db "SELECT stale FROM mineconsol.results_status WHERE county_code = '140921'")" t \
	"… and the edit committed during the refresh leaves the county stale"
# An edit committed while a refresh is open is not lost.
hold mc_rc_ding "SELECT * FROM mineconsol.refresh_results();"
second mc_rc_ding "UPDATE mineconsol.mines SET reserves_t = 500000 WHERE id = 27;"
is "$(q $db "SELECT stale FROM mineconsol.results_status WHERE county_code = '140921'")" t \
	"an edit committed while the county's refresh was open keeps the county stale"
q $db "SET ROLE mc_rc_city; SELECT * FROM mineconsol.refresh_results()" >/dev/null
is "$(q $db "SET mineconsol.as_of = '2023-07-15'; SELECT count(*) FROM (SELECT id, disposition::text, rules FROM mineconsol.dispositions
               EXCEPT SELECT mine_id, disposition::text, rules FROM mineconsol.disposition_results) x" 2>&1)" 0 \
	"after the city's refresh every stored verdict is the live one"

# Two counties swap mines (each moves one into the other), then both refresh
# at once, twenty times: each replaces the other's verdict of the mine that
# left it, and the rows are locked in the same (key) order, so neither fails
# with a deadlock, and every mine ends up stored once, under its county.
fails=0
for round in $(seq 1 20); do
	q $db "UPDATE mineconsol.mines SET county_code = CASE county_code WHEN '140902' THEN '140921' ELSE '140902' END,
	                                   ore_body = CASE WHEN $round % 2 = 0 THEN 'A' ELSE 'B' END
	        WHERE id IN (5, 6, 7, 25, 26, 27)" >/dev/null
	for r in mc_rc_xinfu mc_rc_ding; do
		{ printf 'SET ROLE %s;\nSELECT * FROM mineconsol.refresh_results();\n' $r \
			| psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>"$work.swap.$r"; echo $? >"$work.swaprc.$r"; } &
	done
	wait
	[ "$(cat "$work.swaprc.mc_rc_xinfu")$(cat "$work.swaprc.mc_rc_ding")" = 00 ] || { fails=$((fails + 1)); sed 's/^/# /' "$work.swap."* | head -4; }
done
is "$fails" 0 "two counties that swapped mines refresh at once, twenty times: neither fails (no deadlock)"
is "$(q $db "SELECT count(*) FROM mineconsol.disposition_results r JOIN mineconsol.mines m ON m.id = r.mine_id
               WHERE r.county_code <> m.county_code")" 0 "… and every verdict is stored under its mine's county"
