#!/usr/bin/env bash
# pg_dump / pg_restore of a database with a stage workflow under way: rows at
# later stages, the events (stored out of id order on disk) and a DBA's edit
# of stage_transitions come back, the restored chain verifies, and appending
# continues after it.
set -u
. "$(dirname "$0")/../lib/tap.sh"
src=mineconsol_stage_dump_src dst=mineconsol_stage_dump_dst
new_db $src $dst
scratch dump stage-dump

plan 12
psql -X -q -v ON_ERROR_STOP=1 -d $src >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol CASCADE;
SET search_path = mineconsol, public;
UPDATE stage_transitions SET evidence_keys = evidence_keys || '{inspector}' WHERE track = 'closure' AND to_stage = 'restored';
INSERT INTO schemes (county_code) VALUES ('140902'), ('140921');
SELECT advance('scheme', s.id, st, jsonb_build_object('date', '2022-10-01', 'doc_no', s.county_code || '-' || st, 'media', '忻州日报'))
  FROM schemes s, unnest(ARRAY['drafted', 'hearing_held', 'noticed', 'submitted', 'approved']) WITH ORDINALITY AS u(st, n)
 WHERE s.county_code = '140902' ORDER BY n;
INSERT INTO mines (name, county_code) VALUES ('甲矿', '140902'), ('乙矿', '140902');
INSERT INTO units (county_code, retained_mine_id) SELECT '140902', min(id) FROM mines;
INSERT INTO unit_members (unit_id, mine_id) SELECT u.id, m.id FROM units u, mines m;
INSERT INTO closures (mine_id, unit_id) SELECT max(m.id), min(u.id) FROM mines m, units u;
-- An aborted advance leaves a dead event tuple; after VACUUM a later event
-- fills its slot, so the events are no longer in id order on disk.
BEGIN;
SELECT advance('unit', (SELECT id FROM units), 'reserves_verified', '{"date": "2023-02-01", "doc_no": "aborted"}');
ROLLBACK;
SELECT advance('unit', (SELECT id FROM units), 'reserves_verified', '{"date": "2023-03-01", "doc_no": "r-1"}');
SELECT advance('closure', (SELECT mine_id FROM closures), 'closure_decided', '{"date": "2023-03-02", "doc_no": "c-1"}');
VACUUM stage_events;
SELECT advance('unit', (SELECT id FROM units), 'valued', '{"date": "2023-03-20", "doc_no": "v-1"}');
SELECT revert_stage('scheme', (SELECT id FROM schemes WHERE county_code = '140902'), 'submitted', 'approval letter misfiled');
SQL
ok $? "source database with schemes, a unit, a closure, a revert and an edited step"
echo "# events on disk in the order: $(q $src "SELECT string_agg(id::text, ',') FROM mineconsol.stage_events")"
pg_dump -Fc -d $src -f "$dump" 2>/dev/null
ok $? "pg_dump -Fc"
err=$(pg_restore -d $dst "$dump" 2>&1)
ok $? "pg_restore into a fresh database without errors"
[ -n "$err" ] && printf '# %s\n' "$err"

events="SELECT string_agg(id || ':' || encode(hash, 'hex'), ',' ORDER BY id) FROM mineconsol.stage_events"
rows="SELECT (SELECT string_agg(county_code || '=' || stage, ',' ORDER BY county_code) FROM mineconsol.schemes)
          || ';' || (SELECT string_agg(stage, ',') FROM mineconsol.units)
          || ';' || (SELECT string_agg(stage, ',') FROM mineconsol.closures)
          || ';' || (SELECT count(*) FROM mineconsol.unit_members)"
is "$(q $dst "$events")" "$(q $src "$events")" "every event comes back with its hash"
is "$(q $dst "$rows")" "$(q $src "$rows")" "schemes, units, closures and members come back at their stages"
is "$(q $dst "SELECT row(ok, checked, first_bad_event)::text FROM mineconsol.verify_audit()")" \
   "$(q $src "SELECT row(ok, checked, first_bad_event)::text FROM mineconsol.verify_audit()")" "the restored chain verifies"
heads="SELECT string_agg(track || ' ' || row_id || '=' || last_event_id, ',' ORDER BY track, row_id) FROM (
          SELECT 'scheme' AS track, id AS row_id, last_event_id FROM mineconsol.schemes
          UNION ALL SELECT 'unit', id, last_event_id FROM mineconsol.units
          UNION ALL SELECT 'closure', mine_id, last_event_id FROM mineconsol.closures) r"
is "$(q $dst "$heads")" "$(q $src "$heads")" "every row comes back with its chain's head"
is "$(q $dst "SELECT last_value FROM mineconsol.stage_events_id_seq")" "$(q $src "SELECT last_value FROM mineconsol.stage_events_id_seq")" \
   "and event ids continue where they stopped"
is "$(q $dst "SELECT array_to_string(evidence_keys, ',') FROM mineconsol.stage_transitions WHERE track = 'closure' AND to_stage = 'restored'")" \
   "date,doc_no,inspector" "the DBA's edit of a step survives"
is "$(q $dst "SELECT count(*) FROM mineconsol.stage_transitions")" 17 "and the seeded steps are there once"
q $dst "SELECT mineconsol.advance('scheme', (SELECT id FROM mineconsol.schemes WHERE county_code = '140902'), 'approved',
          '{\"date\": \"2022-12-01\", \"doc_no\": \"again\"}')" >/dev/null 2>&1
ok $? "a transition after the restore"
is "$(q $dst "SELECT row(ok, checked = (SELECT count(*) FROM mineconsol.stage_events), first_bad_event)::text FROM mineconsol.verify_audit()")" \
   "(t,t,)" "the chain continues"
