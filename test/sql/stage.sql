\i test/setup.psql
BEGIN;
SELECT plan(84);

-- refusal(sql [, role]): 'SQLSTATE: message' and the detail on the next line,
-- or 'no error'.  With a role, the statement runs as that role.
CREATE FUNCTION pg_temp.refusal(sql text, as_role text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
	st text;
	msg text;
	det text;
BEGIN
	BEGIN
		IF as_role IS NOT NULL THEN
			EXECUTE format('SET LOCAL ROLE %I', as_role);
		END IF;
		EXECUTE sql;
		EXECUTE 'RESET ROLE';
		RETURN 'no error';
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
		RETURN st || ': ' || msg || CASE WHEN det <> '' THEN E'\n' || det ELSE '' END;
	END;
END
$fn$;
-- as_role(role, sql): run a statement as role.
CREATE FUNCTION pg_temp.as_role(as_role text, sql text) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', as_role);
	EXECUTE sql;
	EXECUTE 'RESET ROLE';
END
$fn$;

-- A county clerk and a city officer (member of mineconsol_admin).
CREATE ROLE mc_test_clerk IN ROLE mineconsol_editor;
CREATE ROLE mc_test_city IN ROLE mineconsol_admin;
-- The clerk works for every county here (row-level security is tested in security.sql).
INSERT INTO mineconsol.role_counties (role_name, county_code)
SELECT 'mc_test_clerk', code FROM mineconsol.counties;
GRANT USAGE ON SCHEMA mineconsol TO mc_test_clerk, mc_test_city;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mineconsol TO mc_test_clerk, mc_test_city;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA mineconsol TO mc_test_clerk, mc_test_city;

-- ---------------------------------------------------------------- objects
SELECT has_table('mineconsol', t, 'table ' || t) FROM unnest(ARRAY[
  'schemes', 'units', 'unit_members', 'closures', 'stage_transitions', 'stage_events']) AS t;
SELECT columns_are('mineconsol', 'stage_events', ARRAY[
  'id', 'track', 'row_id', 'from_stage', 'to_stage', 'actor', 'at', 'evidence', 'due', 'days_late',
  'prev_hash', 'hash', 'reason'], 'stage_events has the columns of the public interface (+ reason)');
SELECT has_function('mineconsol', 'advance', ARRAY['text', 'bigint', 'text', 'jsonb'], 'advance(track, id, to_stage, evidence)');
SELECT has_function('mineconsol', 'revert_stage', ARRAY['text', 'bigint', 'text', 'text'], 'revert_stage(track, id, to_stage, reason)');
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'mineconsol.advance'::regproc), 'v', 'advance is VOLATILE');
SELECT is((SELECT count(*)::int FROM pg_roles WHERE rolname IN
  ('mineconsol_admin', 'mineconsol_editor', 'mineconsol_reader', 'mineconsol_inspector') AND NOT rolcanlogin), 4,
  'the four roles exist and cannot log in');
SELECT is((SELECT string_agg(to_stage, ' → ' ORDER BY ord) FROM (
  WITH RECURSIVE walk(stage, ord) AS (
    SELECT 'survey'::text, 0
    UNION ALL
    SELECT t.to_stage, w.ord + 1 FROM walk w JOIN stage_transitions t ON t.track = 'scheme' AND t.from_stage = w.stage)
  SELECT stage AS to_stage, ord FROM walk) s),
  'survey → drafted → hearing_held → noticed → submitted → approved', 'scheme stages as DESIGN.md');
SELECT is((SELECT count(*)::int FROM stage_transitions), 17, '5 scheme, 7 unit and 5 closure steps are seeded');
SELECT is((SELECT count(*)::int FROM stage_transitions WHERE NOT evidence_keys @> '{date,doc_no}'), 0,
  'every step needs date and doc_no');

-- ------------------------------------------------ a county scheme, survey → approved
INSERT INTO schemes (id, county_code) VALUES (901, '140902');
SELECT is((SELECT stage FROM schemes WHERE id = 901), 'survey', 'a scheme starts at survey');
SELECT is(pg_temp.refusal($$INSERT INTO mineconsol.schemes (id, county_code, stage) VALUES (902, '140921', 'approved')$$, 'mc_test_clerk'),
  E'23514: scheme 902 (county 140921) cannot start at stage "approved"\nA new row starts at "survey" and moves forward one step at a time.',
  'a clerk cannot insert a scheme at a later stage');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'hearing_held', '{"date": "2022-08-20", "doc_no": "忻府政〔2022〕31号"}')$$),
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "hearing_held"\n"hearing_held" is not the next stage. Allowed next stage: "drafted".',
  'skipping a stage is refused, naming the allowed next stage');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'drafted', '{"date": "2022-08-20"}')$$),
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Missing evidence: doc_no.',
  'a step without its document number is refused');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'drafted', NULL)$$),
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Missing evidence: date, doc_no.',
  'no evidence at all: both keys missing');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'drafted', '{"date": "20.8.2022", "doc_no": "忻府政〔2022〕31号"}')$$),
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Invalid evidence: date must be an ISO date (YYYY-MM-DD), got "20.8.2022".',
  'a date that is not ISO is refused');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'drafted', '["2022-08-20", "x"]')$$),
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Missing evidence: date, doc_no. Invalid evidence: the evidence must be a JSON object, got an array.',
  'evidence must be an object');
SELECT is((SELECT row(from_stage, to_stage, days_late)::text
             FROM advance('scheme', 901, 'drafted', '{"date": "2022-08-20", "doc_no": "忻府政〔2022〕31号", "body": "忻府区人民政府"}')),
  '(survey,drafted,0)', 'survey → drafted with date and doc_no (on time: due 2022-10-30)');
SELECT is((SELECT evidence->>'body' FROM stage_events WHERE row_id = 901 AND to_stage = 'drafted'), '忻府区人民政府',
  'unknown evidence keys are kept');
SELECT is((SELECT to_stage FROM advance('scheme', 901, 'hearing_held', '{"date": "2022-09-05", "doc_no": "忻府听〔2022〕2号"}')),
  'hearing_held', 'drafted → hearing_held');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'noticed', '{"date": "2022-09-12", "doc_no": "忻府公〔2022〕5号"}')$$),
  E'23514: scheme 901 (county 140902) cannot move from "hearing_held" to "noticed"\nAllowed next stage: "noticed". Missing evidence: media.',
  'a public notice needs the media it appeared in');
SELECT is((SELECT to_stage FROM advance('scheme', 901, 'noticed',
  '{"date": "2022-09-12", "doc_no": "忻府公〔2022〕5号", "media": "忻州日报"}')), 'noticed', 'hearing_held → noticed with media');

-- Direct UPDATEs are checked like advance().
SELECT is(pg_temp.refusal($$UPDATE mineconsol.schemes SET stage = 'drafted', stage_evidence = '{"date": "2022-09-13", "doc_no": "x"}' WHERE id = 901$$),
  E'23514: scheme 901 (county 140902) cannot move from "noticed" to "drafted"\n"drafted" comes before "noticed". Allowed next stage: "submitted".',
  'moving back by UPDATE is refused');
SELECT is(pg_temp.refusal($$UPDATE mineconsol.schemes SET stage = 'submitted' WHERE id = 901$$),
  E'23514: scheme 901 (county 140902) cannot move from "noticed" to "submitted"\nAllowed next stage: "submitted". Missing evidence: date, doc_no.',
  'an UPDATE of stage that leaves the previous evidence in place has no evidence');
SELECT is(pg_temp.refusal($$UPDATE mineconsol.schemes SET stage_evidence = '{"date": "2022-09-12", "doc_no": "other"}' WHERE id = 901$$),
  E'23514: evidence of scheme 901 (county 140902) can change only with its stage\nstage_evidence holds the evidence of the step that reached "noticed", recorded in stage_events.',
  'the evidence of the current stage cannot be rewritten');
SELECT lives_ok($$UPDATE mineconsol.schemes SET note = 'draft on file', stage = stage WHERE id = 901$$,
  'an UPDATE that sets stage to itself is no change');
SELECT lives_ok($$UPDATE mineconsol.schemes SET stage = 'submitted',
  stage_evidence = '{"date": "2022-11-05", "doc_no": "忻府政〔2022〕40号"}' WHERE id = 901$$, 'noticed → submitted by UPDATE with evidence');
SELECT is((SELECT row(to_char(due, 'YYYY-MM-DD'), days_late)::text FROM stage_events WHERE row_id = 901 AND to_stage = 'submitted'),
  '(2022-10-30,6)', 'submitted 6 days after the 2022-10-30 deadline: allowed, recorded as late');

-- Backward: only the city, through revert_stage().
SELECT is(pg_temp.refusal($$SELECT mineconsol.revert_stage('scheme', 901, 'noticed', 'notice period too short')$$, 'mc_test_clerk'),
  E'42501: permission denied to revert scheme 901\nOnly members of mineconsol_admin (the city) may move a row back to an earlier stage.',
  'a clerk cannot revert a stage');
SELECT is(pg_temp.refusal($$SELECT mineconsol.revert_stage('scheme', 901, 'approved', 'typo')$$, 'mc_test_city'),
  E'23514: scheme 901 (county 140902) cannot be reverted from "submitted" to "approved"\n"approved" does not come before "submitted".',
  'revert_stage() only moves back');
SELECT is(pg_temp.refusal($$SELECT mineconsol.revert_stage('scheme', 901, 'noticed', ' ')$$, 'mc_test_city'),
  E'22023: a revert needs a reason\nThe reason is recorded in stage_events with the revert.', 'a revert needs a reason');
SELECT lives_ok($$SELECT pg_temp.as_role('mc_test_city', $q$SELECT mineconsol.revert_stage('scheme', 901, 'noticed', 'notice period was 5 days, 10 required')$q$)$$,
  'the city reverts submitted → noticed');
SELECT is((SELECT row(from_stage, to_stage, actor, reason, evidence::text, due, days_late)::text
             FROM stage_events WHERE row_id = 901 AND track = 'scheme' ORDER BY id DESC LIMIT 1),
  '(submitted,noticed,mc_test_city,"notice period was 5 days, 10 required",{},,)', 'the revert is recorded with actor and reason');
SELECT is((SELECT row(stage, stage_evidence->>'media')::text FROM schemes WHERE id = 901), '(noticed,忻州日报)',
  'after the revert the row carries the evidence of its stage again');
SELECT is((SELECT to_stage FROM advance('scheme', 901, 'submitted', '{"date": "2022-11-20", "doc_no": "忻府政〔2022〕44号"}')),
  'submitted', 'submitted again');
SELECT is((SELECT days_late FROM advance('scheme', 901, 'approved', '{"date": "2022-12-10", "doc_no": "忻政函〔2022〕101号"}')),
  10, 'approved 10 days after 2022-11-30');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'done', '{"date": "2022-12-11", "doc_no": "x"}')$$),
  E'23514: scheme 901 (county 140902) cannot move from "approved" to "done"\n"done" is not a stage of the scheme track. "approved" is the last stage; there is no next stage.',
  'there is nothing after approved');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 901, 'approved', '{"date": "2022-12-11", "doc_no": "x"}')$$),
  E'23514: scheme 901 (county 140902) is already at stage "approved"\n"approved" is the last stage; there is no next stage.',
  'advancing to the stage a row is at is refused (the loser of a race sees this)');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 999, 'drafted', '{}')$$),
  'P0002: scheme 999 does not exist', 'an unknown row is P0002');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('mine', 1, 'drafted', '{}')$$),
  '22023: unknown track "mine"', 'an unknown track is 22023');
SELECT is((SELECT string_agg(from_stage || '→' || to_stage, ' ' ORDER BY id) FROM stage_events WHERE track = 'scheme' AND row_id = 901),
  'survey→drafted drafted→hearing_held hearing_held→noticed noticed→submitted submitted→noticed noticed→submitted submitted→approved',
  'seven events for the scheme, the revert included');
SELECT is((SELECT count(*)::int FROM stage_events WHERE actor = current_user), 6, 'actor is the role that acted');

-- ---------------------------------------------------------------- units
INSERT INTO mines (id, name, county_code, ore_body, reserves_t) VALUES
  (9101, '东山一号', '140921', 'dongshan', 200000),
  (9102, '东山二号', '140921', 'dongshan', 100000),
  (9103, '东山三号', '140921', 'dongshan', 50000);
SELECT is(pg_temp.refusal($$INSERT INTO mineconsol.units (id, county_code, retained_mine_id) VALUES (911, '140921', 9101)$$, 'mc_test_clerk'),
  E'23514: unit 911 (county 140921) cannot be created before the scheme of county 140921 is drafted\nCounty 140921 has no scheme; units are adopted only once it is "drafted" or later.',
  'no units without a scheme');
INSERT INTO schemes (id, county_code) VALUES (903, '140921');
SELECT is(pg_temp.refusal($$INSERT INTO mineconsol.units (id, county_code, retained_mine_id) VALUES (911, '140921', 9101)$$, 'mc_test_clerk'),
  E'23514: unit 911 (county 140921) cannot be created before the scheme of county 140921 is drafted\nThe scheme of county 140921 is at "survey"; units are adopted only once it is "drafted" or later.',
  'no units while the scheme is at survey');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 903, 'drafted', '{"date": "2022-09-01", "doc_no": "定政〔2022〕9号"}')$$, 'the scheme of 140921 is drafted');
SELECT lives_ok($$SELECT pg_temp.as_role('mc_test_clerk', $q$INSERT INTO mineconsol.units (id, county_code, retained_mine_id) VALUES (911, '140921', 9101)$q$)$$,
  'now the clerk can create the unit');
INSERT INTO unit_members (unit_id, mine_id) VALUES (911, 9101), (911, 9102), (911, 9103);
INSERT INTO closures (mine_id, unit_id) VALUES (9102, 911);
SELECT is((SELECT row(to_stage, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM advance('unit', 911, 'reserves_verified', '{"date": "2023-03-10", "doc_no": "晋自然资储备〔2023〕7号"}')),
  '(reserves_verified,2023-02-28,10)', 'reserves verified 10 days after the 2023-02-28 deadline');
SELECT lives_ok($$SELECT mineconsol.advance('unit', 911, 'valued', '{"date": "2023-03-20", "doc_no": "评估〔2023〕3号"}')$$, 'valued');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'transferred', '{"date": "2023-05-01", "doc_no": "挂牌〔2023〕1号"}')$$),
  E'23514: unit 911 (county 140921) cannot move from "valued" to "transferred"\nThe scheme of county 140921 is at "drafted"; a unit reaches "transferred" only once its county''s scheme is "approved". Allowed next stage: "transferred".',
  'no transfer before the county''s scheme is approved');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', 903, s, jsonb_build_object('date', '2022-10-01', 'doc_no', 'd-' || s, 'media', '定襄报'))
  FROM unnest(ARRAY['hearing_held', 'noticed', 'submitted', 'approved']) WITH ORDINALITY AS u(s, n) ORDER BY n$$,
  'the scheme of 140921 is walked to approved');
SELECT is((SELECT stage FROM schemes WHERE id = 903), 'approved', 'scheme 903 is approved');
SELECT lives_ok($$SELECT mineconsol.advance('unit', 911, 'transferred', '{"date": "2023-05-01", "doc_no": "挂牌〔2023〕1号"}')$$, 'transferred');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'rights_settled', '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号", "shares": {"甲公司": 60, "乙公司": 40}}')$$),
  E'23514: unit 911 (county 140921) cannot move from "transferred" to "rights_settled"\nAllowed next stage: "rights_settled". Invalid evidence: shares must sum to 1 (fractions, not percentages), got 100.',
  'shares are fractions summing to 1');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'rights_settled', '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号", "shares": {}}')$$),
  E'23514: unit 911 (county 140921) cannot move from "transferred" to "rights_settled"\nAllowed next stage: "rights_settled". Invalid evidence: shares must name at least one holder.',
  'shares cannot be empty');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'rights_settled', '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号", "shares": {"甲公司": 0.6, "乙公司": "0.4"}}')$$),
  E'23514: unit 911 (county 140921) cannot move from "transferred" to "rights_settled"\nAllowed next stage: "rights_settled". Invalid evidence: the share of "乙公司" must be a number greater than 0, got "0.4".',
  'a share is a number');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'rights_settled', '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号"}')$$),
  E'23514: unit 911 (county 140921) cannot move from "transferred" to "rights_settled"\nAllowed next stage: "rights_settled". Missing evidence: shares.',
  'settling property rights needs the shares');
SELECT lives_ok($$SELECT mineconsol.advance('unit', 911, 'rights_settled', '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号", "shares": {"甲公司": 0.6, "乙公司": 0.4}}')$$,
  'rights settled with shares 0.6 + 0.4');
SELECT lives_ok($$SELECT mineconsol.advance('unit', 911, 'plans_approved', '{"date": "2023-09-01", "doc_no": "三合一〔2023〕2号"}')$$, 'plans approved');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'licensed', '{"date": "2023-11-01", "doc_no": "登记〔2023〕1号", "license_no": "C1409212023117130000001"}')$$),
  E'23514: unit 911 (county 140921) cannot move from "plans_approved" to "licensed"\nA unit reaches "licensed" only once the closure of every member other than the retained mine has reached "license_cancelled": mine 9102 is at "to_close", mine 9103 has no closure. Allowed next stage: "licensed".',
  'no licence before the merged mines'' licences are cancelled');
INSERT INTO closures (mine_id, unit_id) VALUES (9103, 911);
SELECT lives_ok($$SELECT mineconsol.advance('closure', m, s, jsonb_build_object('date', '2023-10-01', 'doc_no', 'c-' || s))
  FROM unnest(ARRAY[9102, 9103]) AS m, unnest(ARRAY['closure_decided', 'license_cancelled']) WITH ORDINALITY AS u(s, n) ORDER BY m, n$$,
  'both merged mines reach license_cancelled');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'licensed', '{"date": "2023-11-01", "doc_no": "登记〔2023〕1号", "license_no": "1409212023117130000001"}')$$),
  E'23514: unit 911 (county 140921) cannot move from "plans_approved" to "licensed"\nAllowed next stage: "licensed". Invalid evidence: license_no must be a valid licence number (type license_no), got "1409212023117130000001".',
  'the new licence number must be valid');
SELECT is((SELECT row(to_stage, days_late)::text FROM advance('unit', 911, 'licensed',
  '{"date": "2023-11-01", "doc_no": "登记〔2023〕1号", "license_no": "C1409212023117130000001"}')), '(licensed,0)', 'licensed on time');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('unit', 911, 'restored', '{"date": "2024-12-01", "doc_no": "验收〔2024〕1号"}')$$),
  E'23514: unit 911 (county 140921) cannot move from "licensed" to "restored"\nAllowed next stage: "restored". Missing evidence: accepted_by.',
  'restoration needs the county''s acceptance');
SELECT is((SELECT row(to_stage, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM advance('unit', 911, 'restored',
  '{"date": "2024-12-01", "doc_no": "验收〔2024〕1号", "accepted_by": "定襄县自然资源局"}')),
  '(restored,2024-11-01,30)', 'restoration is due restoration_years (1) after licensing: 30 days late');

-- ---------------------------------------------------------------- closures
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('closure', 9102, 'announced', '{"date": "2023-10-05", "doc_no": "公告〔2023〕1号"}')$$),
  E'23514: closure of mine 9102 (county 140921) cannot move from "license_cancelled" to "announced"\nAllowed next stage: "announced". Missing evidence: media.',
  'the announcement needs its media');
SELECT is((SELECT row(to_stage, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM advance('closure', 9102, 'announced',
  '{"date": "2023-10-05", "doc_no": "公告〔2023〕1号", "media": "忻州日报"}')), '(announced,,)', 'announced: no deadline, no days late');

-- -------------------------------------------------- the cached graph follows the table
SELECT lives_ok($$INSERT INTO mineconsol.milestones (track, stage, due, description)
  VALUES ('closure', 'explosives_disposed', '2023-10-10', 'county deadline for the police')$$, 'the DBA adds a deadline (graph and deadlines cached)');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('closure', 9102, 'explosives_disposed', '{"date": "2023-10-20", "doc_no": "公安〔2023〕8号"}')$$),
  'no error', 'explosives_disposed needs date and doc_no');
SELECT is((SELECT row(to_char(due, 'YYYY-MM-DD'), days_late)::text FROM stage_events WHERE track = 'closure' AND row_id = 9102
  AND to_stage = 'explosives_disposed'), '(2023-10-10,10)', 'the new deadline applies at once: 10 days late');
SELECT lives_ok($$UPDATE mineconsol.stage_transitions SET evidence_keys = evidence_keys || '{police_station}'
  WHERE track = 'closure' AND to_stage = 'restored'$$, 'the DBA adds a key to a step');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('closure', 9102, 'restored', '{"date": "2023-12-01", "doc_no": "复垦〔2023〕3号"}')$$),
  E'23514: closure of mine 9102 (county 140921) cannot move from "explosives_disposed" to "restored"\nAllowed next stage: "restored". Missing evidence: police_station.',
  'the next statement in the same session sees the new key');
SELECT is((SELECT seeded FROM stage_transitions WHERE track = 'closure' AND to_stage = 'restored'), false,
  'the edited step is the DBA''s now (pg_dump keeps it)');
SELECT lives_ok($$INSERT INTO mineconsol.stage_transitions (track, from_stage, to_stage, description)
  VALUES ('closure', 'explosives_disposed', 'reused', 'handed to another use')$$, 'the DBA adds a branch');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('closure', 9103, 'announced', '{"date": "2023-10-05", "doc_no": "公告〔2023〕2号"}')$$),
  E'23514: closure of mine 9103 (county 140921) cannot move from "license_cancelled" to "announced"\nAllowed next stage: "announced". Missing evidence: media.',
  'other steps are unchanged');
SELECT lives_ok($$DELETE FROM mineconsol.stage_transitions WHERE to_stage = 'reused'$$, 'and removes it again');
SELECT throws_ok($$INSERT INTO mineconsol.stage_transitions (track, from_stage, to_stage, evidence_keys, description)
  VALUES ('closure', 'restored', 'announced', '{date}', 'x')$$, '23514',
  'new row for relation "stage_transitions" violates check constraint "stage_transitions_date_and_doc_no"',
  'every step needs date and doc_no');

-- ---------------------------------------------------------------- restore rule
SELECT lives_ok($$INSERT INTO mineconsol.units (id, county_code, stage) VALUES (912, '140902', 'licensed')$$,
  'a superuser (pg_restore, migration) may insert a row at a later stage');
SELECT is(pg_temp.refusal($$INSERT INTO mineconsol.closures (mine_id, stage) VALUES (9101, 'gone')$$),
  E'23514: closure of mine 9101 (county 140921) cannot start at stage "gone"\n"gone" is not a stage of the closure track; a new row starts at "to_close".',
  'but only at a stage that exists');

SELECT is((SELECT ok FROM verify_audit()), true, 'the audit chain verifies');
SELECT is((SELECT checked FROM verify_audit()), (SELECT count(*) FROM stage_events), 'every event was checked');

SELECT * FROM finish();
ROLLBACK;
