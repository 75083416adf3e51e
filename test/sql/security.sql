\i test/setup.psql
BEGIN;
SELECT plan(41);

-- Two counties, a clerk of each, a reporting tool of Xinfu, the city, an inspector.
CREATE ROLE mc_sec_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_sec_dingxiang IN ROLE mineconsol_editor;
CREATE ROLE mc_sec_bi IN ROLE mineconsol_reader;
CREATE ROLE mc_sec_city IN ROLE mineconsol_admin;
CREATE ROLE mc_sec_inspector IN ROLE mineconsol_inspector;
-- Xinfu's staff as a group: its members inherit the county, with the
-- group's access (an editor group: read and write).
CREATE ROLE mc_sec_xinfu_staff IN ROLE mineconsol_editor;
GRANT mc_sec_xinfu_staff TO mc_sec_xinfu;
INSERT INTO role_counties VALUES ('mc_sec_xinfu_staff', '140902'), ('mc_sec_dingxiang', '140921'), ('mc_sec_bi', '140902');

CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(400000 + x, 4250000 + y, 400200 + x, 4250200 + y, 4547)) $$;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode, geom) VALUES
  (1, 'x1', '140902', 'A', 100000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(0, 0)),
  (2, 'x2', '140902', 'A', 100000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(500, 0)),
  (3, 'd1', '140921', 'B', 100000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(0, 9000)),
  (4, 'd2', '140921', 'B', 100000, '2020-01-01', '2026-12-31', 'term', pg_temp.sq(500, 9000));
-- Explicit ids: move the identity past them, whatever ran before this file.
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset
INSERT INTO schemes (county_code) VALUES ('140902'), ('140921');
-- A city-wide planned zone over all four mines.
INSERT INTO zones (kind, name, geom) VALUES
  ('planned_mining', '全市规划区', ST_Multi(ST_MakeEnvelope(399000, 4249000, 402000, 4260000, 4547)));
SELECT is((SELECT mines FROM refresh_results()), 4::bigint, 'the city refreshes the results of every county');

-- ---------------------------------------------------------------- roles and grants
SELECT is((SELECT count(*)::int FROM pg_roles WHERE rolname IN
  ('mineconsol_admin', 'mineconsol_editor', 'mineconsol_reader', 'mineconsol_inspector') AND NOT rolcanlogin), 4,
  'the four roles exist and cannot log in');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'mineconsol'::regnamespace
             AND c.relkind = 'r' AND c.relname IN ('mines', 'violations', 'zones', 'schemes', 'units', 'unit_members',
               'closures', 'stage_events', 'role_counties', 'disposition_results', 'merge_plan_results')
             AND c.relrowsecurity), 11, 'row-level security on every county-scoped table');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'mineconsol'::regnamespace AND c.relkind = 'v'
             AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)), 0,
  'every view runs with the caller''s rights (security_invoker)');
SELECT is((SELECT count(*)::int FROM pg_proc p WHERE p.pronamespace = 'mineconsol'::regnamespace
             AND p.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')), 0,
  'no SECURITY DEFINER function without a pinned search_path');

-- ---------------------------------------------------------------- a county clerk
SELECT id AS dingxiang_scheme FROM schemes WHERE county_code = '140921' \gset
SET LOCAL ROLE mc_sec_xinfu;
SELECT is(my_counties(), ARRAY['140902'], 'a clerk works for the county of the group it belongs to');
SELECT is((SELECT array_agg(id ORDER BY id) FROM mines), ARRAY[1, 2]::bigint[], 'a clerk sees only the county''s mines');
SELECT is((SELECT array_agg(id ORDER BY id) FROM v_dispositions), ARRAY[1, 2]::bigint[], '… through the reporting views too');
SELECT is((SELECT count(*)::int FROM dispositions), 2, '… and through the live views');
SELECT is((SELECT array_agg(mine_id ORDER BY mine_id) FROM mine_zone_relations), ARRAY[1, 2]::bigint[],
  '… and the zone relations of its own mines only');
SELECT throws_ok($$DELETE FROM mineconsol.mine_zone_relations$$, '42501',
  'permission denied for table mine_zone_relations', 'a clerk cannot edit the zone relations');
SELECT throws_ok($$SELECT mineconsol.rebuild_zone_relations()$$, '42501',
  'permission denied for function rebuild_zone_relations', '… nor rebuild them');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code) VALUES ('elsewhere', '140921')$$, '42501',
  'new row violates row-level security policy for table "mines"', 'an insert into another county is refused');
SELECT lives_ok($$INSERT INTO mineconsol.mines (name, county_code) VALUES ('new one', '140902')$$, 'an insert into the own county works');
SELECT throws_ok($$UPDATE mineconsol.mines SET county_code = '140921' WHERE id = 1$$, '42501',
  'new row violates row-level security policy for table "mines"', 'a mine cannot be moved to another county');
UPDATE mines SET name = 'hijacked' WHERE id = 3;
SELECT throws_ok($$SELECT * FROM mineconsol.stage_events$$, '42501',
  'permission denied for table stage_events', 'a clerk cannot read the audit trail');
SELECT throws_ok($$INSERT INTO mineconsol.stage_events (id, track, row_id, from_stage, to_stage, actor, at, evidence, prev_hash, hash)
  VALUES (1, 'scheme', 1, 'survey', 'drafted', 'me', now(), '{}', '\x00', '\x00')$$, '42501',
  'permission denied for table stage_events', '… nor write to it');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 400 WHERE name = 'merge_distance_m'$$, '42501',
  'permission denied for table parameters', 'a clerk cannot change the plan''s parameters');
SELECT throws_ok($$INSERT INTO mineconsol.role_counties VALUES ('mc_sec_xinfu', '140921')$$, '42501',
  'permission denied for table role_counties', 'a clerk cannot give itself another county');
SELECT is((SELECT (advance('scheme', s.id, 'drafted', '{"date": "2022-09-01", "doc_no": "忻府政〔2022〕1号"}')).actor
             FROM schemes s WHERE county_code = '140902'), 'mc_sec_xinfu',
  'a clerk advances the county''s scheme; the event names the clerk');
SELECT throws_ok(format($$SELECT mineconsol.advance('scheme', %s, 'drafted', '{"date": "2022-09-01", "doc_no": "x"}')$$,
  :dingxiang_scheme), 'P0002', NULL, 'another county''s scheme does not exist for the clerk');
SELECT is(adopt_merge_plan('140902'), 1, 'a clerk adopts the county''s merge plan');
RESET ROLE;
SELECT is((SELECT name FROM mines WHERE id = 3), 'd1', 'the clerk''s update of another county''s mine changed nothing');

-- ---------------------------------------------------------------- a reporting tool
SET LOCAL ROLE mc_sec_bi;
SELECT is((SELECT array_agg(county_code ORDER BY county_code) FROM v_county_progress), ARRAY['140902'],
  'a reader sees its county''s progress only');
SELECT throws_ok($$UPDATE mineconsol.mines SET name = 'x' WHERE id = 1$$, '42501',
  'permission denied for table mines', 'a reader cannot write');
SELECT throws_ok($$SELECT mineconsol.refresh_results()$$, '42501', NULL, 'a reader cannot refresh results');
RESET ROLE;

-- ---------------------------------------------------------------- the city and the inspector
SET LOCAL ROLE mc_sec_city;
SELECT is((SELECT count(*)::int FROM mines), 5, 'the city sees every county');
SELECT is((SELECT count(*)::int FROM stage_events), 1, 'the city reads the audit trail');
SELECT lives_ok($$INSERT INTO mineconsol.role_counties VALUES ('mc_sec_dingxiang', '140902')$$, 'the city maps roles to counties');
RESET ROLE;
SET LOCAL ROLE mc_sec_dingxiang;
SELECT is((SELECT count(*)::int FROM mines), 5, 'a clerk mapped to two counties sees both');
RESET ROLE;
SET LOCAL ROLE mc_sec_inspector;
SELECT is((SELECT count(*)::int FROM mines), 5, 'the inspector sees every county');
SELECT is((SELECT actor FROM stage_events ORDER BY id LIMIT 1), 'mc_sec_xinfu', 'the inspector reads the audit trail');
SELECT is((SELECT ok FROM verify_audit()), true, '… and verifies it');
SELECT throws_ok($$UPDATE mineconsol.mines SET name = 'x' WHERE id = 1$$, '42501',
  'permission denied for table mines', 'the inspector cannot write');
RESET ROLE;

-- ---------------------------------------------------------------- search_path attacks
-- A database where anyone may create in public (PostgreSQL < 15 default):
-- a low-privilege role plants a function and an operator that would
-- record who runs them.
CREATE TABLE public.mc_sec_trap (who text);
GRANT INSERT ON public.mc_sec_trap TO PUBLIC;
GRANT CREATE ON SCHEMA public TO mc_sec_xinfu;
SET LOCAL ROLE mc_sec_xinfu;
CREATE FUNCTION public.mc_sec_spy(text, text) RETURNS boolean LANGUAGE sql
  AS $$ INSERT INTO public.mc_sec_trap VALUES (current_user) RETURNING true $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.mc_sec_spy);
CREATE FUNCTION public.my_counties() RETURNS text[] LANGUAGE sql AS $$ SELECT ARRAY['140921'] $$;
CREATE FUNCTION public.param(text) RETURNS numeric LANGUAGE sql AS $$ SELECT 1::numeric $$;
RESET ROLE;
SET LOCAL search_path = public, mineconsol;
SET LOCAL ROLE mc_sec_city;
SELECT is((SELECT count(*)::int FROM mineconsol.dispositions), 5, 'the city''s views run with shadowing objects in public');
SELECT is(mineconsol.param('merge_distance_m'), 500::numeric, 'param() is not the planted one');
SELECT throws_ok($$SELECT mineconsol.refresh_results()$$, '55000', 'schema "public" is writable by role "mc_sec_xinfu"',
  'refresh_results() refuses to compute as the owner while a county role may create in public');
SELECT lives_ok($$SELECT mineconsol.advance('scheme', (SELECT id FROM mineconsol.schemes WHERE county_code = '140921'), 'drafted',
  '{"date": "2022-09-02", "doc_no": "定政〔2022〕1号"}')$$, 'the stage trigger runs');
RESET ROLE;
SET LOCAL ROLE mc_sec_xinfu;
SELECT is((SELECT array_agg(id ORDER BY id) FROM mineconsol.mines WHERE id < 5), ARRAY[1, 2]::bigint[],
  'a planted my_counties() does not widen the clerk''s counties');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.mc_sec_trap), 0, 'the planted operator never ran');
SELECT is((SELECT ok FROM verify_audit()), true, 'the audit trail verifies');

SELECT * FROM finish();
ROLLBACK;
