\i test/setup.psql
BEGIN;
SELECT plan(20);

-- import_mines run by the city on a register a county clerk prepared must
-- not run anything the clerk owns with the city's rights: types, casts,
-- domains, views, defaults, triggers, policies.  Every planted function
-- records who ran it in mc_is_trap and, run by a superuser, makes the clerk
-- one.
CREATE ROLE mc_is_clerk IN ROLE mineconsol_editor;
CREATE ROLE mc_is_city IN ROLE mineconsol_admin;
INSERT INTO role_counties VALUES ('mc_is_clerk', '140902');
CREATE SCHEMA mc_is_staging AUTHORIZATION mc_is_clerk;
GRANT USAGE ON SCHEMA mc_is_staging TO PUBLIC;
CREATE TABLE public.mc_is_trap (who text, what text);
GRANT INSERT ON public.mc_is_trap TO PUBLIC;

SET LOCAL ROLE mc_is_clerk;
CREATE FUNCTION mc_is_staging.evil(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO public.mc_is_trap VALUES (current_user, what);
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		ALTER ROLE mc_is_clerk SUPERUSER;
	END IF;
	RETURN true;
END $$;
-- A composite with an implicit cast to text.
CREATE TYPE mc_is_staging.comp AS (a text);
CREATE FUNCTION mc_is_staging.comp_text(mc_is_staging.comp) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN mc_is_staging.evil('cast') THEN ($1).a END $$;
CREATE CAST (mc_is_staging.comp AS text) WITH FUNCTION mc_is_staging.comp_text(mc_is_staging.comp) AS IMPLICIT;
-- A domain over text whose CHECK calls the clerk's function.
CREATE DOMAIN mc_is_staging.dtext AS text CHECK (mc_is_staging.evil('domain'));
-- An enum with a cast of its own.
CREATE TYPE mc_is_staging.county AS ENUM ('140902');
CREATE FUNCTION mc_is_staging.county_text(mc_is_staging.county) RETURNS text LANGUAGE sql
  AS $$ SELECT CASE WHEN mc_is_staging.evil('enum cast') THEN $1::name::text END $$;
CREATE CAST (mc_is_staging.county AS text) WITH FUNCTION mc_is_staging.county_text(mc_is_staging.county) AS IMPLICIT;

CREATE TABLE mc_is_staging.register (license_no text, name text, county_code text, holder mc_is_staging.comp);
INSERT INTO mc_is_staging.register VALUES ('C1409022019087110148901', '毒矿', '140902', ROW('某公司'));
-- A plain register of text columns, but with a default, a trigger and a policy of the clerk's.
CREATE TABLE mc_is_staging.plain (license_no text, name text, county_code text,
                                  note text DEFAULT CASE WHEN mc_is_staging.evil('default') THEN 'x' END);
INSERT INTO mc_is_staging.plain VALUES ('C1409022019087110148902', '清白矿', '140902', 'ok');
CREATE FUNCTION mc_is_staging.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM mc_is_staging.evil('trigger'); RETURN NULL; END $$;
CREATE TRIGGER t AFTER INSERT OR UPDATE OR DELETE ON mc_is_staging.plain FOR EACH STATEMENT EXECUTE FUNCTION mc_is_staging.trg();
ALTER TABLE mc_is_staging.plain ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON mc_is_staging.plain USING (mc_is_staging.evil('policy'));
-- A view that calls the clerk's function.
CREATE VIEW mc_is_staging.v AS
  SELECT 'C1409022019087110148903'::text AS license_no, '视图矿'::text AS name, '140902'::text AS county_code, 1 AS row_no
   WHERE mc_is_staging.evil('view');
GRANT SELECT ON ALL TABLES IN SCHEMA mc_is_staging TO PUBLIC;
RESET ROLE;
DELETE FROM public.mc_is_trap;	-- the clerk's own inserts above ran its trigger

-- ---------------------------------------------------------------- the city imports the clerk's tables
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.register')$$, '42501', NULL,
  'a superuser''s import of a clerk''s register with a composite and an implicit cast is refused');
SET LOCAL ROLE mc_is_city;
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.register')$$, '42501',
  'staging table mc_is_staging.register belongs to role mc_is_clerk, not to mc_is_city', '… and so is the city role''s');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.plain')$$, '42501',
  'staging table mc_is_staging.plain belongs to role mc_is_clerk, not to mc_is_city',
  'a clerk''s register with text columns but a default, a trigger and a policy of its own is refused');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.v')$$, '42809',
  'staging relation mc_is_staging.v is not a table', 'a view is refused');
RESET ROLE;
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.plain')$$, '42501', NULL, '… also for a superuser');

-- The city copies the clerk's rows into a table of its own: the clerk's types come along.
CREATE TEMP TABLE city_copy AS SELECT * FROM mc_is_staging.register;
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('city_copy')$$, '42804',
  'staging column "holder" has type mc_is_staging.comp, which import_mines does not read',
  'a table of the importer''s own with a column of the clerk''s composite type is refused');
CREATE TEMP TABLE city_domain (license_no text, name text, county_code mc_is_staging.dtext);
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('city_domain')$$, '42804',
  'staging column "county_code" has type mc_is_staging.dtext, which import_mines does not read',
  '… and one with the clerk''s domain');
CREATE TEMP TABLE city_enum (license_no text, name text, county_code mc_is_staging.county);
INSERT INTO city_enum VALUES ('C1409022019087110148904', '枚举矿', '140902');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('city_enum')$$, '42804',
  'staging column "county_code" has type mc_is_staging.county, which import_mines does not read',
  '… and one with the clerk''s enum and its cast');
CREATE TABLE public.mc_is_parted (license_no text, name text, county_code text) PARTITION BY LIST (county_code);
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('public.mc_is_parted')$$, '42809',
  'staging relation mc_is_parted is not a table', 'a partitioned table is refused (its partitions could be anyone''s)');
-- A table of the city's own whose default calls the clerk's function: SELECT never evaluates it.
CREATE TEMP TABLE city_default (license_no text, name text, county_code text,
                                note text DEFAULT CASE WHEN mc_is_staging.evil('city default') THEN 'x' END);
INSERT INTO city_default VALUES ('C1409022019087110148905', '城市矿', '140902', 'from the city');
SELECT results_eq($$SELECT ok FROM mineconsol.import_mines('city_default')$$, $$VALUES (true)$$,
  'the importer''s own table of text columns imports');
SELECT is((SELECT count(*)::int FROM public.mc_is_trap), 0, 'none of the clerk''s code ran with the importer''s rights');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'mc_is_clerk'), false, 'the clerk is not superuser');
SELECT is((SELECT count(*)::int FROM mines WHERE license_no IN ('C1409022019087110148901', 'C1409022019087110148902',
                                                                'C1409022019087110148903', 'C1409022019087110148904')), 0,
  'nothing of the refused registers landed');

-- ---------------------------------------------------------------- a county imports its own register
SET LOCAL ROLE mc_is_clerk;
CREATE TABLE mc_is_staging.own (row_no int, license_no text, name text, county_code text, reserves_t numeric,
                                valid_to date, eco_ok boolean, geom geometry);
INSERT INTO mc_is_staging.own VALUES
  (1, 'C1409022019087110148906', '自家矿', '140902', 120000, '2029-12-31', false,
   ST_Multi(ST_MakeEnvelope(610000, 4360000, 610200, 4360200, 4547))),
  (2, 'C1409022019087110148907', '邻县矿', '140921', NULL, NULL, NULL, NULL);
SELECT results_eq($$SELECT row_no, ok FROM mineconsol.import_mines('mc_is_staging.own') ORDER BY row_no$$,
  $$VALUES (1::bigint, true), (2::bigint, false)$$,
  'a clerk imports its own register (a row of another county is refused as before)');
SELECT is((SELECT row(reserves_t, valid_to = '2029-12-31', eco_ok, ST_Area(geom))::text FROM mineconsol.mines WHERE license_no = 'C1409022019087110148906'),
  '(120000,t,f,40000)', '… with every value as typed: numeric, date, boolean, geometry');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('mc_is_staging.register')$$, '42804',
  'staging column "holder" has type mc_is_staging.comp, which import_mines does not read',
  'a column of a type import_mines does not trust is refused for its owner too');
CREATE TEMP TABLE own_tmp (license_no text, name text, county_code text);
INSERT INTO own_tmp VALUES ('C1409022019087110148908', '临时表矿', '140902');
SELECT results_eq($$SELECT ok FROM mineconsol.import_mines('own_tmp')$$, $$VALUES (true)$$,
  'a clerk imports a temporary table of its own');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.mc_is_trap), 0, 'reading its own tables ran none of the clerk''s functions either');

SELECT ok((SELECT proconfig[1] LIKE 'search_path=pg_catalog, mineconsol, %, pg_temp' FROM pg_proc
            WHERE oid = 'mineconsol.import_mines(regclass)'::regprocedure), 'import_mines pins its search_path, pg_temp last');
SELECT is((SELECT prosecdef FROM pg_proc WHERE oid = 'mineconsol.import_mines(regclass)'::regprocedure), false,
  'import_mines runs with the importer''s rights');

SELECT * FROM finish();
ROLLBACK;
