\i test/setup.psql
BEGIN;
SELECT plan(27);

-- An attacker's review of the refresh by ore body (mine_facts_in(),
-- refresh_requested_results(), mark_results_stale(),
-- mark_holder_neighbours_stale(), result_changes.ore_body), as a clerk of
-- Xinfu (140902), a clerk of Dingxiang (140921), a reporting tool of Xinfu
-- and the city.  Each assertion states the safe behaviour.  The race of two
-- counties' L1 edits needs two sessions: test/shell/attack_review_refresh_race.sh.

-- sqlstate_of(sql): the SQLSTATE a statement fails with, or 'no error'.
\i test/lib/helpers.sql
GRANT EXECUTE ON FUNCTION pg_temp.sqlstate_of(text), pg_temp.error_fields(text) TO PUBLIC;

SELECT pg_temp.county_roles('mc_arr') \gset
INSERT INTO results_as_of VALUES ('2023-07-15');
CREATE SCHEMA mc_arr_own AUTHORIZATION mc_arr_xinfu;

CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(700000 + x, 4450000 + y, 700200 + x, 4450200 + y, 4547)) $$;
INSERT INTO mines (id, name, county_code, ore_body, holder_uscc, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, geom) VALUES
  (9401, 'x1', '140902', 'RA', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 0)),
  (9402, 'x2', '140902', 'RA', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 0)),
  (9403, 'x3', '140902', 'RA', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(600, 0)),
  (9404, 'x4', '140902', 'RB', '91350200776049653A', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 1000)),
  (9405, 'x5', '140902', 'RB', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 1000)),
  (9411, 'd1', '140921', 'RA', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 3000)),
  (9412, 'd2', '140921', 'RA', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 3000)),
  (9413, 'd3', '140921', 'RB', '91350200776049653A', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 1300));
-- Stored verdicts and clusters of the fresh counties against the live views,
-- at the city's day, as the owner (geometries compared normalised: a kept
-- merged area may list its parts in another order).
CREATE FUNCTION pg_temp.silently_stale() RETURNS bigint LANGUAGE plpgsql AS $fn$
BEGIN
	PERFORM set_config('mineconsol.as_of', to_char(mineconsol.results_as_of(), 'YYYY-MM-DD'), true);
	RETURN (
	WITH fresh AS (SELECT county_code FROM mineconsol.results_status WHERE NOT stale),
	live AS (SELECT d.id, d.county_code, d.disposition::text, d.rules, d.reasons FROM mineconsol.dispositions d),
	st AS (SELECT r.mine_id, r.county_code, r.disposition::text, r.rules, mineconsol.render_reasons(r.reason_args, r.reasons)
			 FROM mineconsol.disposition_results r),
	lp AS (SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)), scale_class FROM mineconsol.merge_plan),
	sp AS (SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)), scale_class FROM mineconsol.merge_plan_results)
	SELECT (SELECT count(*) FROM ((SELECT * FROM live EXCEPT SELECT * FROM st) UNION ALL (SELECT * FROM st EXCEPT SELECT * FROM live)) x
			 WHERE x.county_code IN (SELECT * FROM fresh))
		 + (SELECT count(*) FROM ((SELECT * FROM lp EXCEPT SELECT * FROM sp) UNION ALL (SELECT * FROM sp EXCEPT SELECT * FROM lp)) y
			 WHERE y.county_code IN (SELECT * FROM fresh)));
END
$fn$;
SET LOCAL ROLE mc_arr_city;
SELECT lives_ok($$SELECT refresh_results(false)$$, 'the city refreshes every county');
RESET ROLE;
SELECT is(pg_temp.silently_stale(), 0::bigint, 'every stored verdict and cluster is the live one');

-- ---------------------------------------------------------------- (c) a clerk's ore body breaks the city's refresh
-- disposition_results_county_idx indexes (county_code, ore_body): an ore body
-- of about 2 690 incompressible bytes fits the index of mines (ore_body
-- alone) but not that one, and the city's refresh of every county, one
-- transaction, failed with "index row size exceeds btree maximum".  An ore
-- body is an identifier of at most 200 bytes (mines_ore_body_length).
SET LOCAL ROLE mc_arr_xinfu;
SELECT is(pg_temp.sqlstate_of(format($$UPDATE mineconsol.mines SET ore_body = %L WHERE id = 9405$$,
	(SELECT string_agg(md5(i::text), '') FROM generate_series(1, 84) i) || 'xx')), '23514',
  'a clerk''s long ore body (2 690 bytes) is refused');
SELECT is(pg_temp.sqlstate_of(format($$UPDATE mineconsol.mines SET ore_body = %L WHERE id = 9405$$, repeat('x', 201))), '23514',
  '… and one of 201 bytes');
SELECT is(pg_temp.sqlstate_of(format($$UPDATE mineconsol.mines SET ore_body = %L WHERE id = 9405$$, repeat('x', 200))), 'no error',
  '… but not one of 200');
RESET ROLE;
SET LOCAL ROLE mc_arr_city;
SELECT lives_ok($$SELECT refresh_results()$$, 'the city''s refresh of every county works');
RESET ROLE;
UPDATE mines SET ore_body = 'RB' WHERE id = 9405;
SET LOCAL ROLE mc_arr_city;
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;

-- ---------------------------------------------------------------- what held: forged marks, triggers, privileges
SET LOCAL ROLE mc_arr_xinfu;
SELECT is(pg_temp.sqlstate_of($$INSERT INTO mineconsol.result_changes (county_code, ore_body, cause) VALUES ('140921', 'RA', 'forged')$$),
  '42501', 'a clerk cannot mark another county stale');
SELECT is(pg_temp.sqlstate_of($$INSERT INTO mineconsol.result_changes (county_code, ore_body, cause, changed_by) VALUES ('140902', 'RA', 'forged', 'mc_arr_city')$$),
  '42501', '… nor sign a mark with another name');
SELECT is(pg_temp.sqlstate_of($$DELETE FROM mineconsol.result_changes$$), '42501', '… nor delete marks');
SELECT is(pg_temp.sqlstate_of($$CREATE TABLE mc_arr_own.t (LIKE mineconsol.mines);
	CREATE TRIGGER t AFTER INSERT ON mc_arr_own.t REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mark_holder_neighbours_stale()$$),
  '42501', 'a clerk cannot attach the owner''s L1 trigger to a table of its own');
SELECT is(pg_temp.sqlstate_of($$CREATE TABLE mc_arr_own.c () INHERITS (mineconsol.mines)$$),
  '42501', '… nor inherit from mines');
-- Marks with crafted ore bodies in its own county: quotes, %s, NULL; a
-- long one is refused, as on mines (an ore body is at most 200 bytes).
SELECT lives_ok($$INSERT INTO mineconsol.result_changes (county_code, ore_body, cause)
	VALUES ('140902', $q$RA'); DROP TABLE mineconsol.mines; --$q$, '%s %I %L'), ('140902', '%1$s', 'x'),
		   ('140902', NULL, 'x')$$,
  'a clerk may mark its county stale with any ore body');
SELECT throws_ok($$INSERT INTO mineconsol.result_changes (county_code, ore_body, cause) VALUES ('140902', repeat('长', 100000), 'x')$$,
  '23514', NULL, '… but not one longer than 200 bytes');
SELECT lives_ok($$SELECT refresh_results()$$, '… and its refresh still runs');
RESET ROLE;
SELECT is(pg_temp.silently_stale(), 0::bigint, '… and stores the live verdicts');
SELECT ok(EXISTS (SELECT FROM mines WHERE id = 9401), 'nothing was injected');

-- ---------------------------------------------------------------- (a) reading another county
SET LOCAL ROLE mc_arr_bi;
SELECT is((SELECT count(*) FROM mine_facts_in('{140921}')), 0::bigint, 'a reporting tool gets no facts of another county');
SELECT is((SELECT count(*) FROM mine_facts_in(NULL) WHERE county_code <> '140902'), 0::bigint, '… not even asking for every county');
SELECT is((SELECT count(*) FROM results_status WHERE county_code = '140921'), 0::bigint, '… nor its stale ore bodies');
RESET ROLE;

-- ---------------------------------------------------------------- (b) edits that renumber clusters or move mines
SET LOCAL ROLE mc_arr_xinfu;
DELETE FROM mines WHERE id = 9401;                               -- the first member of a cluster
UPDATE mines SET ore_body = NULL WHERE id = 9405;                -- a mine without ore body
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES
  (9402, 'illegal_mining', '2021-01-01', '2021-01-01'), (9402, 'illegal_mining', '2021-06-01', '2021-06-01'),
  (9402, 'illegal_mining', '2022-01-01', NULL);
SELECT lives_ok($$SELECT refresh_results()$$, 'a clerk''s refresh after a deleted first member, a NULL ore body and violations');
RESET ROLE;
SELECT is(pg_temp.silently_stale(), 0::bigint, '… stores the live verdicts and clusters');
SET LOCAL ROLE mc_arr_city;
UPDATE mines SET county_code = '140921', ore_body = 'RA' WHERE id = 9403;   -- moves county
INSERT INTO zones (kind, name, geom) VALUES ('eco_redline', 'arr 红线', ST_Multi(ST_MakeEnvelope(700250, 4449900, 700700, 4450300, 4547)));
RESET ROLE;
SET LOCAL ROLE mc_arr_ding;
SELECT lives_ok($$SELECT refresh_results()$$, 'Dingxiang''s clerk refreshes Dingxiang only');
RESET ROLE;
SELECT is(pg_temp.silently_stale(), 0::bigint, '… and no county that looks fresh is wrong');
-- L1 across counties: Xinfu's edit of its licence marks Dingxiang's.
SET LOCAL ROLE mc_arr_city;
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;
SET LOCAL ROLE mc_arr_xinfu;
UPDATE mines SET holder_uscc = NULL WHERE id = 9404;
SELECT lives_ok($$SELECT refresh_results()$$, 'Xinfu''s clerk takes its licence away from the holder, and refreshes Xinfu');
RESET ROLE;
SELECT is(pg_temp.silently_stale(), 0::bigint, '… and Dingxiang''s licence of that holder is stale, or right');

SELECT * FROM finish();
ROLLBACK;
