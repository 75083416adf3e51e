\i test/setup.psql
BEGIN;
SELECT plan(48);

-- An attacker's review of the whole extension, as each of the four roles:
-- the representative attacks, each run as the real role and each followed,
-- at the end, by a check as the owner that nothing moved.  The findings the
-- review fixed are here too: a writable schema on the search path of the
-- functions that run as their owner.

-- changed_rows(), sqlstate_of(), …
\i test/lib/helpers.sql
GRANT EXECUTE ON FUNCTION pg_temp.changed_rows(text), pg_temp.sqlstate_of(text), pg_temp.error_fields(text) TO PUBLIC;

CREATE ROLE mc_ar_xinfu LOGIN IN ROLE mineconsol_editor;
CREATE ROLE mc_ar_ding IN ROLE mineconsol_editor;
CREATE ROLE mc_ar_reader IN ROLE mineconsol_reader;
CREATE ROLE mc_ar_insp IN ROLE mineconsol_inspector;
CREATE ROLE mc_ar_city IN ROLE mineconsol_admin;
INSERT INTO role_counties VALUES ('mc_ar_xinfu', '140902'), ('mc_ar_ding', '140921'), ('mc_ar_reader', '140902');
CREATE SCHEMA mc_ar_staging AUTHORIZATION mc_ar_xinfu;

CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000 + x, 4250000 + y, 500200 + x, 4250200 + y, 4547)) $$;
INSERT INTO mines (id, license_no, name, county_code, ore_body, reserves_t, valid_from, valid_to, geom) VALUES
  (9201, 'C1409022019087110149001', 'xinfu-1', '140902', 'A', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0, 0)),
  (9202, NULL, 'xinfu-2', '140902', 'A', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(250, 0)),
  (9203, 'C1409212019087110149003', 'dingxiang-1', '140921', 'B', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0, 5000));
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset
INSERT INTO schemes (county_code) VALUES ('140902'), ('140921');
SELECT id AS ding_scheme FROM schemes WHERE county_code = '140921' \gset
INSERT INTO zones (kind, name, geom) VALUES
  ('nature_reserve', '自然保护区', ST_Multi(ST_MakeEnvelope(500000, 4255000, 500100, 4255100, 4547)));

-- A fingerprint of everything the attacks aim at.
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(row(m.*)::text, ',' ORDER BY id) FROM mineconsol.mines m),
    (SELECT string_agg(row(z.*)::text, ',' ORDER BY id) FROM mineconsol.zones z),
    (SELECT string_agg(row(s.*)::text, ',' ORDER BY id) FROM mineconsol.schemes s),
    (SELECT string_agg(row(r.*)::text, ',' ORDER BY mine_id, zone_id) FROM mineconsol.mine_zone_relations r),
    (SELECT string_agg(row(r.*)::text, ',' ORDER BY role_name, county_code) FROM mineconsol.role_counties r),
    (SELECT string_agg(row(p.*)::text, ',' ORDER BY name) FROM mineconsol.parameters p),
    (SELECT count(*) FROM mineconsol.stage_events),
    (SELECT string_agg(rolname || rolsuper::text, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'mc_ar_%')))
$$;
SELECT pg_temp.state() AS before \gset

-- ------------------------------------------ a writable schema on the owner's search path
-- The zone-relation triggers, rebuild_zone_relations() and the results'
-- refresh run as the owner with pg_catalog, mineconsol and PostGIS's schema
-- on their path.  An operator that matches better than pg_catalog's (here
-- text[] || text, which pg_catalog has only for any array) would run as the
-- owner from PostGIS's schema.  They refuse to run while a county role may
-- create there, and while one owns a function or operator there.
GRANT CREATE ON SCHEMA public TO mc_ar_xinfu;
SET LOCAL ROLE mc_ar_xinfu;
CREATE FUNCTION public.mc_ar_probe(text[], text) RETURNS text[] LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		RAISE EXCEPTION 'the probe ran as %', current_user USING ERRCODE = 'XX999';
	END IF;
	RETURN array_append($1, $2);
END $$;
CREATE OPERATOR public.|| (leftarg = text[], rightarg = text, function = public.mc_ar_probe);
SELECT throws_ok($$UPDATE mineconsol.mines SET geom = ST_Translate(geom, 1, 0) WHERE id = 9201$$,
  '55000', 'schema "public" is writable by role "mc_ar_xinfu"',
  'a clerk who may create in PostGIS''s schema: the zone-relation trigger refuses to run as the owner');
RESET ROLE;
SET LOCAL ROLE mc_ar_city;
SELECT throws_ok($$SELECT mineconsol.rebuild_zone_relations()$$,
  '55000', 'schema "public" is writable by role "mc_ar_xinfu"',
  '… and so does rebuild_zone_relations() for the city');
RESET ROLE;
SET LOCAL ROLE mc_ar_xinfu;
SELECT throws_ok($$SELECT * FROM mineconsol.refresh_results(false)$$,
  '55000', 'schema "public" is writable by role "mc_ar_xinfu"',
  '… and so does the refresh of stored results, which runs as the owner');
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM mc_ar_xinfu;
SET LOCAL ROLE mc_ar_xinfu;
SELECT throws_ok($$UPDATE mineconsol.mines SET geom = ST_Translate(geom, 1, 0) WHERE id = 9201$$,
  '55000', 'function public.mc_ar_probe(text[],text) in schema "public" belongs to role "mc_ar_xinfu", which is not a superuser',
  'the privilege revoked, the function and operator it left behind still stop the trigger');
RESET ROLE;
-- A schema's owner may create there too: the city's DBA that owns the
-- database owns public (from PostgreSQL 15, through pg_database_owner).
SELECT nspowner::regrole AS public_owner FROM pg_namespace WHERE nspname = 'public' \gset
ALTER SCHEMA public OWNER TO mc_ar_city;
SET LOCAL ROLE mc_ar_city;
SELECT throws_ok($$SELECT mineconsol.rebuild_zone_relations()$$,
  '55000', 'schema "public" is writable by role "mc_ar_city", which owns it',
  'the city owning PostGIS''s schema: refused too (it is not a superuser)');
RESET ROLE;
ALTER SCHEMA public OWNER TO :"public_owner";
DROP OPERATOR public.|| (text[], text);
DROP FUNCTION public.mc_ar_probe(text[], text);
SET LOCAL ROLE mc_ar_xinfu;
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET geom = ST_Translate(geom, 1, 0) WHERE id = 9201$$), 1::bigint,
  'both gone, the clerk edits its mine again');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET geom = ST_Translate(geom, -1, 0) WHERE id = 9201$$), 1::bigint,
  '… and moves it back');
RESET ROLE;
SELECT ok(NOT has_function_privilege('mineconsol_editor', 'mineconsol.owner_search_path_check()', 'EXECUTE'),
  'the check itself is not executable by county staff');

-- ------------------------------------------ the extension's trigger functions on a table of one's own
-- Every trigger function of the extension, attached by a clerk to a temp
-- table whose columns it chose: CREATE TRIGGER needs EXECUTE, which no role has.
SET LOCAL ROLE mc_ar_xinfu;
CREATE TEMP TABLE mc_ar_t (id bigint, county_code text, stage text, stage_evidence jsonb,
	last_event_id bigint, last_event_hash bytea, geom geometry, name text, kind text);
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(format(
		'CREATE TRIGGER t AFTER INSERT ON pg_temp.mc_ar_t FOR EACH STATEMENT EXECUTE FUNCTION %s()',
		p.oid::regproc))
	  FROM pg_proc p
	 WHERE p.pronamespace = 'mineconsol'::regnamespace AND p.prorettype = 'trigger'::regtype),
  ARRAY['42501'], 'no trigger function of the extension can be attached to a clerk''s own table');

-- A clerk's own trigger on its own table reads the extension's tables as
-- the clerk: its county only.
CREATE TEMP TABLE mc_ar_seen (n bigint);
CREATE FUNCTION pg_temp.mc_ar_peek() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.mc_ar_seen SELECT count(*) FROM mineconsol.mines;
	RETURN NULL;
END $$;
CREATE TRIGGER peek AFTER INSERT ON pg_temp.mc_ar_t FOR EACH ROW EXECUTE FUNCTION pg_temp.mc_ar_peek();
INSERT INTO pg_temp.mc_ar_t (id) VALUES (1);
SELECT is((SELECT n FROM pg_temp.mc_ar_seen), 2::bigint, 'a clerk''s own trigger sees only its county''s mines');

-- ------------------------------------------ shadowing through the search path
-- Functions and operators of the clerk's own schema, first on the path
-- (before pg_catalog), and tables in pg_temp: the policies, views and
-- functions of the extension were bound when they were created.
CREATE FUNCTION mc_ar_staging.my_counties() RETURNS text[] LANGUAGE sql AS $$ SELECT ARRAY['140902', '140921'] $$;
CREATE FUNCTION mc_ar_staging.sees_all_counties() RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE FUNCTION mc_ar_staging.county_in(text, boolean, text[]) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE OPERATOR mc_ar_staging.= (leftarg = text, rightarg = text, function = pg_catalog.textne);
CREATE TEMP TABLE mines (id bigint, county_code text);
INSERT INTO pg_temp.mines VALUES (9203, '140902');
-- (pgTAP's own queries would meet the clerk's = too: the results are taken
-- under the clerk's path and checked under the usual one.)
SET LOCAL search_path = mc_ar_staging, pg_temp, mineconsol, pg_catalog, public;
SELECT (SELECT array_agg(id ORDER BY id) FROM mineconsol.mines) AS shadow_mines,
       (SELECT array_agg(id ORDER BY id) FROM mineconsol.dispositions) AS shadow_dispositions,
       pg_temp.sqlstate_of(format($$SELECT mineconsol.advance('scheme', %s, 'drafted', '{"date": "2022-08-20", "doc_no": "x"}')$$,
                                  :ding_scheme)) AS shadow_advance,
       (SELECT mines FROM mineconsol.refresh_results()) AS shadow_refresh \gset
SET LOCAL search_path = mineconsol, public;
SELECT is(:'shadow_mines'::text, '{9201,9202}',
  'a schema of the clerk''s own first on the path: row-level security still shows its county only');
SELECT is(:'shadow_dispositions'::text, '{9201,9202}', '… and so do the views');
SELECT is(:'shadow_advance'::text, 'P0002',
  'advance() on the other county''s scheme, with a pg_temp.mines that claims it: no such scheme for the clerk');
SELECT is(:'shadow_refresh'::text, '2', 'refresh_results() with the shadows in place stores its own two mines');
DROP TABLE pg_temp.mines;

-- ------------------------------------------ leaky functions in a view's qual
-- A function of the clerk's that records every row it is shown, in the
-- WHERE of a query on a security_invoker view and of a view of its own:
-- row-level security filters before any function that is not leakproof.
CREATE TEMP TABLE mc_ar_leak (county_code text, id bigint);
CREATE FUNCTION pg_temp.mc_ar_leaky(c text, i bigint) RETURNS boolean LANGUAGE plpgsql COST 0.0001 AS $$
BEGIN
	INSERT INTO pg_temp.mc_ar_leak VALUES (c, i);
	RETURN true;
END $$;
SELECT count(*) AS n FROM mineconsol.dispositions WHERE pg_temp.mc_ar_leaky(county_code, id) \gset
SELECT count(*) AS n FROM mineconsol.mine_facts WHERE pg_temp.mc_ar_leaky(county_code, id) \gset
CREATE VIEW mc_ar_staging.my_mines AS SELECT * FROM mineconsol.mines;
SELECT count(*) AS n FROM mc_ar_staging.my_mines WHERE pg_temp.mc_ar_leaky(county_code, id) \gset
SELECT count(*) AS n FROM mineconsol.mine_zone_relations r WHERE pg_temp.mc_ar_leaky('relation', r.mine_id) \gset
SELECT is(ARRAY(SELECT DISTINCT id FROM pg_temp.mc_ar_leak ORDER BY id), ARRAY[9201, 9202]::bigint[],
  'a cheap leaky function in the qual of the views, of a view of the clerk''s and of the relations sees only its county''s rows');

-- ------------------------------------------ writes past the county
SELECT throws_ok($$INSERT INTO mineconsol.mines (id, name, county_code) VALUES (9203, 'x', '140902')
                   ON CONFLICT (id) DO UPDATE SET name = 'hijacked' RETURNING id$$,
  '42501', NULL, 'ON CONFLICT DO UPDATE on the other county''s mine is refused');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET name = 'hijacked' WHERE id = 9203 RETURNING *$$), 0::bigint,
  'UPDATE … RETURNING of the other county''s mine returns and changes nothing');
SELECT throws_ok($$TRUNCATE mineconsol.mines$$, '42501', NULL, 'TRUNCATE of mines is refused');
SELECT throws_ok($$DELETE FROM mineconsol.mine_zone_relations$$, '42501', NULL,
  'the zone relations cannot be deleted');
SELECT throws_ok($$INSERT INTO mineconsol.disposition_results (mine_id, county_code, in_scope, mineral_group, disposition, rules, reasons, as_of)
                   VALUES (9203, '140902', true, 'x', 'retain', '{}', '{}', '2024-01-01')$$,
  '42501', NULL, 'a verdict cannot be planted in the stored results');

-- ------------------------------------------ locks on shared objects
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(q) FROM unnest(ARRAY[
    'LOCK mineconsol.zones', 'LOCK mineconsol.parameters',
    'LOCK mineconsol.role_counties', 'LOCK mineconsol.stage_events', 'LOCK mineconsol.mine_zone_relations',
    'LOCK mineconsol.zone_relation_locks', 'LOCK mineconsol.disposition_results',
    'LOCK mineconsol.counties IN SHARE MODE',
    'SELECT FROM mineconsol.parameters FOR UPDATE', 'SELECT FROM mineconsol.role_counties FOR SHARE',
    'SELECT FROM mineconsol.counties FOR KEY SHARE', 'SELECT FROM mineconsol.stage_transitions FOR UPDATE',
    'SELECT FROM mineconsol.milestones FOR UPDATE', 'SELECT FROM mineconsol.zones FOR UPDATE',
    'SELECT FROM mineconsol.results_as_of FOR UPDATE',
    'SELECT mineconsol.zone_relation_lock(ARRAY[''*''], true)']) q),
  ARRAY['42501'], 'a clerk can lock no shared table, no configuration row, no zone and no zone-relation scope');

-- ------------------------------------------ the functions that run as their owner, called directly
SELECT is((SELECT row(mines, clusters)::text FROM mineconsol.refresh_requested_results()), '(0,0)',
  'refresh_requested_results() called directly, with nothing flagged, stores nothing');
SELECT throws_ok($$SELECT mineconsol.rebuild_zone_relations()$$, '42501', NULL,
  'rebuild_zone_relations() is the city''s');
SELECT throws_ok($$SELECT mineconsol.audit_digest()$$, '42501', NULL, 'a clerk takes no digest of the audit trail');
SELECT throws_ok($$INSERT INTO mineconsol.stage_events (track, row_id, from_stage, to_stage, actor)
                   VALUES ('scheme', 1, 'survey', 'drafted', 'forged')$$, '42501', NULL,
  'a clerk writes no event');
SELECT throws_ok($$UPDATE mineconsol.schemes SET last_event_hash = '\x00' WHERE county_code = '140902'$$,
  '428C9', NULL, 'nor a head of its own scheme''s chain');
RESET ROLE;

-- ------------------------------------------ a prepared statement across SET ROLE
SET LOCAL ROLE mc_ar_city;
PREPARE mc_ar_count AS SELECT count(*) FROM mineconsol.mines;
RESET ROLE;
SET LOCAL ROLE mc_ar_xinfu;
CREATE TEMP TABLE mc_ar_n AS EXECUTE mc_ar_count;
SELECT is((SELECT count FROM mc_ar_n), 2::bigint,
  'a statement the city prepared counts, executed as the clerk, the clerk''s mines only');
RESET ROLE;
DEALLOCATE mc_ar_count;

-- ------------------------------------------ the reader
SET LOCAL ROLE mc_ar_reader;
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(q) FROM unnest(ARRAY[
    'UPDATE mineconsol.mines SET name = name', 'LOCK mineconsol.mines IN ACCESS EXCLUSIVE MODE',
    'SELECT FROM mineconsol.mines FOR UPDATE', 'SELECT mineconsol.refresh_results()',
    'SELECT mineconsol.refresh_requested_results()',
    $$SELECT mineconsol.advance('scheme', 1, 'drafted', '{}')$$,
    $$SELECT mineconsol.revert_stage('scheme', 1, 'survey', 'x')$$,
    'SELECT mineconsol.verify_audit()', 'SELECT FROM mineconsol.stage_events',
    $$UPDATE mineconsol.result_refreshes SET requested = true$$]) q),
  ARRAY['42501'], 'a reader writes, locks, refreshes, records and audits nothing');
SELECT is((SELECT array_agg(id ORDER BY id) FROM mineconsol.mines), ARRAY[9201, 9202]::bigint[],
  'a reader reads its county');
SELECT is((SELECT count(*) FROM mineconsol.role_counties), 1::bigint,
  'a reader reads only its own mapping');
RESET ROLE;

-- ------------------------------------------ the inspector
SET LOCAL ROLE mc_ar_insp;
SELECT is((SELECT count(*) FROM mineconsol.mines), 3::bigint, 'the inspector reads every county');
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(q) FROM unnest(ARRAY[
    'UPDATE mineconsol.mines SET name = name', 'LOCK mineconsol.stage_events',
    'SELECT FROM mineconsol.stage_events FOR UPDATE', 'SELECT mineconsol.refresh_results()',
    $$SELECT mineconsol.advance('scheme', 1, 'drafted', '{}')$$,
    'DELETE FROM mineconsol.stage_events', $$UPDATE mineconsol.stage_events SET actor = 'x'$$,
    'SELECT mineconsol.rebuild_zone_relations()']) q),
  ARRAY['42501'], 'the inspector writes, locks, refreshes and records nothing, and cannot touch the trail');
SELECT ok((SELECT ok FROM mineconsol.verify_audit()), 'the inspector verifies the trail');
RESET ROLE;

-- ------------------------------------------ the city (mineconsol_admin, not a superuser)
SET LOCAL ROLE mc_ar_city;
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_ar_xinfu')$$, '42501', NULL,
  'the city without CREATEROLE changes no role''s settings');
SELECT throws_ok($$UPDATE mineconsol.stage_events SET actor = 'someone else'$$, '42501', NULL,
  'the city cannot edit an event');
SELECT throws_ok($$DELETE FROM mineconsol.stage_events$$, '42501', NULL, '… nor delete one');
SELECT throws_ok($$ALTER TABLE mineconsol.stage_events DISABLE TRIGGER USER$$, '42501', NULL,
  '… nor switch the trail''s triggers off');
SELECT throws_ok($$CREATE FUNCTION mineconsol.mc_ar_f() RETURNS int LANGUAGE sql AS 'SELECT 1'$$, '42501', NULL,
  'the city cannot create objects in the extension''s schema');
SELECT throws_ok($$SELECT mineconsol.owner_search_path_check()$$, '42501', NULL,
  '… nor call the owner''s internal check');
SELECT throws_ok($$LOCK mineconsol.zone_relation_locks$$, '42501', NULL,
  '… nor lock the zone-relation scopes directly');
RESET ROLE;

-- ------------------------------------------ crafted input through the write paths
SET LOCAL ROLE mc_ar_xinfu;
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(format(
		$$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('crafted', '140902', %L)$$, g))
	  FROM unnest(ARRAY[
		'SRID=4547;MULTIPOLYGON EMPTY',
		'SRID=4547;MULTIPOLYGON(((500000 4250000,500100 NaN,500100 4250100,500000 4250000)))',
		'SRID=4547;MULTIPOLYGON(((-1e308 -1e308,1e308 -1e308,1e308 1e308,-1e308 -1e308)))',
		'SRID=4547;MULTIPOLYGON(((500000 4250000,500100 4250000,500000 4250100,500100 4250100,500000 4250000)))',
		'MULTIPOLYGON(((500000 4250000,500100 4250000,500100 4250100,500000 4250000)))']) g),
  ARRAY['22023'], 'EMPTY, NaN, ±1e308, self-intersecting and SRID-less mining areas are refused with 22023');
SELECT is(ARRAY(SELECT DISTINCT pg_temp.sqlstate_of(format(
		$$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('crafted', '140902', %L::geometry)$$, g))
	  FROM unnest(ARRAY[
		'SRID=4547;GEOMETRYCOLLECTION(POLYGON((500000 4250000,500100 4250000,500100 4250100,500000 4250000)))',
		'SRID=4547;CURVEPOLYGON(CIRCULARSTRING(500000 4250000,500100 4250100,500000 4250000))',
		'SRID=4547;MULTIPOLYGON Z(((500000 4250000 1,500100 4250000 1,500100 4250100 1,500000 4250000 1)))',
		'SRID=4547;TIN(((0 0 0,0 1 0,1 1 0,0 0 0)))']) g),
  ARRAY['22023'], 'collections, curves, Z and TINs do not fit the column (22023)');
SELECT is((SELECT count(*) FROM mineconsol.dispositions), 2::bigint,
  'the county''s live verdicts still compute');
RESET ROLE;

-- ------------------------------------------ refreshing follows writing, not reading
-- A reader group of Dingxiang granted to Xinfu's clerk lets it read
-- Dingxiang, never refresh or hold up Dingxiang's stored results.
SAVEPOINT refresh_by_reading;
CREATE ROLE mc_rv_ding_readers IN ROLE mineconsol_reader;
INSERT INTO role_counties VALUES ('mc_rv_ding_readers', '140921');
GRANT mc_rv_ding_readers TO mc_ar_xinfu;
SET LOCAL ROLE mc_ar_xinfu;
SELECT is(mineconsol.my_counties() @> ARRAY['140921'], true, 'the clerk reads Dingxiang through the reader group');
SELECT is((SELECT mines FROM mineconsol.refresh_results(false)), 2::bigint,
  'its refresh recomputes only the county it writes (2 mines), not the one it reads');
SELECT is((SELECT count(*) FROM mineconsol.result_refreshes WHERE county_code = '140921' AND refreshed_at IS NOT NULL),
  0::bigint, 'Dingxiang was not refreshed by it');
SELECT throws_ok($$INSERT INTO mineconsol.result_refreshes (county_code, requested) VALUES ('140921', true)$$,
  '42501', 'new row violates row-level security policy for table "result_refreshes"',
  'nor can it flag Dingxiang''s refresh (and so hold its row lock)');
RESET ROLE;
ROLLBACK TO SAVEPOINT refresh_by_reading;

SELECT is(pg_temp.state(), :'before', 'nothing any attack aimed at has changed');

SELECT * FROM finish();
ROLLBACK;
