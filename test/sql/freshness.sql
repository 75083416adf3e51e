\i test/setup.psql
BEGIN;
SELECT plan(87);

-- Staleness of stored results, as the real roles: a clerk of Xinfu
-- (140902), a clerk of Dingxiang (140921), a reporting tool, the city.
\i test/lib/helpers.sql
SELECT pg_temp.county_roles('mc_fr') \gset
INSERT INTO results_as_of VALUES ('2023-07-15');

-- Alike in shape only to simulate.sql's map: each test lays out its own mines and places.
CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(600000 + x, 4350000 + y, 600200 + x, 4350200 + y, 4547)) $$;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, geom) VALUES
  (9001, 'x1', '140902', 'FR', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 0)),
  (9002, 'x2', '140902', 'FR', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 0)),
  (9003, 'd1', '140921', 'FR', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 3000)),
  (9004, 'd2', '140921', 'FS', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(3000, 3000));
CREATE TEMP VIEW st WITH (security_invoker = true) AS
  SELECT county_code, stale, stale_because, changes, refreshed_at FROM mineconsol.results_status;
GRANT SELECT ON st TO PUBLIC;
CREATE FUNCTION pg_temp.stale(c text) RETURNS boolean LANGUAGE sql AS $$ SELECT stale FROM st WHERE county_code = c $$;
-- Stored verdicts against the live view at the city's day, as the caller.
CREATE FUNCTION pg_temp.mismatches() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
	SELECT d.id, d.disposition::text, d.rules FROM mineconsol.dispositions d
	EXCEPT SELECT r.mine_id, r.disposition::text, r.rules FROM mineconsol.disposition_results r) x $$;
-- The same with reasons (they name the cluster's number), and the clusters.
CREATE FUNCTION pg_temp.reason_mismatches() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
	SELECT d.id, d.reasons FROM mineconsol.dispositions d
	EXCEPT SELECT r.mine_id, mineconsol.render_reasons(r.reason_args, r.reasons) FROM mineconsol.disposition_results r) x $$;
CREATE FUNCTION pg_temp.plan_mismatches() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM (
	(SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)) FROM mineconsol.merge_plan
	 EXCEPT SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)) FROM mineconsol.merge_plan_results)
	UNION ALL
	(SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)) FROM mineconsol.merge_plan_results
	 EXCEPT SELECT county_code, cluster_id, member_ids, retained_mine_id, ST_AsBinary(ST_Normalize(geom)) FROM mineconsol.merge_plan)) x $$;
GRANT EXECUTE ON FUNCTION pg_temp.stale(text), pg_temp.mismatches(), pg_temp.reason_mismatches(), pg_temp.plan_mismatches() TO PUBLIC;
CREATE TEMP VIEW st2 WITH (security_invoker = true) AS
  SELECT county_code, stale_ore_bodies FROM mineconsol.results_status;
GRANT SELECT ON st2 TO PUBLIC;
-- The counts v_county_progress shows, counted afresh from the stored verdicts.
CREATE TEMP VIEW recount AS
  SELECT r.county_code, count(*) FILTER (WHERE r.in_scope) AS mines_before,
		 count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify')) AS mines_after,
		 count(*) FILTER (WHERE r.disposition IN ('exit_at_term', 'mine_out_then_exit')) AS mines_exiting
	FROM mineconsol.disposition_results r WHERE r.mineral_group = 'sand_gravel_clay' GROUP BY r.county_code;
CREATE FUNCTION pg_temp.counts_match() RETURNS boolean LANGUAGE sql AS $$
  SELECT NOT EXISTS (
	(SELECT * FROM recount
	 EXCEPT SELECT county_code, mines_before, mines_after, mines_exiting FROM mineconsol.v_county_progress)
	UNION ALL
	(SELECT c.county_code, c.mines_before, c.mines_after, c.mines_exiting FROM mineconsol.county_results c WHERE c.mines > 0
	 EXCEPT SELECT * FROM recount)) $$;
SET LOCAL mineconsol.as_of = '2023-07-15';

-- ---------------------------------------------------------------- never computed
SELECT is((SELECT count(*) FROM st WHERE stale AND 'never computed' = ANY (stale_because)), (SELECT count(*) FROM counties),
  'before any refresh every county is stale: never computed');
SET LOCAL ROLE mc_fr_city;
SELECT is((SELECT mines FROM refresh_results(false)), (SELECT count(*) FROM mines), 'the city''s full refresh stores every mine');
SELECT is((SELECT count(*) FROM st WHERE stale), 0::bigint, 'then no county is stale');
SELECT is(pg_temp.mismatches(), 0::bigint, 'and every stored verdict is the live one');
SELECT is((SELECT count(*) FROM refresh_results()), 1::bigint, 'refresh_results() with nothing stale …');
SELECT is((SELECT (mines, clusters)::text FROM refresh_results()), '(0,0)', '… recomputes nothing');
SELECT is((SELECT results_stale FROM v_county_progress WHERE county_code = '140902'), false,
  'v_county_progress says the results are fresh');
SELECT ok((SELECT refreshed_at IS NOT NULL FROM v_county_progress WHERE county_code = '140902'), '… and when they were computed');
RESET ROLE;

-- ---------------------------------------------------------------- a clerk's edit
SET LOCAL ROLE mc_fr_xinfu;
UPDATE mines SET reserves_t = 2000000 WHERE id = 9002;
SELECT is(pg_temp.stale('140902'), true, 'a clerk''s update of a mine makes its county stale in the same transaction');
SELECT is((SELECT stale_because FROM st WHERE county_code = '140902'), '{"mines update"}', '… saying why');
SELECT is((SELECT count(*) FROM st), 1::bigint, 'the clerk sees only its county''s status');
SELECT throws_ok($$DELETE FROM mineconsol.result_changes$$, '42501', NULL, 'the clerk cannot clear a mark');
SELECT throws_ok($$UPDATE mineconsol.result_changes SET county_code = '140921'$$, '42501', NULL, '… nor move one');
SELECT throws_ok($$INSERT INTO mineconsol.result_changes (county_code, cause) VALUES ('140921', 'forged')$$, '42501', NULL,
  '… nor forge one for another county');
SELECT throws_ok($$INSERT INTO mineconsol.result_changes (county_code, cause, changed_by) VALUES ('140902', 'x', 'mc_fr_city')$$,
  '42501', NULL, '… nor sign one with another role''s name');
RESET ROLE;
SELECT is(pg_temp.stale('140921'), false, 'Dingxiang is untouched by Xinfu''s edit');
SET LOCAL ROLE mc_fr_xinfu;
SELECT is((SELECT mines FROM refresh_results()), 2::bigint, 'the clerk''s refresh recomputes its county''s two mines only');
SELECT is(pg_temp.stale('140902'), false, '… and its county is fresh');
SELECT is(pg_temp.mismatches(), 0::bigint, '… with the live verdicts');
RESET ROLE;

-- ---------------------------------------------------------------- violations
SET LOCAL ROLE mc_fr_xinfu;
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES (9001, 'illegal_mining', '2022-01-01', '2022-02-01');
SELECT is((SELECT stale_because FROM st WHERE county_code = '140902'), '{"violations insert"}', 'a violation makes its mine''s county stale');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;

-- ---------------------------------------------------------------- a mine that moves county
SET LOCAL ROLE mc_fr_city;
UPDATE mines SET county_code = '140921' WHERE id = 9002;
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM st WHERE stale), '{140902,140921}',
  'a mine that moves county makes both counties stale');
RESET ROLE;
SET LOCAL ROLE mc_fr_ding;
SELECT is((SELECT mines FROM refresh_results()), 2::bigint, 'Dingxiang''s refresh takes the mine in (recomputing its ore body FR: 9002, 9003)');
RESET ROLE;
SELECT is(pg_temp.stale('140902'), true, 'Dingxiang''s refresh leaves Xinfu stale');
SET LOCAL ROLE mc_fr_xinfu;
SELECT is((SELECT mines FROM refresh_results()), 1::bigint, 'Xinfu''s refresh: one mine left');
RESET ROLE;
SELECT is((SELECT count(*) FROM disposition_results WHERE mine_id = 9002), 1::bigint, 'the moved mine has one stored verdict');
SELECT is((SELECT county_code FROM disposition_results WHERE mine_id = 9002), '140921', '… under its new county');
SELECT ok(pg_temp.counts_match(), 'v_county_progress shows the stored verdicts'' counts for both counties');

-- ---------------------------------------------------------------- stored counts; facts by county
SELECT is((SELECT (mines, mines_before)::text FROM county_results WHERE county_code = '140902'), '(1,1)',
  'Xinfu''s stored counts: one mine left');
SELECT is((SELECT mines_before FROM v_county_progress WHERE county_code = '140921'), 3::bigint,
  'Dingxiang''s, with the mine that moved in');
-- L1 crosses counties: a county's refresh computes only its own mines, but
-- finds the holder's licences in every county.
SET LOCAL ROLE mc_fr_city;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, holder_uscc, geom) VALUES
  (9005, 'x5', '140902', 'FL', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr',
   '91350200776049653A', pg_temp.sq(0, 9000)),
  (9006, 'd6', '140921', 'FL', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr',
   '91350200776049653A', pg_temp.sq(300, 9000));
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;
SET LOCAL ROLE mc_fr_xinfu;
UPDATE mines SET reserves_t = 150000 WHERE id = 9005;
RESET ROLE;
SELECT is(pg_temp.stale('140921'), false, 'an edit that cannot change L1 (reserves) marks nothing in the next county');
SET LOCAL ROLE mc_fr_xinfu;
UPDATE mines SET geom = pg_temp.sq(10, 9000) WHERE id = 9005;
RESET ROLE;
SELECT is((SELECT (stale_because, stale_ore_bodies)::text FROM results_status WHERE county_code = '140921'),
  '("{""mines update (L1)""}",{FL})',
  'a clerk''s edit of a licence''s area marks the same holder''s licence nearby in the next county stale (L1), though the clerk sees nothing there');
SET LOCAL ROLE mc_fr_xinfu;
SELECT is((SELECT mines FROM refresh_results()), 1::bigint, 'a clerk''s refresh recomputes its county''s mines of the edited ore body only (FL: 9005)');
RESET ROLE;
SELECT ok((SELECT 'L1' = ANY (rules) FROM disposition_results WHERE mine_id = 9005),
  '… and still finds the same holder''s licence in the next county (L1)');
SELECT is(pg_temp.mismatches(), 0::bigint, 'every stored verdict is the live one');
SELECT ok(pg_temp.counts_match(), 'and so are the counts');
-- What a refresh reads: mine_facts_in(), the rows of mine_facts for some
-- counties and ore bodies, computed for them alone.
SELECT set_eq($$SELECT f FROM mine_facts_in('{140921}') f$$, $$SELECT f FROM mine_facts f WHERE county_code = '140921'$$,
  'mine_facts_in(counties) gives exactly the rows mine_facts has for them');
SELECT set_eq($$SELECT f FROM mine_facts_in('{140902,140921}', '{FL}') f$$,
              $$SELECT f FROM mine_facts f WHERE county_code IN ('140902', '140921') AND ore_body = 'FL'$$,
  '… and mine_facts_in(counties, ore_bodies) those of the ore bodies (the holder''s licence in the next county too: L1)');
SELECT set_eq($$SELECT f FROM mine_facts_in(NULL) f$$, $$SELECT f FROM mine_facts f$$, '… and with NULL every row');
SET LOCAL ROLE mc_fr_xinfu;
SELECT is((SELECT count(*) FROM mine_facts_in('{140921}')), 0::bigint, 'a clerk asking for another county''s facts gets none');
RESET ROLE;

-- ---------------------------------------------------------------- zones
SET LOCAL ROLE mc_fr_city;
INSERT INTO zones (kind, name, geom) VALUES ('eco_redline', 'FR 红线', ST_Multi(ST_MakeEnvelope(599000, 4349000, 604000, 4354000, 4547)));
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM st WHERE stale), '{140902,140921}',
  'a red line over mines of two counties makes both stale');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
SELECT is((SELECT count(*) FROM disposition_results WHERE disposition = 'refer' AND mine_id BETWEEN 9001 AND 9004), 4::bigint,
  'every mine under it is referred');
UPDATE zones SET geom = ST_Multi(ST_MakeEnvelope(599000, 4349000, 601000, 4351000, 4547)) WHERE name = 'FR 红线';
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM st WHERE stale), '{140902,140921}',
  'a zone that shrinks away from Dingxiang makes it stale too (before and after)');
SELECT is((SELECT (mines, clusters)::text FROM refresh_results()), '(4,0)',
  'the refresh recomputes the ore bodies under it in both counties (their four mines, not 9005 and 9006 on FL)');
SELECT is(pg_temp.mismatches(), 0::bigint, 'and the stored verdicts are the live ones');
SELECT isnt((SELECT disposition::text FROM disposition_results WHERE mine_id = 9003), 'refer', 'Dingxiang''s mine 9003 is no longer referred');
DELETE FROM zones WHERE name = 'FR 红线';
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM st WHERE stale), '{140902,140921}',
  'deleting the zone makes the counties it covered stale (9001 in Xinfu, the moved 9002 in Dingxiang)');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;

-- ---------------------------------------------------------------- parameters, thresholds, the day
SET LOCAL ROLE mc_fr_city;
UPDATE parameters SET value = value WHERE name = 'merge_distance_m';
SELECT is((SELECT count(*) FROM st WHERE stale AND 'parameters update' = ANY (stale_because)), (SELECT count(*) FROM counties),
  'a parameter change makes every county stale');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
UPDATE scale_thresholds SET large_min = large_min WHERE true;
SELECT is((SELECT count(*) FROM st WHERE stale), (SELECT count(*) FROM counties), 'so does a change of scale_thresholds');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
UPDATE results_as_of SET as_of = '2023-08-01';
SELECT is((SELECT stale_because FROM st WHERE county_code = '140902'), '{"judged at 2023-07-15, results are now judged at 2023-08-01"}',
  'results judged at another day than results_as_of() are stale');
SELECT is((SELECT results_stale FROM v_county_progress WHERE county_code = '140902'), true, 'v_county_progress says so');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
SELECT is((SELECT count(*) FROM st WHERE stale), 0::bigint, 'and nothing is stale');
RESET ROLE;

-- ---------------------------------------------------------------- merged areas kept or recomputed
SET LOCAL ROLE mc_fr_city;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, geom) VALUES
  (9007, 'k1', '140921', 'FK', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 20000)),
  (9008, 'k2', '140921', 'FK', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 20000));
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;
SELECT ok((SELECT NOT ST_IsEmpty(gap_geom) AND members_digest IS NOT NULL FROM merge_plan_results WHERE member_ids = '{9007,9008}'),
  'mines 9007 and 9008 form a cluster with a gap between them, stored with its digest');
-- A marker in the stored gap (as the owner): kept only if the refresh reuses it.
UPDATE merge_plan_results SET gap_geom = ST_GeomFromText('MULTIPOLYGON EMPTY', 4547) WHERE member_ids = '{9007,9008}';
SET LOCAL ROLE mc_fr_ding;
UPDATE mines SET reserves_t = 100001 WHERE id = 9003;
SELECT lives_ok($$SELECT refresh_results()$$, 'an edit elsewhere in the county, refreshed');
RESET ROLE;
SELECT ok((SELECT ST_IsEmpty(gap_geom) FROM merge_plan_results WHERE member_ids = '{9007,9008}'),
  'an incremental refresh keeps the areas of a cluster whose members and areas did not change');
SET LOCAL ROLE mc_fr_ding;
UPDATE mines SET geom = pg_temp.sq(310, 20000) WHERE id = 9008;
SELECT lives_ok($$SELECT refresh_results()$$, 'a member''s area edited, refreshed');
RESET ROLE;
SELECT ok((SELECT NOT ST_IsEmpty(gap_geom) FROM merge_plan_results WHERE member_ids = '{9007,9008}'),
  '… its cluster''s areas are computed again');
UPDATE merge_plan_results SET gap_geom = ST_GeomFromText('MULTIPOLYGON EMPTY', 4547) WHERE member_ids = '{9007,9008}';
SET LOCAL ROLE mc_fr_city;
SELECT lives_ok($$SELECT refresh_results(false)$$, 'a full refresh');
RESET ROLE;
SELECT ok((SELECT NOT ST_IsEmpty(p.gap_geom) AND NOT r.requested_full FROM merge_plan_results p JOIN result_refreshes r USING (county_code)
            WHERE p.member_ids = '{9007,9008}'),
  '… computes every area again');

-- ---------------------------------------------------------------- one ore body at a time
-- Dingxiang now holds FR (9002, 9003), FS (9004), FL (9006) and FK (9007,
-- 9008, one cluster).  Two more mines on FS form a second cluster there.
-- The live view judges at the city's day (reasons quote dates).
SET LOCAL mineconsol.as_of = '2023-08-01';
SET LOCAL ROLE mc_fr_city;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, geom) VALUES
  (9010, 's1', '140921', 'FS', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 30000)),
  (9011, 's2', '140921', 'FS', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(300, 30000)),
  (9012, 'n1', '140921', NULL, 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 40000));
SELECT is((SELECT stale_ore_bodies FROM st2 WHERE county_code = '140921'), NULL,
  'a new mine without ore body makes the whole county stale (stale_ore_bodies NULL)');
SELECT is((SELECT mines FROM refresh_results()), (SELECT count(*) FROM mines WHERE county_code = '140921'),
  '… and the refresh recomputes every mine of it');
SELECT is((SELECT array_agg(cluster_id ORDER BY cluster_id) FROM merge_plan_results WHERE county_code = '140921'), '{1,2}',
  'Dingxiang has two clusters, numbered across its ore bodies (FK first: 9007 < 9010)');
UPDATE mines SET reserves_t = 100002 WHERE id = 9011;
SELECT is((SELECT stale_ore_bodies FROM st2 WHERE county_code = '140921'), '{FS}', 'an edit on FS makes FS stale, nothing else');
SELECT is((SELECT (mines, clusters)::text FROM refresh_results()), '(3,1)', 'the refresh recomputes FS: three mines, one cluster');
SELECT is(pg_temp.mismatches(), 0::bigint, 'every stored verdict is the live one');
SELECT is(pg_temp.reason_mismatches(), 0::bigint, '… with the same reasons (the cluster keeps its number 2)');
SELECT is(pg_temp.plan_mismatches(), 0::bigint, '… and every stored cluster is the live one');
UPDATE mines SET ore_body = 'FK' WHERE id = 9004;
SELECT is((SELECT stale_ore_bodies FROM st2 WHERE county_code = '140921'), '{FK,FS}', 'a mine that moves ore body makes both stale');
SELECT is((SELECT (mines, clusters)::text FROM refresh_results()), '(5,2)', 'the refresh recomputes both ore bodies');
SELECT is(pg_temp.mismatches() + pg_temp.reason_mismatches() + pg_temp.plan_mismatches(), 0::bigint,
  'stored verdicts, reasons and clusters are the live ones');
-- 9003 (not small: an anchor) moves to FS beside 9011, and FS's cluster
-- now begins at 9003, before FK's (9007): the numbers move, so the whole
-- county is recomputed.
UPDATE mines SET ore_body = 'FS', geom = pg_temp.sq(300, 30500) WHERE id = 9003;
SELECT is((SELECT mines FROM refresh_results()), (SELECT count(*) FROM mines WHERE county_code = '140921'),
  'a cluster that takes a lower number recomputes the whole county');
SELECT is((SELECT array_agg(member_ids[1] ORDER BY cluster_id) FROM merge_plan_results WHERE county_code = '140921'), '{9003,9007}',
  '… and the clusters are numbered by their first mine again');
SELECT is(pg_temp.mismatches() + pg_temp.reason_mismatches() + pg_temp.plan_mismatches(), 0::bigint,
  'stored verdicts, reasons and clusters are the live ones');
DELETE FROM mines WHERE id = 9012;
SELECT is((SELECT stale_ore_bodies FROM st2 WHERE county_code = '140921'), NULL, 'deleting a mine without ore body: the whole county');
SELECT lives_ok($$SELECT refresh_results()$$, 'refreshed');
RESET ROLE;

-- ---------------------------------------------------------------- readers, the trigger function
SET LOCAL ROLE mc_fr_bi;
SELECT is((SELECT array_agg(county_code) FROM st), '{140902}', 'a reporting tool sees its county''s status');
SELECT throws_ok($$SELECT refresh_results()$$, '42501', NULL, '… and cannot refresh');
RESET ROLE;
CREATE TEMP TABLE fr_other (x int);
CREATE TRIGGER fr_other AFTER INSERT ON fr_other FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mark_results_stale();
SELECT throws_ok($$INSERT INTO fr_other VALUES (1)$$, '39P01', NULL, 'mark_results_stale() refuses to fire on another table');
DROP TRIGGER fr_other ON fr_other;
CREATE TRIGGER fr_other_l1 AFTER INSERT ON fr_other REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mark_holder_neighbours_stale();
SELECT throws_ok($$INSERT INTO fr_other VALUES (1)$$, '39P01', NULL, '… nor does mark_holder_neighbours_stale()');
DROP TRIGGER fr_other_l1 ON fr_other;
SET LOCAL ROLE mc_fr_xinfu;
CREATE TEMP TABLE fr_mine (LIKE mineconsol.mines);
SELECT throws_ok($$CREATE TRIGGER fr_l1 AFTER INSERT ON fr_mine REFERENCING NEW TABLE AS new_rows
                   FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mark_holder_neighbours_stale()$$, '42501', NULL,
  'a clerk cannot attach the owner-run L1 trigger to a table of its own');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
