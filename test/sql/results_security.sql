\i test/setup.psql
BEGIN;
SELECT plan(62);

-- Stored results and zone relations, attacked as the real roles: a clerk of
-- Xinfu (140902), a clerk of Dingxiang (140921), a reporting tool of Xinfu,
-- the city.
\i test/lib/helpers.sql
SELECT pg_temp.county_roles('mc_rs') \gset

CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(600000 + x, 4350000 + y, 600200 + x, 4350200 + y, 4547)) $$;
-- Mine 8001 (Xinfu) and 8003 (Dingxiang, across the border, 300 m away)
-- have one holder on one ore body: L1, which Xinfu's clerk cannot see.
INSERT INTO mines (id, name, county_code, ore_body, holder_uscc, reserves_t, valid_from, valid_to, transfer_mode, geom) VALUES
  (8001, 'x1', '140902', 'RS', '91350200776049653A', 900000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(0, 0)),
  (8002, 'x2', '140902', 'RS2', NULL, 900000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(5000, 0)),
  (8003, 'd1', '140921', 'RS', '91350200776049653A', 900000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(500, 0)),
  (8004, 'd2', '140921', 'RS3', NULL, 900000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(500, 5000));
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset
CREATE TEMP VIEW stored WITH (security_invoker = true) AS
  SELECT mine_id, county_code, disposition::text, rules, reasons, as_of FROM mineconsol.disposition_results;
GRANT SELECT ON stored TO PUBLIC;

-- ---------------------------------------------------------------- the day results judge at
SELECT as_of() IS NOT NULL AS library_loaded \gset
SET LOCAL ROLE mc_rs_xinfu;
SELECT throws_ok($$INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2001-01-01')$$, '42501',
  'permission denied for table results_as_of', 'a clerk cannot set the day stored results judge at');
RESET ROLE;
SET LOCAL ROLE mc_rs_city;
SELECT lives_ok($$INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2023-07-15')$$, 'the city sets it');
SELECT throws_ok($$UPDATE mineconsol.results_as_of SET as_of = '1900-01-01'$$, '23514', NULL,
  '… within 2000-01-01 .. 2100-12-31');
RESET ROLE;
SELECT is(results_as_of(), '2023-07-15'::date, 'results_as_of() gives it');
SELECT throws_ok($$SET mineconsol.as_of = '1900-01-01'$$, '22023',
  'mineconsol.as_of "1900-01-01" is outside 2000-01-01 .. 2100-12-31', 'a session''s as_of before 2000 is refused');
SELECT throws_ok($$SET mineconsol.as_of = '5874897-12-31'$$, '22023', NULL, '… and one far in the future');
SELECT throws_ok($$SET mineconsol.as_of = '4713-01-01 BC'$$, '22023', NULL, '… and one before Christ');
SELECT lives_ok($$SET LOCAL mineconsol.as_of = '2023-07-15'$$, 'a day within the window is accepted');

-- ---------------------------------------------------------------- adoption needs stored results
SET LOCAL ROLE mc_rs_ding;
INSERT INTO schemes (county_code) VALUES ('140921');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', (SELECT id FROM mineconsol.schemes WHERE county_code = '140921'), 'drafted',
  '{"date": "2022-09-01", "doc_no": "定政〔2022〕9号"}')$$, 'Dingxiang drafts its scheme');
SELECT throws_ok($$SELECT mineconsol.adopt_merge_plan('140921')$$, '55000',
  'cannot adopt the merge plan of county 140921: its results have never been computed',
  'no adoption before the county''s results are computed');
RESET ROLE;

-- ---------------------------------------------------------------- a county's refresh
SET LOCAL ROLE mc_rs_xinfu;
SET LOCAL mineconsol.as_of = '2023-07-15';
SELECT ok((SELECT NOT ('L1' = ANY (rules)) FROM dispositions WHERE id = 8001),
  'live, the clerk''s view of mine 8001 lacks L1 (the other licence is in Dingxiang)');
SET LOCAL mineconsol.as_of = '2001-01-01';
SELECT results_eq($$SELECT mines, clusters FROM mineconsol.refresh_results()$$,
  $$VALUES (2::bigint, 0::bigint)$$, 'a clerk refreshes the county''s two mines');
SELECT ok((SELECT 'L1' = ANY (rules) FROM stored WHERE mine_id = 8001),
  'the stored verdict is computed from the whole registry: L1 names the Dingxiang licence');
SELECT is((SELECT array_agg(DISTINCT as_of) FROM stored), ARRAY['2023-07-15'::date],
  'it judges at the city''s day, not at the clerk''s mineconsol.as_of');
RESET ROLE;
RESET mineconsol.as_of;
SELECT is((SELECT array_agg(mine_id ORDER BY mine_id) FROM stored), ARRAY[8001, 8002]::bigint[],
  'only Xinfu''s results were computed');
CREATE TEMP TABLE by_clerk AS SELECT * FROM stored;
SET LOCAL ROLE mc_rs_city;
SELECT results_eq($$SELECT mines FROM mineconsol.refresh_results(false)$$, $$VALUES (4::bigint)$$, 'the city refreshes every county');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM (SELECT * FROM by_clerk EXCEPT SELECT * FROM stored) d), 0,
  'Xinfu''s verdicts are the same whoever refreshed them');

-- Dingxiang's refresh replaces Dingxiang's results and nothing else.
UPDATE disposition_results SET reasons = '{marker}' WHERE mine_id IN (8001, 8003);
SET LOCAL ROLE mc_rs_ding;
SELECT results_eq($$SELECT mines FROM mineconsol.refresh_results(false)$$, $$VALUES (2::bigint)$$, 'Dingxiang refreshes its two mines');
RESET ROLE;
SELECT is((SELECT array_agg(mine_id ORDER BY mine_id) FROM stored WHERE reasons = '{marker}'), ARRAY[8001]::bigint[],
  '… and leaves Xinfu''s stored verdicts alone');
-- A table named like adopt_merge_plan()'s scratch table, planted in public
-- by Xinfu's clerk (as one could while public was open to every role), with
-- a trigger: the function's path finds public before pg_temp, so it names
-- its scratch table pg_temp.adopt_plan and never touches this one.
CREATE TABLE public.adopt_plan (cluster_id integer, retained_mine_id bigint, member_ids bigint[], unit_id bigint);
CREATE TABLE public.adopt_plan_fired (by_role name);
CREATE FUNCTION public.adopt_plan_planted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	INSERT INTO public.adopt_plan_fired VALUES (current_user);
	RETURN NULL;
END
$fn$;
CREATE TRIGGER planted AFTER INSERT OR UPDATE OR DELETE ON public.adopt_plan
	FOR EACH STATEMENT EXECUTE FUNCTION public.adopt_plan_planted();
ALTER TABLE public.adopt_plan OWNER TO mc_rs_xinfu;
ALTER TABLE public.adopt_plan_fired OWNER TO mc_rs_xinfu;
ALTER FUNCTION public.adopt_plan_planted() OWNER TO mc_rs_xinfu;
GRANT ALL ON public.adopt_plan, public.adopt_plan_fired TO PUBLIC;
SET LOCAL ROLE mc_rs_ding;
SELECT is(adopt_merge_plan('140921'), 0, 'Dingxiang adopts its stored plan (no cluster)');
RESET ROLE;
SELECT is((SELECT count(*) FROM public.adopt_plan_fired), 0::bigint,
  '… without running the trigger of a public.adopt_plan another county planted');
SELECT has_table('public', 'adopt_plan', '… and without dropping that table');
DROP TABLE public.adopt_plan, public.adopt_plan_fired;
DROP FUNCTION public.adopt_plan_planted();

-- ---------------------------------------------------------------- forging results
SET LOCAL ROLE mc_rs_xinfu;
SELECT throws_ok($$INSERT INTO mineconsol.disposition_results (mine_id, county_code, in_scope, mineral_group, disposition, rules, reasons, scale_class, as_of)
  VALUES (8003, '140902', true, 'other', 'retain', '{}', '{}', 'unknown', '2023-07-15')$$, '42501',
  'permission denied for table disposition_results', 'a clerk cannot insert a verdict for another county''s mine');
SELECT throws_ok($$INSERT INTO mineconsol.disposition_results (mine_id, county_code, in_scope, mineral_group, disposition, rules, reasons, scale_class, as_of)
  VALUES (8002, '140902', true, 'other', 'retain', '{}', '{}', 'unknown', '2023-07-15')$$, '42501',
  'permission denied for table disposition_results', '… nor for its own');
SELECT throws_ok($$UPDATE mineconsol.disposition_results SET disposition = 'retain' WHERE mine_id = 8001$$, '42501',
  'permission denied for table disposition_results', '… nor change its own verdicts');
SELECT throws_ok($$DELETE FROM mineconsol.disposition_results$$, '42501',
  'permission denied for table disposition_results', '… nor delete them');
SELECT throws_ok($$DELETE FROM mineconsol.merge_plan_results$$, '42501',
  'permission denied for table merge_plan_results', '… nor the merge plan');
SELECT throws_ok($$INSERT INTO mineconsol.result_refreshes (county_code, requested) VALUES ('140921', true)$$, '42501',
  'new row violates row-level security policy for table "result_refreshes"', 'a clerk cannot ask for another county''s refresh');
SELECT is((SELECT count(*)::int FROM (SELECT 1 FROM (VALUES (1)) v
            WHERE EXISTS (SELECT FROM mineconsol.result_refreshes WHERE county_code = '140921')) x), 0,
  '… nor see its status');
SELECT throws_ok($$UPDATE mineconsol.result_refreshes SET requested_xact = pg_current_xact_id()$$, '42501',
  'permission denied for table result_refreshes', '… nor stamp a request itself');
SELECT throws_ok($$UPDATE mineconsol.result_refreshes SET refreshed_at = now()$$, '42501',
  'permission denied for table result_refreshes', '… nor change when results were refreshed');
UPDATE mineconsol.result_refreshes SET requested = true WHERE county_code = '140921';
SELECT results_eq($$SELECT mines FROM mineconsol.refresh_requested_results()$$, $$VALUES (0::bigint)$$,
  'the worker called directly recomputes nothing the clerk could not ask for');
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM mineconsol.result_refreshes), ARRAY['140902'],
  'a clerk reads its own county''s refresh status only');
SELECT is((SELECT array_agg(id ORDER BY id) FROM mineconsol.v_dispositions WHERE id > 8000 AND id < 8100), ARRAY[8001, 8002]::bigint[],
  'a clerk reads its own county''s stored verdicts');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM stored WHERE mine_id > 8000 AND mine_id < 8100), 4, 'nothing was forged or lost');
SELECT is((SELECT reasons FROM stored WHERE mine_id = 8001), '{marker}', '… or recomputed');

SET LOCAL ROLE mc_rs_bi;
SELECT throws_ok($$SELECT mineconsol.refresh_results()$$, '42501', 'permission denied to refresh stored results',
  'a reporting tool cannot refresh');
SELECT throws_ok($$SELECT mineconsol.refresh_requested_results()$$, '42501',
  'permission denied for function refresh_requested_results', '… nor call the worker');
SELECT is((SELECT array_agg(mine_id ORDER BY mine_id) FROM stored WHERE mine_id > 8000 AND mine_id < 8100), ARRAY[8001, 8002]::bigint[],
  'it reads its county''s stored verdicts');
RESET ROLE;

-- A mine moved to another county: its verdict follows it.
UPDATE mines SET county_code = '140921' WHERE id = 8002;
SET LOCAL ROLE mc_rs_xinfu;
SELECT is((SELECT count(*)::int FROM stored WHERE mine_id = 8002), 0, 'a verdict is read with its mine: gone with the mine that moved');
RESET ROLE;
SET LOCAL ROLE mc_rs_ding;
SELECT results_eq($$SELECT mines FROM mineconsol.refresh_results()$$, $$VALUES (1::bigint)$$,
  'the new county refreshes it (the ore body it moved onto: that one mine)');
RESET ROLE;
SELECT is((SELECT county_code FROM stored WHERE mine_id = 8002), '140921', '… stored once, under its new county');
UPDATE mines SET county_code = '140902' WHERE id = 8002;

-- ---------------------------------------------------------------- stored counts
CREATE TEMP TABLE counts_before AS SELECT * FROM county_results;
SET LOCAL ROLE mc_rs_xinfu;
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM mineconsol.county_results WHERE mines > 0), ARRAY['140902'],
  'a clerk reads its own county''s stored counts only');
SELECT throws_ok($$UPDATE mineconsol.county_results SET mines_after = 0$$, '42501',
  'permission denied for table county_results', '… cannot change them');
SELECT throws_ok($$INSERT INTO mineconsol.county_results VALUES ('140921', 9, 9, 9, 0, 0, 0)$$, '42501',
  'permission denied for table county_results', '… nor forge another county''s');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM ((SELECT * FROM county_results EXCEPT SELECT * FROM counts_before)
                                      UNION ALL (SELECT * FROM counts_before EXCEPT SELECT * FROM county_results)) d), 0,
  'no stored count changed');
SET LOCAL ROLE mc_rs_xinfu;
-- A clerk's own mine_facts_in() (in pg_temp, which a caller's search_path
-- may put first) does not reach the refresh: it calls mineconsol's, by name.
CREATE FUNCTION pg_temp.mine_facts_in(counties text[], ore_bodies text[] DEFAULT NULL)
  RETURNS SETOF mineconsol.mine_facts LANGUAGE sql AS $$ SELECT * FROM mineconsol.mine_facts WHERE false $$;
SET LOCAL search_path = pg_temp, mineconsol, public;
SELECT results_eq($$SELECT mines FROM mineconsol.refresh_results(false)$$, $$VALUES (2::bigint)$$,
  'a clerk with its own mine_facts_in() first in its search path still refreshes its own two mines');
SET LOCAL search_path = mineconsol, public;
RESET ROLE;
SELECT is((SELECT array_agg((county_code, mines)::text ORDER BY county_code) FROM county_results
            WHERE county_code IN ('140902', '140921')), '{"(140902,2)","(140921,2)"}',
  'Xinfu''s refresh took the mine that moved back out of Dingxiang''s counts too');

-- ---------------------------------------------------------------- zone relations
-- Issue: a SECURITY DEFINER trigger function attached by a reader to a temp
-- table whose column type has an implicit cast of the reader's own.
CREATE TABLE public.mc_rs_trap (who text);
GRANT INSERT ON public.mc_rs_trap TO PUBLIC;
CREATE TEMP TABLE rel_before AS SELECT * FROM mine_zone_relations;
INSERT INTO zones (kind, name, geom) VALUES ('eco_redline', '红线 RS', ST_Multi(ST_MakeEnvelope(599000, 4349000, 602000, 4351000, 4547)));
SELECT is((SELECT count(*)::int FROM mine_zone_relations r JOIN zones z ON z.id = r.zone_id WHERE z.name = '红线 RS'), 2,
  'a city-wide red line relates to the mines of both counties under it');
INSERT INTO zones (kind, name, county_code, geom) VALUES
  ('eco_fragile', '定襄脆弱区', '140921', ST_Multi(ST_MakeEnvelope(599000, 4349000, 602000, 4351000, 4547)));
SELECT is((SELECT array_agg(r.mine_id ORDER BY r.mine_id) FROM mine_zone_relations r JOIN zones z ON z.id = r.zone_id
            WHERE z.name = '定襄脆弱区'), ARRAY[8003]::bigint[],
  'a county''s zone relates only to that county''s mines');
DROP TABLE rel_before;
CREATE TEMP TABLE rel_before AS SELECT * FROM mine_zone_relations;
GRANT SELECT ON rel_before TO PUBLIC;
CREATE TEMP VIEW rel_changed AS
  SELECT count(*)::int AS n FROM ((SELECT * FROM mineconsol.mine_zone_relations EXCEPT SELECT * FROM rel_before)
                                  UNION ALL (SELECT * FROM rel_before EXCEPT SELECT * FROM mineconsol.mine_zone_relations)) d;
GRANT SELECT ON rel_changed TO PUBLIC;

SET LOCAL ROLE mc_rs_bi;
CREATE TYPE pg_temp.t AS enum ('a');
CREATE FUNCTION pg_temp.evil(pg_temp.t) RETURNS geometry LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.mc_rs_trap VALUES (current_user);
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		EXECUTE format('ALTER ROLE %I SUPERUSER', 'mc_rs_bi');
	END IF;
	RETURN NULL;
END $$;
CREATE CAST (pg_temp.t AS geometry) WITH FUNCTION pg_temp.evil(pg_temp.t) AS IMPLICIT;
CREATE TEMP TABLE z (id bigint, kind text, county_code text, geom pg_temp.t);
SELECT throws_ok($$CREATE TRIGGER zt AFTER INSERT ON z REFERENCING NEW TABLE AS new_zones
  FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.zones_zone_relations()$$, '42501',
  'permission denied for function mineconsol.zones_zone_relations', 'a reader cannot attach the zones trigger function to its own table');
INSERT INTO z VALUES (1, 'eco_redline', NULL, 'a');
-- Issue: a TRUNCATE trigger on a temp table wiping every relation.
CREATE TEMP TABLE x (id bigint);
SELECT throws_ok($$CREATE TRIGGER t AFTER TRUNCATE ON x FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mines_zone_relations()$$,
  '42501', 'permission denied for function mineconsol.mines_zone_relations', '… nor the mines trigger function');
TRUNCATE x;
SELECT throws_ok($$SELECT mineconsol.zone_relation_lock('{*}', true)$$, '42501',
  'permission denied for function zone_relation_lock', '… nor take the zone-relation locks');
RESET ROLE;
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'mc_rs_bi'), false, 'the reader is still not superuser');
SELECT is((SELECT count(*)::int FROM public.mc_rs_trap), 0, '… its cast never ran');

SET LOCAL ROLE mc_rs_xinfu;
CREATE TEMP TABLE x2 (id bigint);
SELECT throws_ok($$CREATE TRIGGER t AFTER TRUNCATE ON x2 FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mines_zone_relations()$$,
  '42501', 'permission denied for function mineconsol.mines_zone_relations', 'a clerk cannot attach the mines trigger function either');
TRUNCATE x2;
RESET ROLE;
-- Even the owner cannot fire them anywhere but on their own tables.
CREATE TEMP TABLE x3 (id bigint);
CREATE TRIGGER t AFTER TRUNCATE ON x3 FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mines_zone_relations();
SELECT throws_ok($$TRUNCATE x3$$, '39P01',
  'mines_zone_relations() fires only as an AFTER statement trigger on mineconsol.mines', 'the mines trigger function refuses another table');
CREATE TRIGGER tz AFTER INSERT ON z REFERENCING NEW TABLE AS new_zones
  FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.zones_zone_relations();
SELECT throws_ok($$INSERT INTO z VALUES (2, 'eco_redline', NULL, 'a')$$, '39P01',
  'zones_zone_relations() fires only as an AFTER statement trigger on mineconsol.zones', 'the zones trigger function refuses another table');
SELECT is((SELECT n FROM rel_changed), 0, 'the zone relations are untouched after every attempt');
SELECT is((SELECT count(*)::int FROM public.mc_rs_trap), 0, '… and no planted cast ever ran');

-- What runs as the owner: pinned to pg_catalog first and pg_temp last, not for PUBLIC.
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'mineconsol'::regnamespace AND p.prosecdef
              AND p.proname IN ('mines_zone_relations', 'zones_zone_relations', 'rebuild_zone_relations', 'refresh_requested_results')
              AND EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=pg_catalog, mineconsol, %, pg_temp')
              AND NOT has_function_privilege('public', p.oid, 'EXECUTE')),
  ARRAY['mines_zone_relations', 'rebuild_zone_relations', 'refresh_requested_results', 'zones_zone_relations']::text[],
  'the SECURITY DEFINER functions of zone relations and results pin their search_path and are not executable by PUBLIC');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'mineconsol'::regnamespace
              AND p.proname IN ('mines_zone_relations', 'zones_zone_relations', 'zone_relation_lock', 'refresh_requested_results')
              AND (has_function_privilege('mineconsol_reader', p.oid, 'EXECUTE') OR has_function_privilege('mineconsol_inspector', p.oid, 'EXECUTE'))),
  NULL, 'no reader or inspector may execute them');

SELECT * FROM finish();
ROLLBACK;
