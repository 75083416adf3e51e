\i test/setup.psql
BEGIN;
SELECT plan(128);

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
  'survey → drafted → hearing_held → noticed → submitted → approved', 'scheme stages as docs/rules.md lists them');
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
-- Steps survey → drafted refused for their evidence: the same message and
-- allowed next stage, then what is wrong with it.
SELECT is(pg_temp.refusal(format($$SELECT mineconsol.advance('scheme', 901, 'drafted', %L)$$, evidence)),
          E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". ' || problem,
          what)
  FROM (VALUES
    (1, '{"date": "2022-08-20"}', 'Missing evidence: doc_no.', 'a step without its document number is refused'),
    (2, NULL, 'Missing evidence: date, doc_no.', 'no evidence at all: both keys missing'),
    (3, '{"date": "20.8.2022", "doc_no": "忻府政〔2022〕31号"}',
     'Invalid evidence: date must be an ISO date (YYYY-MM-DD), got "20.8.2022".', 'a date that is not ISO is refused'),
    (4, '["2022-08-20", "x"]',
     'Missing evidence: date, doc_no. Invalid evidence: the evidence must be a JSON object, got an array.',
     'evidence must be an object')) AS c(n, evidence, problem, what)
 ORDER BY n;
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
-- (Refusals here and below are alike in shape only: each is another step, role and message.)
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
-- Steps transferred → rights_settled refused for their shares.
SELECT is(pg_temp.refusal(format($$SELECT mineconsol.advance('unit', 911, 'rights_settled', %L)$$,
                                 '{"date": "2023-06-01", "doc_no": "产权〔2023〕1号"' || shares || '}')),
          E'23514: unit 911 (county 140921) cannot move from "transferred" to "rights_settled"\nAllowed next stage: "rights_settled". ' || problem,
          what)
  FROM (VALUES
    (1, ', "shares": {"甲公司": 60, "乙公司": 40}', 'Invalid evidence: shares must sum to 1 (fractions, not percentages), got 100.',
     'shares are fractions summing to 1'),
    (2, ', "shares": {}', 'Invalid evidence: shares must name at least one holder.', 'shares cannot be empty'),
    (3, ', "shares": {"甲公司": 0.6, "乙公司": "0.4"}', 'Invalid evidence: the share of "乙公司" must be a number greater than 0, got "0.4".',
     'a share is a number'),
    (4, '', 'Missing evidence: shares.', 'settling property rights needs the shares')) AS c(n, shares, problem, what)
 ORDER BY n;
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
-- The deadline runs from the licensing step's date, whichever way the row reached "licensed".
SELECT lives_ok($$SELECT pg_temp.as_role('mc_test_city', $q$SELECT mineconsol.revert_stage('unit', 911, 'licensed', 'acceptance signed by the wrong office')$q$)$$,
  'the city reverts unit 911 to licensed');
SELECT is((SELECT row(to_stage, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM advance('unit', 911, 'restored',
  '{"date": "2024-12-05", "doc_no": "验收〔2024〕2号", "accepted_by": "定襄县自然资源局"}')),
  '(restored,2024-11-01,34)', 'after a revert to licensed, restoration is still due a year after the licensing step');
SELECT lives_ok($$SELECT pg_temp.as_role('mc_test_city', $q$SELECT mineconsol.revert_stage('unit', 911, 'plans_approved', 'licence registered to the wrong holder')$q$)$$,
  'the city reverts unit 911 to plans_approved');
SELECT lives_ok($$SELECT mineconsol.advance('unit', 911, 'licensed',
  '{"date": "2024-01-15", "doc_no": "登记〔2024〕1号", "license_no": "C1409212023117130000001"}')$$, 'licensed again, later');
SELECT is((SELECT row(to_stage, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM advance('unit', 911, 'restored',
  '{"date": "2024-12-20", "doc_no": "验收〔2024〕3号", "accepted_by": "定襄县自然资源局"}')),
  '(restored,2025-01-15,0)', 'licensed again: restoration is due a year after the new licensing step');
SELECT is((SELECT string_agg(to_char(due, 'YYYY-MM-DD'), ' ' ORDER BY id) FROM stage_events
            WHERE track = 'unit' AND row_id = 911 AND to_stage = 'restored'),
  '2024-11-01 2024-11-01 2025-01-15', 'the three restorations recorded with their deadlines');

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
-- Its stage_evidence was not recorded by a step: restoration has no licensing step to run from.
SELECT lives_ok($$INSERT INTO mineconsol.units (id, county_code, stage, stage_evidence)
  VALUES (913, '140921', 'licensed', '{"date": "2023-02-01", "doc_no": "迁移"}')$$, 'a superuser inserts a licensed unit with evidence');
SELECT is((SELECT row(to_stage, due, days_late)::text FROM advance('unit', 913, 'restored',
  '{"date": "2024-12-20", "doc_no": "验收〔2024〕9号", "accepted_by": "定襄县自然资源局"}')),
  '(restored,,)', 'a row inserted at licensed without its events: restoration has no deadline');
SELECT is(pg_temp.refusal($$INSERT INTO mineconsol.closures (mine_id, stage) VALUES (9101, 'gone')$$),
  E'23514: closure of mine 9101 (county 140921) cannot start at stage "gone"\n"gone" is not a stage of the closure track; a new row starts at "to_close".',
  'but only at a stage that exists');

-- ------------------------------------------ who records which step, as the real roles
-- A clerk of one county with nothing but mineconsol_editor and its mapping,
-- a city officer with nothing but mineconsol_admin, and a reader.
CREATE ROLE mc_stage_clerk IN ROLE mineconsol_editor;
CREATE ROLE mc_stage_city IN ROLE mineconsol_admin;
CREATE ROLE mc_stage_reader IN ROLE mineconsol_reader;
INSERT INTO role_counties VALUES ('mc_stage_clerk', '140923'), ('mc_stage_reader', '140923');
INSERT INTO mines (id, name, county_code, ore_body, reserves_t) VALUES
  (9301, '西山一号', '140923', 'xishan', 200000),
  (9302, '西山二号', '140923', 'xishan', 100000),
  (9303, '西山三号', '140923', 'xishan', 50000);
-- advance_as(role, track, id, stage, evidence): advance() as that role.
CREATE FUNCTION pg_temp.advance_as(r text, tr text, i bigint, st text, ev jsonb) RETURNS mineconsol.stage_events
LANGUAGE plpgsql AS $fn$
DECLARE
	e mineconsol.stage_events;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', r);
	e := mineconsol.advance(tr, i, st, ev);
	EXECUTE 'RESET ROLE';
	RETURN e;
END
$fn$;

SELECT is((SELECT string_agg(track || ' ' || to_stage, ', ') FROM stage_transitions WHERE recorded_by = 'city'),
  'scheme approved', 'the city records the approval of a scheme; the counties record every other step');
SELECT lives_ok($$SELECT pg_temp.as_role('mc_stage_clerk', $q$INSERT INTO mineconsol.schemes (id, county_code) VALUES (931, '140923')$q$)$$,
  'the clerk starts its county''s scheme');
SELECT is((SELECT string_agg(row(e.to_stage, e.actor)::text, ' ' ORDER BY n)
             FROM (VALUES (1, 'drafted', '2022-09-01'), (2, 'hearing_held', '2022-09-10'),
                          (3, 'noticed', '2022-09-20'), (4, 'submitted', '2022-10-20')) v(n, s, d),
                  pg_temp.advance_as('mc_stage_clerk', 'scheme', 931, s, jsonb_build_object('date', d, 'doc_no', '原政〔2022〕' || n, 'media', '忻州日报')) e),
  '(drafted,mc_stage_clerk) (hearing_held,mc_stage_clerk) (noticed,mc_stage_clerk) (submitted,mc_stage_clerk)',
  'the clerk records survey → drafted → hearing_held → noticed → submitted');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 931, 'approved', '{"date": "2022-11-20", "doc_no": "忻政函〔2022〕120号"}')$$, 'mc_stage_clerk'),
  E'42501: permission denied to record "approved" for scheme 931 (county 140923)\nThe step from "submitted" to "approved" is recorded by the city (members of mineconsol_admin), as stage_transitions.recorded_by says.',
  'the clerk cannot record the city''s approval of its own scheme');
SELECT is(pg_temp.refusal($$UPDATE mineconsol.schemes SET stage = 'approved', stage_evidence = '{"date": "2022-11-20", "doc_no": "forged"}' WHERE id = 931$$, 'mc_stage_clerk'),
  E'42501: permission denied to record "approved" for scheme 931 (county 140923)\nThe step from "submitted" to "approved" is recorded by the city (members of mineconsol_admin), as stage_transitions.recorded_by says.',
  'nor by a direct UPDATE');
SELECT is((SELECT row(s.stage, s.last_event_id = max(e.id), count(e.id))::text FROM schemes s JOIN stage_events e ON e.track = 'scheme' AND e.row_id = s.id
            WHERE s.id = 931 GROUP BY s.stage, s.last_event_id), '(submitted,t,4)', 'the scheme is still submitted, with its four events');
SELECT is(pg_temp.refusal($$SELECT mineconsol.advance('scheme', 931, 'approved', '{"date": "2022-11-20", "doc_no": "x"}')$$, 'mc_stage_reader'),
  '42501: permission denied for function advance', 'a reader cannot call advance()');
SELECT is((SELECT row(to_stage, actor)::text FROM pg_temp.advance_as('mc_stage_city', 'scheme', 931, 'approved',
  '{"date": "2022-11-20", "doc_no": "忻政函〔2022〕120号"}')), '(approved,mc_stage_city)', 'the city records the approval');

-- Units: every step by the clerk, "restored" included (its deadline is read
-- from the audit trail, which the clerk may not read).
SELECT lives_ok($$SELECT pg_temp.as_role('mc_stage_clerk', $q$
  INSERT INTO mineconsol.units (id, county_code, retained_mine_id) VALUES (932, '140923', 9301);
  INSERT INTO mineconsol.unit_members (unit_id, mine_id) VALUES (932, 9301), (932, 9302), (932, 9303);
  INSERT INTO mineconsol.closures (mine_id, unit_id) VALUES (9302, 932), (9303, 932)$q$)$$,
  'the clerk adopts a unit with two closures');
SELECT is((SELECT string_agg(row(e.to_stage, e.actor)::text, ' ' ORDER BY n)
             FROM (VALUES (1, 'reserves_verified', '2023-02-20', '{}'::jsonb), (2, 'valued', '2023-03-20', '{}'),
                          (3, 'transferred', '2023-06-01', '{}'), (4, 'rights_settled', '2023-07-01', '{"shares": {"西山公司": 1}}'),
                          (5, 'plans_approved', '2023-09-01', '{}')) v(n, s, d, x),
                  pg_temp.advance_as('mc_stage_clerk', 'unit', 932, s, jsonb_build_object('date', d, 'doc_no', '原资〔2023〕' || n) || x) e),
  '(reserves_verified,mc_stage_clerk) (valued,mc_stage_clerk) (transferred,mc_stage_clerk) (rights_settled,mc_stage_clerk) (plans_approved,mc_stage_clerk)',
  'the clerk records planned → reserves_verified → valued → transferred → rights_settled → plans_approved');
SELECT is((SELECT string_agg(row(e.row_id, e.to_stage, e.actor)::text, ' ' ORDER BY m, n)
             FROM unnest(ARRAY[9302, 9303]) AS m,
                  (VALUES (1, 'closure_decided', '2023-07-05'), (2, 'license_cancelled', '2023-08-01')) v(n, s, d),
                  pg_temp.advance_as('mc_stage_clerk', 'closure', m, s, jsonb_build_object('date', d, 'doc_no', '原关〔2023〕' || m || '-' || n)) e),
  '(9302,closure_decided,mc_stage_clerk) (9302,license_cancelled,mc_stage_clerk) (9303,closure_decided,mc_stage_clerk) (9303,license_cancelled,mc_stage_clerk)',
  'the clerk records to_close → closure_decided → license_cancelled for both merged mines');
SELECT is((SELECT row(to_stage, actor)::text FROM pg_temp.advance_as('mc_stage_clerk', 'unit', 932, 'licensed',
  '{"date": "2023-12-01", "doc_no": "原登〔2023〕1号", "license_no": "C1409212023117130000001"}')), '(licensed,mc_stage_clerk)', 'the clerk records licensed');
SELECT is((SELECT row(to_stage, actor, to_char(due, 'YYYY-MM-DD'), days_late)::text FROM pg_temp.advance_as('mc_stage_clerk', 'unit', 932, 'restored',
  '{"date": "2024-11-20", "doc_no": "原验〔2024〕1号", "accepted_by": "原平市自然资源局"}')),
  '(restored,mc_stage_clerk,2024-12-01,0)', 'the clerk records restored, due a year after licensing (read with the owner''s rights)');
SELECT is((SELECT string_agg(row(e.to_stage, e.actor)::text, ' ' ORDER BY n)
             FROM (VALUES (1, 'announced', '2023-08-10'), (2, 'explosives_disposed', '2023-09-01'), (3, 'restored', '2023-10-01')) v(n, s, d),
                  pg_temp.advance_as('mc_stage_clerk', 'closure', 9302, s, jsonb_build_object('date', d, 'doc_no', '原关〔2023〕' || n, 'media', '忻州日报', 'police_station', '原平市公安局')) e),
  '(announced,mc_stage_clerk) (explosives_disposed,mc_stage_clerk) (restored,mc_stage_clerk)',
  'the clerk records license_cancelled → announced → explosives_disposed → restored');
SELECT is((SELECT actor FROM pg_temp.advance_as('mc_stage_city', 'closure', 9303, 'announced',
  '{"date": "2023-08-12", "doc_no": "忻公告〔2023〕9号", "media": "忻州日报"}')), 'mc_stage_city', 'the city may record a county''s step too');

-- ---------------------------------------------------------------- evidence bounds
SELECT matches(pg_temp.refusal($$SELECT mineconsol.advance('closure', 9303, 'explosives_disposed',
    jsonb_build_object('date', '2023-09-01', 'doc_no', 'x', 'scan', repeat('扫', 6000)))$$, 'mc_stage_clerk'),
  E'^54000: evidence of closure of mine 9303 \\(county 140923\\) is too large\nIt takes \\d+ bytes; the limit is 16384 bytes, and every event is kept for ever\\.$',
  'evidence over 16 kB is refused (54000)');
SELECT matches(pg_temp.refusal($$INSERT INTO mineconsol.closures (mine_id, stage_evidence) VALUES (9301, jsonb_build_object('scan', repeat('x', 20000)))$$, 'mc_stage_clerk'),
  E'^54000: evidence of closure of mine 9301 is too large\n', 'also on a new row');
SELECT matches(pg_temp.refusal($$SELECT mineconsol.revert_stage('closure', 9303, 'license_cancelled', repeat('因', 6000))$$, 'mc_stage_city'),
  E'^54000: the reason for the revert of closure of mine 9303 is too large\n', 'and a revert''s reason');
-- Steps announced → explosives_disposed refused for their date: the same
-- message and allowed next stage, then what is wrong with the date.
SELECT is(pg_temp.refusal(format($$SELECT mineconsol.advance('closure', 9303, 'explosives_disposed', '{"date": "%s", "doc_no": "x"}')$$, d),
                          'mc_stage_clerk'),
          E'23514: closure of mine 9303 (county 140923) cannot move from "announced" to "explosives_disposed"\nAllowed next stage: "explosives_disposed". Invalid evidence: date '
          || d || ' ' || problem,
          what)
  FROM (VALUES
    (1, '0001-01-01', 'is before 2000-01-01, when no document of the programme can be dated.', 'a date before 2000 is refused'),
    (2, '2999-01-01', 'is in the future (more than a day after today).', 'a date in the future is refused'),
    (3, to_char(current_date + 2, 'YYYY-MM-DD'), 'is in the future (more than a day after today).', 'the day after tomorrow too'),
    (4, '2023-08-11', 'is before 2023-08-12, the date of the step that reached "announced".',
     'a date before the previous step''s is refused')) AS c(n, d, problem, what)
 ORDER BY n;
SELECT is((SELECT row(stage, stage_evidence->>'date')::text FROM closures WHERE mine_id = 9303), '(announced,2023-08-12)', 'the closure has not moved');
SELECT lives_ok(format($$SELECT pg_temp.advance_as('mc_stage_clerk', 'closure', 9303, 'explosives_disposed', '{"date": "%s", "doc_no": "x", "police": "原平市公安局"}')$$,
    to_char(current_date + 1, 'YYYY-MM-DD')), 'tomorrow is accepted (a day of slack for time zones)');
SELECT is((SELECT evidence->>'police' FROM stage_events WHERE track = 'closure' AND row_id = 9303 ORDER BY id DESC LIMIT 1), '原平市公安局',
  'unknown keys are kept');

-- ---------------------------------------------------- the triggers fire only on their own tables
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY 1) FROM pg_proc p
            WHERE p.pronamespace = 'mineconsol'::regnamespace
              AND p.proname IN ('stage_guard', 'stage_events_append', 'stage_events_append_only', 'stage_cache_invalidate',
                                'advance', 'revert_stage', 'verify_audit', 'audit_problems', 'audit_digest', 'audit_canonical')
              AND has_function_privilege('public', p.oid, 'EXECUTE')), NULL,
  'no function of the stage workflow or its audit trail is executable by PUBLIC');
SELECT lives_ok($$SELECT pg_temp.as_role('mc_stage_clerk', $q$CREATE TEMP TABLE fake (id bigint, county_code text, stage text,
  stage_evidence jsonb, last_event_id bigint, last_event_hash bytea)$q$)$$, 'the clerk makes a table of its own');
SELECT is(pg_temp.refusal($$CREATE TRIGGER g BEFORE UPDATE ON fake FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme')$$, 'mc_stage_clerk'),
  '42501: permission denied for function mineconsol.stage_guard', 'the clerk cannot attach stage_guard to it (issue: forged events of another county)');
INSERT INTO fake VALUES (931, '140921', 'survey', NULL, NULL, NULL);
CREATE TRIGGER g BEFORE UPDATE ON fake FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme');
SELECT is(pg_temp.refusal($$UPDATE fake SET stage = 'drafted', stage_evidence = '{"date": "2022-08-20", "doc_no": "forged"}'$$, 'mc_stage_clerk'),
  E'39P01: stage_guard() cannot fire on relation "fake"\nIt is a trigger of mineconsol.schemes, mineconsol.units and mineconsol.closures only, attached by mineconsol.',
  'attached by a superuser, stage_guard still refuses to fire on another table');
SELECT is((SELECT count(*)::int FROM stage_events WHERE actor = 'mc_stage_clerk' AND evidence->>'doc_no' = 'forged'), 0, 'no event was written');
SAVEPOINT triggers;
CREATE TEMP TABLE schemes (LIKE mineconsol.schemes);
INSERT INTO pg_temp.schemes (id, county_code, stage) VALUES (931, '140923', 'submitted');
CREATE TRIGGER g BEFORE UPDATE ON pg_temp.schemes FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme');
SELECT throws_ok($$UPDATE pg_temp.schemes SET stage = 'approved', stage_evidence = '{"date": "2022-11-20", "doc_no": "y"}'$$,
  '39P01', 'stage_guard() cannot fire on relation "schemes"', 'nor on a temporary table named like its own');
SELECT throws_ok($$CREATE TRIGGER zz BEFORE UPDATE ON mineconsol.units FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme');
  UPDATE mineconsol.units SET note = 'x' WHERE id = 932$$,
  '39P01', 'stage_guard() on mineconsol.units takes one argument, the track "unit"', 'the track is the table''s: a wrong argument is refused');
SELECT throws_ok($$CREATE TRIGGER zy AFTER UPDATE ON mineconsol.units FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('unit');
  UPDATE mineconsol.units SET note = 'y' WHERE id = 932$$,
  '39P01', 'stage_guard() must be fired BEFORE INSERT, UPDATE OR DELETE FOR EACH ROW', 'so is the wrong timing');
CREATE TEMP TABLE ev (LIKE mineconsol.stage_events);
CREATE TRIGGER a BEFORE INSERT ON ev FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_events_append();
CREATE TRIGGER b BEFORE DELETE ON ev FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.stage_events_append_only();
CREATE TRIGGER c AFTER UPDATE ON ev FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.stage_cache_invalidate();
SELECT throws_ok($$INSERT INTO ev SELECT * FROM mineconsol.stage_events LIMIT 1$$,
  '39P01', 'stage_events_append() cannot fire on relation "ev"', 'stage_events_append() fires only on stage_events');
SELECT throws_ok($$DELETE FROM ev$$, '39P01', 'stage_events_append_only() cannot fire on relation "ev"',
  'stage_events_append_only() too');
SELECT throws_ok($$UPDATE ev SET reason = NULL WHERE false$$, '39P01', 'stage_cache_invalidate() cannot fire on relation "ev"',
  'stage_cache_invalidate() only on stage_transitions and milestones');
ROLLBACK TO SAVEPOINT triggers;

SELECT is((SELECT ok FROM verify_audit()), true, 'the audit chain verifies');
SELECT is((SELECT checked FROM verify_audit()), (SELECT count(*) FROM stage_events), 'every event was checked');

SELECT * FROM finish();
ROLLBACK;
