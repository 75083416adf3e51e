\i test/setup.psql
BEGIN;
SELECT plan(28);

SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,0,)', 'an empty chain verifies');

-- Three events for scheme 905.
INSERT INTO schemes (id, county_code) VALUES (905, '140922');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 905, s, jsonb_build_object('date', '2022-09-0' || n, 'doc_no', '五政〔2022〕' || n || '号'))
  FROM unnest(ARRAY['drafted', 'hearing_held']) WITH ORDINALITY AS u(s, n) ORDER BY n$$, 'two steps');
SELECT lives_ok($$SELECT mineconsol.revert_stage('scheme', 905, 'drafted', 'hearing minutes missing')$$, 'one revert');
SELECT is((SELECT string_agg(id::text, ',' ORDER BY id) FROM stage_events), '1,2,3', 'events are numbered 1, 2, 3');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,3,)', 'the chain verifies');

-- The chain as documented: hash = SHA-256(prev_hash ‖ canonical(e)).
SELECT is((SELECT prev_hash FROM stage_events WHERE id = 1), '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
  'event 1 links to 32 zero bytes');
SELECT is((SELECT count(*)::int FROM (SELECT prev_hash, lag(hash) OVER (ORDER BY id) AS before FROM stage_events) c
            WHERE before IS NOT NULL AND prev_hash <> before), 0, 'every prev_hash is the previous event''s hash');
SELECT is((SELECT count(*)::int FROM stage_events e WHERE hash = sha256(prev_hash || audit_canonical(e))), 3,
  'every hash is sha256(prev_hash || audit_canonical(e)), reproducible in plain SQL');
SELECT is((SELECT hash FROM audit_head), (SELECT hash FROM stage_events WHERE id = 3), 'audit_head holds the last hash');
SELECT is(convert_from(audit_canonical(ROW(1, 'scheme', 5, 'survey', 'drafted', 'clerk', '2022-09-01 08:00:00.5+08',
    '{"doc_no": "忻1号", "date": "2022-09-01"}', '2022-10-30', 0, '\x00', '\x00', NULL)::stage_events), 'UTF8'),
  '19:mineconsol-event-v1,1:1,6:scheme,1:5,6:survey,7:drafted,5:clerk,27:2022-09-01T00:00:00.500000Z,'
  || '43:{"date": "2022-09-01", "doc_no": "忻1号"},10:2022-10-30,1:0,N',
  'the canonical serialisation: netstrings in a fixed order, UTC time, jsonb text, N for NULL');

-- Append-only, for everyone (this test runs as a superuser).
SELECT throws_ok($$UPDATE mineconsol.stage_events SET days_late = 0 WHERE id = 2$$, '55000',
  'stage_events is append-only: UPDATE is not allowed', 'UPDATE is refused');
SELECT throws_ok($$UPDATE mineconsol.stage_events SET days_late = 0 WHERE false$$, '55000',
  'stage_events is append-only: UPDATE is not allowed', 'even an UPDATE that touches no row');
SELECT throws_ok($$DELETE FROM mineconsol.stage_events WHERE id = 3$$, '55000',
  'stage_events is append-only: DELETE is not allowed', 'DELETE is refused');
SELECT throws_ok($$TRUNCATE mineconsol.stage_events$$, '55000',
  'stage_events is append-only: TRUNCATE is not allowed', 'TRUNCATE is refused');

-- Direct INSERTs (pg_restore, migration) must extend the chain.
CREATE TEMP TABLE candidate AS
SELECT (h.last_id + 1)::bigint AS id, 'scheme'::text AS track, 905::bigint AS row_id, 'drafted'::text AS from_stage,
       'hearing_held'::text AS to_stage, 'migration'::text AS actor, '2022-09-20 10:00+08'::timestamptz AS at,
       '{"date": "2022-09-20", "doc_no": "五政〔2022〕9号"}'::jsonb AS evidence, NULL::date AS due, NULL::int AS days_late,
       h.hash AS prev_hash, NULL::bytea AS hash, NULL::text AS reason
  FROM audit_head h;
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT id, track, row_id, from_stage, to_stage, actor, at, evidence, due,
  days_late, '\x0000000000000000000000000000000000000000000000000000000000000000', hash, reason FROM candidate$$, '23514',
  'stage event 4 does not extend the audit chain', 'an event that does not link to the head is refused');
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT id, track, row_id, from_stage, to_stage, actor, at, evidence, due,
  5, prev_hash, hash, reason FROM candidate$$, '23514',
  'stage event 4 does not extend the audit chain', 'an event whose hash does not match its content is refused');
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT 7, track, row_id, from_stage, to_stage, actor, at, evidence, due,
  days_late, prev_hash, hash, reason FROM candidate$$, '23514',
  'stage event 7 does not extend the audit chain', 'an event that leaves a gap is refused');
SELECT lives_ok($$INSERT INTO mineconsol.stage_events SELECT * FROM candidate$$, 'an event that extends the chain is accepted');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,4,)', 'and the chain still verifies');
SELECT is((SELECT last_id FROM audit_head), 4::bigint, 'the head moved to it');

-- Tampering by a superuser who disables the triggers is detected.
SAVEPOINT tamper;
ALTER TABLE stage_events DISABLE TRIGGER ALL;
UPDATE stage_events SET evidence = jsonb_set(evidence, '{doc_no}', '"五政〔2022〕99号"') WHERE id = 2;
ALTER TABLE stage_events ENABLE TRIGGER ALL;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(f,1,2)', 'an edited event is named');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE stage_events DISABLE TRIGGER ALL;
UPDATE stage_events SET actor = 'someone else', hash = sha256(prev_hash || audit_canonical(
  ROW(id, track, row_id, from_stage, to_stage, 'someone else', at, evidence, due, days_late, prev_hash, hash, reason)::stage_events))
 WHERE id = 2;
ALTER TABLE stage_events ENABLE TRIGGER ALL;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(f,2,3)',
  'an edited event with a recomputed hash breaks the link of the next one');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE stage_events DISABLE TRIGGER ALL;
DELETE FROM stage_events WHERE id = 2;
ALTER TABLE stage_events ENABLE TRIGGER ALL;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(f,1,2)', 'a removed event is named');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE stage_events DISABLE TRIGGER ALL;
DELETE FROM stage_events WHERE id = 4;
ALTER TABLE stage_events ENABLE TRIGGER ALL;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(f,3,4)', 'a removed last event is named');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
ALTER TABLE stage_events DISABLE TRIGGER ALL;
UPDATE candidate SET id = 5, prev_hash = (SELECT hash FROM stage_events WHERE id = 4), to_stage = 'noticed';
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
INSERT INTO stage_events SELECT * FROM candidate;
ALTER TABLE stage_events ENABLE TRIGGER ALL;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(f,4,5)',
  'an event slipped in past the head is named');
ROLLBACK TO SAVEPOINT tamper;

SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,4,)', 'untouched, the chain verifies');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 905, 'hearing_held', '{"date": "2022-09-25", "doc_no": "五政〔2022〕12号"}')$$,
  'appending continues after a direct insert');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,5,)', 'five events, intact');

SELECT * FROM finish();
ROLLBACK;
