#!/usr/bin/env bash
# The 0.1.0 SQL definitions against this build's C code (a DBA has installed
# the new files but not yet run ALTER EXTENSION mineconsol UPDATE, or created
# the extension at VERSION '0.1.0'): they call it through the legacy library
# mineconsol-0.1, which serves 0.1.0's C names with the module's code.  The
# stage trigger's defences are in that code, so they hold before the update too.
# A clerk cannot record the city's approval (0.1.0's stage_transitions has no
# recorded_by: the library falls back to the 0.2.0 seed), and stage_guard,
# executable by PUBLIC in 0.1.0, refuses to fire on a clerk's own table.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_stage_old_sql
roles_of_test mc_old_clerk
new_db $db

plan 7
psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE;
SET search_path = mineconsol, public;
CREATE ROLE mc_old_clerk IN ROLE mineconsol_editor;
INSERT INTO role_counties VALUES ('mc_old_clerk', '140902');
INSERT INTO schemes (id, county_code) VALUES (1, '140902');
SET ROLE mc_old_clerk;
SELECT advance('scheme', 1, s, jsonb_build_object('date', '2022-10-01', 'doc_no', 'd-' || s, 'media', '忻州日报'))
  FROM unnest(ARRAY['drafted', 'hearing_held', 'noticed', 'submitted']) WITH ORDINALITY AS u(s, n) ORDER BY n;
SQL
ok $? "0.1.0's SQL with this library: a clerk walks its scheme to submitted"
is "$(q $db "SELECT extversion FROM pg_extension WHERE extname = 'mineconsol'")" "0.1.0" "the SQL definitions are 0.1.0's"
is "$(q $db "SELECT probin || ' ' || prosrc FROM pg_proc WHERE oid = 'mineconsol.advance(text, bigint, text, jsonb)'::regprocedure")" \
   '$libdir/mineconsol-0.1 stage_advance' "they call the legacy library by 0.1.0's C names"

out=$(psql -X -q -At -d $db 2>&1 <<'SQL'
SET ROLE mc_old_clerk;
SELECT mineconsol.advance('scheme', 1, 'approved', '{"date": "2022-11-01", "doc_no": "forged"}');
SQL
)
like "$out" 'ERROR:  permission denied to record "approved" for scheme 1 \(county 140902\)' \
   "the clerk cannot record the city's approval before the update either"
is "$(q $db "SELECT stage || ' ' || (SELECT count(*) FROM mineconsol.stage_events) FROM mineconsol.schemes")" "submitted 4" \
   "the scheme stays submitted, with its four events"

out=$(psql -X -q -At -d $db 2>&1 <<'SQL'
SET ROLE mc_old_clerk;
CREATE TEMP TABLE fake (id bigint, county_code text, stage text, stage_evidence jsonb, last_event_id bigint, last_event_hash bytea);
INSERT INTO fake VALUES (1, '140921', 'survey', NULL, NULL, NULL);
CREATE TRIGGER g BEFORE UPDATE ON fake FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme');
UPDATE fake SET stage = 'drafted', stage_evidence = '{"date": "2022-08-20", "doc_no": "forged"}';
SQL
)
like "$out" 'ERROR:  stage_guard\(\) cannot fire on relation "fake"' \
   "stage_guard, executable by PUBLIC in 0.1.0, refuses to fire on the clerk's own table"
is "$(q $db "SELECT count(*) FROM mineconsol.stage_events WHERE evidence->>'doc_no' = 'forged'")" 0 "no forged event"
