\i test/setup.psql
BEGIN;
SELECT plan(77);

-- Event ids come from a sequence that other test files advance too, so
-- every expected id is read into a variable first.
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,0,)', 'an empty trail verifies');

-- Two rows: scheme 905 (two steps, one revert) and scheme 906 (one step in
-- between), so the rows' events interleave.
INSERT INTO schemes (id, county_code) VALUES (905, '140922'), (906, '140923');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 905, 'drafted', '{"date": "2022-09-01", "doc_no": "五政〔2022〕1号"}')$$,
  'scheme 905 drafted');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 906, 'drafted', '{"date": "2022-09-01", "doc_no": "代政〔2022〕1号"}')$$,
  'scheme 906 drafted');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 905, 'hearing_held', '{"date": "2022-09-02", "doc_no": "五政〔2022〕2号"}')$$,
  'scheme 905 hearing held');
SELECT lives_ok($$SELECT mineconsol.revert_stage('scheme', 905, 'drafted', 'hearing minutes missing')$$, 'scheme 905 reverted');
SELECT min(id) AS e1, max(id) AS e3 FROM stage_events WHERE row_id = 905 \gset
SELECT id AS e2 FROM stage_events WHERE row_id = 905 AND to_stage = 'hearing_held' \gset
SELECT id AS f1 FROM stage_events WHERE row_id = 906 \gset
SELECT ok(:e1 < :f1 AND :f1 < :e2 AND :e2 < :e3, 'ids increase in the order the events were recorded');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,4,)', 'the trail verifies');

-- Each row's chain as documented: hash = SHA-256(prev_hash ‖ canonical(e)),
-- prev_hash the hash of the row's previous event, zeros for its first.
SELECT is((SELECT array_agg(row_id ORDER BY row_id) FROM stage_events
            WHERE prev_hash = '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea),
  ARRAY[905, 906]::bigint[], 'the first event of each row links to 32 zero bytes');
SELECT is((SELECT count(*)::int FROM (SELECT prev_hash, lag(hash) OVER (PARTITION BY track, row_id ORDER BY id) AS before
                                        FROM stage_events) c
            WHERE before IS NOT NULL AND prev_hash = before), 2, 'every other prev_hash is the hash of the row''s previous event');
SELECT is((SELECT count(*)::int FROM stage_events e WHERE hash = sha256(prev_hash || audit_canonical(e))), 4,
  'every hash is sha256(prev_hash || audit_canonical(e)), reproducible in plain SQL');
SELECT is((SELECT row(last_event_id, last_event_hash = (SELECT hash FROM stage_events WHERE id = :e3))::text
             FROM schemes WHERE id = 905), format('(%s,t)', :e3), 'the row holds its head: its last event and that event''s hash');
SELECT is(convert_from(audit_canonical(ROW(1, 'scheme', 5, 'survey', 'drafted', 'clerk', '2022-09-01 08:00:00.5+08',
    '{"doc_no": "忻1号", "date": "2022-09-01"}', '2022-10-30', 0, '\x00', '\x00', NULL)::stage_events), 'UTF8'),
  '19:mineconsol-event-v1,1:1,6:scheme,1:5,6:survey,7:drafted,5:clerk,27:2022-09-01T00:00:00.500000Z,'
  || '43:{"date": "2022-09-01", "doc_no": "忻1号"},10:2022-10-30,1:0,N',
  'the canonical serialisation: netstrings in a fixed order, UTC time, jsonb text, N for NULL');

-- The head is the stage trigger's to write.
SELECT throws_ok($$UPDATE mineconsol.schemes SET last_event_id = 1 WHERE id = 905$$, '428C9',
  'last_event_id and last_event_hash of scheme 905 are maintained by mineconsol', 'the head''s id cannot be set');
SELECT throws_ok($$UPDATE mineconsol.schemes SET last_event_hash = NULL WHERE id = 905$$, '428C9',
  'last_event_id and last_event_hash of scheme 905 are maintained by mineconsol', 'nor its hash');
CREATE ROLE mc_audit_clerk IN ROLE mineconsol_editor;
INSERT INTO role_counties VALUES ('mc_audit_clerk', '140924');
SET ROLE mc_audit_clerk;
SELECT throws_ok($$INSERT INTO mineconsol.schemes (county_code, last_event_id) VALUES ('140924', 1)$$, '428C9',
  NULL, 'county staff cannot insert a row with a head');
RESET ROLE;

-- A row with a history is kept, so its chain keeps its head.
SELECT throws_ok($$DELETE FROM mineconsol.schemes WHERE id = 905$$, '23001',
  'scheme 905 cannot be deleted: it has a stage history', 'a row with a stage history cannot be deleted');
SELECT lives_ok($$INSERT INTO mineconsol.schemes (id, county_code) VALUES (908, '140925');
                  DELETE FROM mineconsol.schemes WHERE id = 908$$, 'a row without one can');

-- The append is a real insert: defaults of added columns and AFTER triggers apply.
SAVEPOINT extra;
ALTER TABLE stage_events ADD COLUMN scratch integer;
ALTER TABLE stage_events DROP COLUMN scratch;
ALTER TABLE stage_events ADD COLUMN office text NOT NULL DEFAULT 'city office';
CREATE TEMP TABLE seen (id bigint);
CREATE FUNCTION pg_temp.note_event() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO seen VALUES (NEW.id); RETURN NULL; END $f$;
CREATE TRIGGER zz_seen AFTER INSERT ON stage_events FOR EACH ROW EXECUTE FUNCTION pg_temp.note_event();
CREATE TEMP TABLE got AS SELECT * FROM advance('scheme', 906, 'hearing_held', '{"date": "2022-09-03", "doc_no": "代政〔2022〕2号"}');
SELECT is((SELECT office FROM stage_events WHERE row_id = 906 AND to_stage = 'hearing_held'), 'city office',
  'a column added to stage_events gets its default');
SELECT is((SELECT count(*)::int FROM seen), 1, 'an AFTER trigger on stage_events sees the event');
SELECT is((SELECT row(g.*)::text FROM got g), (SELECT row(e.*)::text FROM stage_events e WHERE e.row_id = 906 AND e.to_stage = 'hearing_held'),
  'advance() returns the event as stored, the added column too (after a dropped one)');
ROLLBACK TO SAVEPOINT extra;

-- The event of every change is stored and is the one the row's head names:
-- a trigger on stage_events that cancels or renumbers it stops the change.
SAVEPOINT cancel;
CREATE FUNCTION pg_temp.drop_event() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NULL; END $f$;
CREATE TRIGGER zz_drop BEFORE INSERT ON stage_events FOR EACH ROW EXECUTE FUNCTION pg_temp.drop_event();
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 906, 'hearing_held', '{"date": "2022-09-03", "doc_no": "代政〔2022〕2号"}')$$,
  '39P01', NULL, 'a BEFORE trigger on stage_events that cancels the event stops the change of stage');
SELECT is((SELECT row(s.stage, s.last_event_id, (SELECT count(*) FROM stage_events e WHERE e.row_id = 906))::text FROM schemes s WHERE s.id = 906),
  format('(drafted,%s,1)', :f1), 'scheme 906 stays drafted with its one event');
ROLLBACK TO SAVEPOINT cancel;
SAVEPOINT renumber;
CREATE FUNCTION pg_temp.renumber_event() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW.id := NEW.id + 1000; RETURN NEW; END $f$;
CREATE TRIGGER zz_renumber BEFORE INSERT ON stage_events FOR EACH ROW EXECUTE FUNCTION pg_temp.renumber_event();
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 906, 'hearing_held', '{"date": "2022-09-03", "doc_no": "代政〔2022〕2号"}')$$,
  '39P01', NULL, 'nor may one renumber it');
ROLLBACK TO SAVEPOINT renumber;
SAVEPOINT unguarded;
ALTER TABLE schemes DISABLE TRIGGER schemes_stage_guard;
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 906, 'hearing_held', '{"date": "2022-09-03", "doc_no": "代政〔2022〕2号"}')$$,
  '55000', 'the event of scheme 906 was not recorded', 'with the stage trigger disabled, advance() refuses rather than return no event');
ROLLBACK TO SAVEPOINT unguarded;

-- Append-only, for everyone (this test runs as a superuser).
SELECT throws_ok(format($$UPDATE mineconsol.stage_events SET days_late = 0 WHERE id = %s$$, :e2), '55000',
  'stage_events is append-only: UPDATE is not allowed', 'UPDATE is refused');
SELECT throws_ok($$UPDATE mineconsol.stage_events SET days_late = 0 WHERE false$$, '55000',
  'stage_events is append-only: UPDATE is not allowed', 'even an UPDATE that touches no row');
SELECT throws_ok(format($$DELETE FROM mineconsol.stage_events WHERE id = %s$$, :e3), '55000',
  'stage_events is append-only: DELETE is not allowed', 'DELETE is refused');
SELECT throws_ok($$TRUNCATE mineconsol.stage_events$$, '55000',
  'stage_events is append-only: TRUNCATE is not allowed', 'TRUNCATE is refused');

-- Direct INSERTs (pg_restore, migration) must extend their row's chain.
SELECT (:e3 + 100) AS c1 \gset
CREATE TEMP TABLE candidate AS
SELECT :c1::bigint AS id, 'scheme'::text AS track, 905::bigint AS row_id, 'drafted'::text AS from_stage,
       'hearing_held'::text AS to_stage, 'migration'::text AS actor, '2022-09-20 10:00+08'::timestamptz AS at,
       '{"date": "2022-09-20", "doc_no": "五政〔2022〕9号"}'::jsonb AS evidence, NULL::date AS due, NULL::int AS days_late,
       e.hash AS prev_hash, NULL::bytea AS hash, NULL::text AS reason
  FROM stage_events e WHERE e.id = :e3;
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT id, track, row_id, from_stage, to_stage, actor, at, evidence, due,
  days_late, '\x0000000000000000000000000000000000000000000000000000000000000000', hash, reason FROM candidate$$, '23514',
  format('stage event %s does not extend the audit chain', :c1), 'an event whose hash does not match its content is refused');
UPDATE candidate c SET prev_hash = (SELECT hash FROM stage_events WHERE id = :e2);
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT * FROM candidate$$, '23514',
  format('stage event %s does not extend the audit chain of scheme 905', :c1),
  'an event that does not link to the row''s last event is refused');
UPDATE candidate c SET id = :e2, prev_hash = (SELECT hash FROM stage_events WHERE id = :e3);
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SELECT throws_ok($$INSERT INTO mineconsol.stage_events SELECT * FROM candidate$$, '23514',
  format('stage event %s does not extend the audit chain of scheme 905', :e2),
  'an event numbered before the row''s last one is refused');
UPDATE candidate c SET id = :c1;
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SAVEPOINT direct;
SELECT lives_ok($$INSERT INTO mineconsol.stage_events SELECT * FROM candidate$$, 'an event that extends the row''s chain is accepted');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), format('(f,5,%s)', :c1),
  'but while the row''s head does not name it, verify_audit() names it');
ROLLBACK TO SAVEPOINT direct;

-- A restore: a superuser loads a row with its head, then its events.
UPDATE candidate SET row_id = 907, from_stage = 'survey', to_stage = 'drafted',
  prev_hash = '\x0000000000000000000000000000000000000000000000000000000000000000';
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
SELECT lives_ok($$INSERT INTO mineconsol.schemes (id, county_code, stage, stage_evidence, last_event_id, last_event_hash)
  SELECT 907, '140924', 'drafted', evidence, id, hash FROM candidate$$, 'a superuser inserts a row with its head (pg_restore)');
SELECT lives_ok($$INSERT INTO mineconsol.stage_events SELECT * FROM candidate$$, '… and its events, which extend its chain');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,5,)', 'the restored row verifies');

-- Tampering by a superuser who disables the triggers is detected.
-- behind_triggers(tampering): the statements tampering run with every
-- trigger of stage_events and schemes disabled, as such a superuser can; the
-- tampering stays (the caller undoes it: audit_after() or a savepoint).
CREATE PROCEDURE pg_temp.behind_triggers(tampering text)
LANGUAGE plpgsql AS $fn$
BEGIN
	ALTER TABLE mineconsol.stage_events DISABLE TRIGGER ALL;
	ALTER TABLE mineconsol.schemes DISABLE TRIGGER ALL;
	EXECUTE tampering;
	ALTER TABLE mineconsol.stage_events ENABLE TRIGGER ALL;
	ALTER TABLE mineconsol.schemes ENABLE TRIGGER ALL;
END
$fn$;
-- audit_after(tampering): verify_audit()'s (ok, checked, first_bad_event)
-- once tampering ran behind the triggers; the tampering is undone.
CREATE FUNCTION pg_temp.audit_after(tampering text) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
	result text;
BEGIN
	BEGIN
		CALL pg_temp.behind_triggers(tampering);
		SELECT row(ok, checked, first_bad_event)::text INTO result FROM mineconsol.verify_audit();
		RAISE SQLSTATE 'MCUND';
	EXCEPTION WHEN SQLSTATE 'MCUND' THEN
		NULL;					-- undone
	END;
	RETURN result;
END
$fn$;
SELECT is(pg_temp.audit_after(tampering), want, what) FROM (VALUES
  (1, format($$UPDATE stage_events SET evidence = jsonb_set(evidence, '{doc_no}', '"五政〔2022〕99号"') WHERE id = %s$$, :e2),
   format('(f,4,%s)', :e2), 'an edited event is named'),
  (2, format($$UPDATE stage_events SET actor = 'someone else', hash = sha256(prev_hash || audit_canonical(
        ROW(id, track, row_id, from_stage, to_stage, 'someone else', at, evidence, due, days_late, prev_hash, hash, reason)::stage_events))
       WHERE id = %s$$, :e2),
   format('(f,4,%s)', :e3), 'an edited event with a recomputed hash breaks the link of the row''s next one'),
  (3, format($$DELETE FROM stage_events WHERE id = %s$$, :e2),
   format('(f,3,%s)', :e3), 'a removed event: the row''s next event is named'),
  (4, format($$DELETE FROM stage_events WHERE id = %s$$, :e3),
   format('(f,4,%s)', :e3), 'a removed last event is named (the row''s head still names it)'),
  (5, format($$UPDATE candidate SET id = %s + 1, row_id = 906, from_stage = 'drafted', to_stage = 'hearing_held',
         prev_hash = (SELECT hash FROM stage_events WHERE id = %s);
       UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
       INSERT INTO stage_events SELECT * FROM candidate$$, :c1, :f1),
   format('(f,6,%s)', :c1 + 1), 'an event slipped in past a row''s head is named, although it links correctly'),
  (6, $$UPDATE schemes SET last_event_hash = sha256('forged') WHERE id = 906$$,
   format('(f,5,%s)', :f1), 'a row whose head was edited names the event the head should hold')
) AS c(n, tampering, want, what) ORDER BY n;

SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,5,)', 'untouched, the trail verifies');
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 907, 'hearing_held', '{"date": "2022-09-25", "doc_no": "忻政〔2022〕12号"}')$$,
  '55000', 'stage_events_id_seq is behind the audit trail', 'events loaded without their sequence: appending stops with a hint');
SELECT setval('stage_events_id_seq', max(id)) FROM stage_events \g /dev/null
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 907, 'hearing_held', '{"date": "2022-09-25", "doc_no": "忻政〔2022〕12号"}')$$,
  'appending continues on the restored row');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,6,)', 'six events, intact');
SELECT is((SELECT prev_hash FROM stage_events WHERE id = (SELECT last_event_id FROM schemes WHERE id = 907)),
  (SELECT hash FROM candidate), 'the new event links to the restored one');

-- ---------------------------------------------------------------- what verify_audit() also sees
SELECT last_event_id AS g2 FROM schemes WHERE id = 907 \gset
-- Three rows changed behind the stage trigger the other way a superuser
-- can: as_replica(statement) runs the statement with
-- session_replication_role = replica, so no ordinary trigger fires.  Each
-- change is checked its own way.
CREATE PROCEDURE pg_temp.as_replica(statement text)
LANGUAGE plpgsql AS $fn$
BEGIN
	SET LOCAL session_replication_role = replica;
	EXECUTE statement;
	SET LOCAL session_replication_role = origin;
END
$fn$;
SAVEPOINT tamper;
CALL pg_temp.as_replica($$UPDATE schemes SET stage = 'submitted' WHERE id = 906$$);
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), format('(f,6,%s)', :f1),
  'a stage changed behind the triggers (session_replication_role = replica) names the row''s last event');
SELECT is((SELECT string_agg(row(event_id, track, row_id, problem)::text, E'\n') FROM audit_problems()),
  format('(%s,scheme,906,"the row is at stage ""submitted"", but its last event %s moved it to ""drafted"": the stage was changed behind the stage trigger")', :f1, :f1),
  'audit_problems() says what is wrong');
ROLLBACK TO SAVEPOINT tamper;
SAVEPOINT tamper;
CALL pg_temp.as_replica($$UPDATE schemes SET stage_evidence = jsonb_set(stage_evidence, '{doc_no}', '"代政〔2022〕99号"') WHERE id = 906$$);
SELECT is((SELECT string_agg(row(event_id, track, row_id, problem)::text, E'\n') FROM audit_problems()),
  format('(%s,scheme,906,"stage_evidence is not the evidence its last event %s left: it was changed behind the stage trigger")', :f1, :f1),
  'so is its evidence');
ROLLBACK TO SAVEPOINT tamper;
SAVEPOINT tamper;
CALL pg_temp.as_replica($$UPDATE schemes SET stage_evidence = '{"date": "2022-09-02", "doc_no": "五政〔2022〕2号"}' WHERE id = 905$$);
SELECT is((SELECT count(*)::int FROM audit_problems()), 1,
  'after a revert, the row holds the evidence of its last step forward into the stage, not another''s');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
CALL pg_temp.behind_triggers(format($$
  UPDATE stage_events SET evidence = jsonb_set(evidence, '{doc_no}', '"五政〔2022〕99号"') WHERE id = %s;
  DELETE FROM stage_events WHERE id = %s;
  DELETE FROM schemes WHERE id = 907$$, :e2, :f1));
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), format('(f,4,%s)', least(:e2, :f1, :g2)),
  'three tamperings at once: verify_audit() names the lowest event');
SELECT is((SELECT string_agg(row(event_id, track, row_id, problem)::text, E'\n' ORDER BY event_id) FROM audit_problems()),
  (SELECT string_agg(p, E'\n' ORDER BY id) FROM (VALUES
    (:e2, format('(%s,scheme,905,"hash is not SHA-256(prev_hash ‖ canonical event): the event was changed after it was recorded")', :e2)),
    (:f1, format('(%s,scheme,906,"the row''s last event is %s, but its chain has no events: they were removed")', :f1, :f1)),
    (:g2, format('(%s,scheme,907,"the row of this chain does not exist: it was deleted behind the stage trigger")', :g2))) v(id, p)),
  'audit_problems() lists every one: an edited event, a removed last event, a deleted row');
ROLLBACK TO SAVEPOINT tamper;
SELECT is((SELECT count(*)::int FROM audit_problems()), 0, 'untouched, no problems');

-- ---------------------------------------------------------------- digests
SELECT audit_digest() AS d1 \gset
SELECT matches(:'d1'::text, '^mineconsol-audit-v1:[0-9]+:3:[0-9a-f]{64}$', 'a digest: the last event id, 3 chains, one SHA-256');
SELECT is(split_part(:'d1', ':', 2)::bigint, (SELECT max(id) FROM stage_events), 'it covers every event up to the last');
SELECT is(audit_digest(), :'d1'::text, 'the same trail gives the same digest');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(t,6,)', 'the trail verifies against its digest');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 906, 'hearing_held', '{"date": "2022-09-03", "doc_no": "代政〔2022〕2号"}')$$,
  'a step after the digest');
SELECT id AS f2 FROM stage_events WHERE row_id = 906 AND to_stage = 'hearing_held' \gset
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(t,7,)', 'events recorded after a digest leave it valid');
SELECT isnt(audit_digest(), :'d1'::text, 'a new digest covers them');

-- The tamperings below stay SAVEPOINT blocks, not audit_after() cases: each is
-- checked several ways (without and with the digest, audit_problems()) at once.
-- remove_last_event(p_row): the owner removes scheme p_row's last event and
-- rewinds the row's head (stage, evidence, last event and its hash) to the
-- event before it.
CREATE PROCEDURE pg_temp.remove_last_event(p_row bigint)
LANGUAGE plpgsql AS $fn$
BEGIN
	CALL pg_temp.behind_triggers(format($$
		DELETE FROM mineconsol.stage_events WHERE id = (SELECT last_event_id FROM mineconsol.schemes WHERE id = %1$s);
		UPDATE mineconsol.schemes s
		   SET stage = e.to_stage, stage_evidence = e.evidence, last_event_id = e.id, last_event_hash = e.hash
		  FROM mineconsol.stage_events e
		 WHERE s.id = %1$s
		   AND e.id = (SELECT max(id) FROM mineconsol.stage_events WHERE track = 'scheme' AND row_id = %1$s)$$, p_row));
END
$fn$;
SAVEPOINT tamper;
CALL pg_temp.remove_last_event(905);
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,6,)',
  'the owner removes a row''s last event and rewinds its head: the trail alone still verifies');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(f,6,)', 'the digest does not');
SELECT is((SELECT row(event_id, track, row_id, problem)::text FROM audit_problems(:'d1')),
  format('(,,,"the heads of the chains up to event %s do not match the digest (3 chains then, 3 now): an event recorded before the digest was changed, removed or added")',
         split_part(:'d1', ':', 2)), 'audit_problems(digest) says so');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
CALL pg_temp.behind_triggers(format($$
  UPDATE stage_events e SET actor = 'someone else' WHERE id = %1$s;
  UPDATE stage_events e SET hash = sha256(e.prev_hash || audit_canonical(e)) WHERE id = %1$s;
  UPDATE stage_events e SET prev_hash = (SELECT hash FROM stage_events WHERE id = %1$s) WHERE id = %2$s;
  UPDATE stage_events e SET hash = sha256(e.prev_hash || audit_canonical(e)) WHERE id = %2$s;
  UPDATE schemes SET last_event_hash = (SELECT hash FROM stage_events WHERE id = %2$s) WHERE id = 905$$, :e2, :e3));
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit()), '(t,7,)',
  'the owner edits an event and recomputes every hash after it: the trail alone still verifies');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(f,7,)', 'the digest does not');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
UPDATE candidate SET id = :e1 - 1, row_id = 909, from_stage = 'survey', to_stage = 'drafted',
  prev_hash = '\x0000000000000000000000000000000000000000000000000000000000000000';
UPDATE candidate c SET hash = sha256(c.prev_hash || audit_canonical(ROW(c.*)::stage_events));
CALL pg_temp.behind_triggers($$
  INSERT INTO schemes (id, county_code, stage, last_event_id, last_event_hash) VALUES (909, '140925', 'drafted', NULL, NULL);
  INSERT INTO stage_events SELECT * FROM candidate;
  UPDATE schemes s SET stage_evidence = c.evidence, last_event_id = c.id, last_event_hash = c.hash FROM candidate c WHERE s.id = 909$$);
SELECT is((SELECT ok FROM verify_audit()), true, 'the owner adds a whole row with a back-dated chain: the trail alone still verifies');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(f,8,)', 'the digest does not');
ROLLBACK TO SAVEPOINT tamper;

SAVEPOINT tamper;
CALL pg_temp.remove_last_event(906);
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(t,6,)',
  'an event recorded after the digest is covered only by a later digest');
ROLLBACK TO SAVEPOINT tamper;

SELECT throws_ok($$SELECT * FROM mineconsol.verify_audit('mineconsol-audit-v1:12:3:abc')$$, '22023',
  'invalid audit digest "mineconsol-audit-v1:12:3:abc"', 'a digest that is not one is 22023');
SELECT throws_ok($$SELECT * FROM mineconsol.verify_audit(NULL::text)$$, '22004', 'digest must not be null', 'NULL is 22004');
SELECT throws_ok($$SELECT * FROM mineconsol.verify_audit('mineconsol-audit-v1:' || repeat('9', 1000000))$$, '22023',
  'invalid audit digest "mineconsol-audit-v1:' || repeat('9', 100) || '..."',
  'a megabyte of digest is refused quoting 120 bytes of it');
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(regexp_replace(:'d1', ':3:', ':2:'))), '(f,7,)',
  'a digest whose chain count was altered does not match');

-- Who may: the inspectors and the city, not county staff.
CREATE ROLE mc_audit_inspector IN ROLE mineconsol_inspector;
SET ROLE mc_audit_inspector;
SELECT is((SELECT row(ok, checked, first_bad_event)::text FROM verify_audit(:'d1')), '(t,7,)', 'an inspector verifies against the digest');
SELECT is((SELECT count(*)::int FROM audit_problems(:'d1')), 0, 'and lists no problem');
RESET ROLE;
SET ROLE mc_audit_clerk;
SELECT throws_ok($$SELECT mineconsol.audit_digest()$$, '42501', 'permission denied for function audit_digest', 'county staff cannot take a digest');
SELECT throws_ok($$SELECT * FROM mineconsol.verify_audit()$$, '42501', 'permission denied for function verify_audit', 'nor verify the trail they cannot read');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
