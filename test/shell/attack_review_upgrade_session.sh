#!/usr/bin/env bash
# An attacker's review of ALTER EXTENSION mineconsol UPDATE from 0.1.0 as
# county staff connected while it runs: the update is one transaction (a
# clerk sees 0.1.0 until it commits, and waits for the tables it changes), a
# clerk cannot put anything into the updating session's temporary schema, and
# the clerk's statements prepared under 0.1.0 follow 0.2.0's policies after
# it.  The updating superuser's own temporary tables do not redirect it:
# pg_temp comes last on the script's path, and a temporary table already
# named like the update's scratch copy (shipped_transitions) stops it.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_attack_review_upgrade_session
db2=mineconsol_attack_review_upgrade_session2
roles_of_test mc_au_xinfu mc_au_ding_readers
new_db $db $db2

plan 10
for d in $db $db2; do
	psql -X -q -v ON_ERROR_STOP=1 -d $d >/dev/null 2>&1 <<'SQL' || exit 1
CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE;
SET search_path = mineconsol, public;
DO $$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mc_au_xinfu') THEN
		CREATE ROLE mc_au_xinfu LOGIN IN ROLE mineconsol_editor;
		CREATE ROLE mc_au_ding_readers IN ROLE mineconsol_reader;
		GRANT mc_au_ding_readers TO mc_au_xinfu;
	END IF;
END $$;
INSERT INTO role_counties VALUES ('mc_au_xinfu', '140902'), ('mc_au_ding_readers', '140921');
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, geom) VALUES
  (9501, 'xinfu-1', '140902', 'A', 100000, '2020-01-01', '2026-12-31', ST_Multi(ST_MakeEnvelope(500000, 4250000, 500200, 4250200, 4547))),
  (9502, 'dingxiang-1', '140921', 'B', 100000, '2020-01-01', '2026-12-31', ST_Multi(ST_MakeEnvelope(500000, 4255000, 500200, 4255200, 4547)));
SQL
done
ok 0 "0.1.0 installed twice; a Xinfu clerk who also belongs to Dingxiang's reader group"

# The clerk's session spans the update: it prepares (generic plan) an update
# of Dingxiang's mine, which 0.1.0 lets it write; then the superuser's session
# (which first makes a temporary stage_transitions) runs the update and,
# before committing, lets the clerk look from a third session.
scratch during clerk-during
scratch update superuser-update
cat >"$during" <<'SQL'
\set ON_ERROR_STOP off
SET lock_timeout = '200ms';
CREATE FUNCTION pg_temp.sqlstate_of(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE;
END $$;
SELECT 'during: version ' || extversion FROM pg_extension WHERE extname = 'mineconsol';
SELECT 'during: ' || pg_temp.sqlstate_of('SELECT mineconsol.my_write_counties()') || ' my_write_counties';
SELECT 'during: ' || pg_temp.sqlstate_of('SELECT count(*) FROM mineconsol.mines') || ' mines';
SELECT 'during: ' || pg_temp.sqlstate_of(format('CREATE TABLE %I.shipped_transitions (LIKE mineconsol.stage_transitions)', n.nspname))
       || ' temp schema'
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname = 'stage_transitions' AND n.nspname LIKE 'pg\_temp\_%';
SQL
cat >"$update" <<SQL
CREATE TEMPORARY TABLE stage_transitions (LIKE mineconsol.stage_transitions INCLUDING ALL);
BEGIN;
ALTER EXTENSION mineconsol UPDATE;
\\! psql -X -q -At -U mc_au_xinfu -d $db -f $during 2>&1
COMMIT;
SQL
out=$(psql -X -q -At -U mc_au_xinfu -d $db 2>&1 <<SQL
\set ON_ERROR_STOP off
SET plan_cache_mode = force_generic_plan;
PREPARE w AS UPDATE mineconsol.mines SET note = 'written' WHERE id = 9502 RETURNING 'prepared update writes ' || id;
BEGIN; EXECUTE w; ROLLBACK;
\\! psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f $update 2>&1
EXECUTE w;
SELECT 'after: prepared update wrote ' || count(*) FROM mineconsol.mines WHERE note = 'written';
SQL
)
printf '%s\n' "$out" | grep -v 'WARNING:\|^HINT' | sed 's/^/# /'
like "$out" "prepared update writes 9502" "under 0.1.0 the clerk's prepared update writes Dingxiang's mine (a reader mapping wrote then)"
like "$out" "during: version 0.1.0" "while the update is open, the clerk's catalog is still 0.1.0's (one transaction)"
like "$out" "during: 42883 my_write_counties" "… my_write_counties() does not exist for it yet"
like "$out" "during: 55P03 mines" "… and reading mines waits for the update (lock timeout 55P03)"
like "$out" "during: 42501 temp schema" "the clerk cannot create a table in the updating session's temporary schema (42501)"
like "$out" "after: prepared update wrote 0" "after the update, the same prepared statement writes nothing: 0.2.0's policies"
is "$(q $db "SELECT extversion || ' ' || (SELECT clause FROM mineconsol.stage_transitions WHERE to_stage = 'drafted')
             FROM pg_extension WHERE extname = 'mineconsol'")" "0.2.0 四(一), 四(三)" \
   "a temporary stage_transitions in the updating session is not what the update changes (pg_temp last)"

err=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate -d $db2 2>&1 <<'SQL'
CREATE TEMPORARY TABLE shipped_transitions (track text, from_stage text, to_stage text, clause text, seeded boolean);
ALTER EXTENSION mineconsol UPDATE;
SQL
)
like "$err" "ERROR:  42P07" "a temporary shipped_transitions already in the updating session stops the update (42P07)"
is "$(q $db2 "SELECT extversion FROM pg_extension WHERE extname = 'mineconsol'")" "0.1.0" "… which changed nothing"
