\i test/setup.psql
BEGIN;
SELECT plan(12);

-- An attacker's review of mapped_counties(), which my_counties() and
-- my_write_counties() share and every county policy calls as the querying
-- role: a clerk who reads a second county through a reader group tries to
-- make it give more, through its own session's objects, its search path, its
-- roles and its arguments.  Each attack runs as the real role.

-- changed_rows(), sqlstate_of(), …
\i test/lib/helpers.sql
GRANT EXECUTE ON FUNCTION pg_temp.changed_rows(text), pg_temp.sqlstate_of(text), pg_temp.error_fields(text) TO PUBLIC;

CREATE ROLE mc_am_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_am_ding_readers IN ROLE mineconsol_reader;
CREATE ROLE mc_am_bi IN ROLE mineconsol_reader;
GRANT mc_am_ding_readers TO mc_am_xinfu;
INSERT INTO role_counties VALUES ('mc_am_xinfu', '140902'), ('mc_am_ding_readers', '140921'), ('mc_am_bi', '140902');

CREATE FUNCTION pg_temp.sq(y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000, 4250000 + y, 500200, 4250200 + y, 4547)) $$;
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, geom) VALUES
  (9401, 'xinfu-1', '140902', 'A', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0)),
  (9402, 'dingxiang-1', '140921', 'B', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(5000)),
  (9403, 'wutai-1', '140922', 'C', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(9000));
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset

-- ------------------------------------------------------------ the clerk's own session objects
-- Functions, operators and tables named like what mapped_counties() calls
-- and reads, each saying "every county", with pg_temp first on the path.
SET LOCAL ROLE mc_am_xinfu;
CREATE FUNCTION pg_temp.pg_has_role(name, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.pg_has_role(oid, name, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.pg_has_role(oid, oid, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.unnest(name[]) RETURNS SETOF name LANGUAGE sql AS $$ SELECT 'mineconsol_editor'::name $$;
CREATE FUNCTION pg_temp.array_agg(text) RETURNS text[] LANGUAGE sql AS $$ SELECT '{140902,140921,140922}'::text[] $$;
CREATE FUNCTION pg_temp.mapped_counties(VARIADIC name[]) RETURNS text[] LANGUAGE sql AS $$ SELECT '{140902,140921,140922}'::text[] $$;
CREATE FUNCTION pg_temp.my_write_counties() RETURNS text[] LANGUAGE sql AS $$ SELECT '{140902,140921,140922}'::text[] $$;
CREATE FUNCTION pg_temp.county_in(text, boolean, text[]) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE FUNCTION pg_temp.mc_am_yes(name, name) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR pg_temp.= (LEFTARG = name, RIGHTARG = name, FUNCTION = pg_temp.mc_am_yes);
CREATE TEMP TABLE role_counties (role_name name, county_code text);
INSERT INTO pg_temp.role_counties VALUES ('mc_am_xinfu', '140921'), ('mc_am_xinfu', '140922');
CREATE TEMP TABLE pg_roles AS SELECT * FROM pg_catalog.pg_roles;
SET LOCAL search_path = pg_temp, mineconsol, public, pg_catalog;
SELECT is(mineconsol.my_counties(), ARRAY['140902', '140921'],
  'clerk: temp functions, an operator and tables named like mapped_counties()''s, pg_temp first: my_counties() unchanged');
SELECT is(mineconsol.my_write_counties(), ARRAY['140902'], '… my_write_counties() unchanged');
SELECT is((SELECT array_agg(id ORDER BY id) FROM mineconsol.mines), ARRAY[9401, 9402]::bigint[], '… and the same mines read');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET note = 'hijacked' WHERE id IN (9402, 9403)$$), 0::bigint,
  '… and none of the other counties'' written');
SET LOCAL search_path = mineconsol, public;
DROP TABLE pg_temp.role_counties, pg_temp.pg_roles;
DROP OPERATOR pg_temp.= (name, name);
DROP FUNCTION pg_temp.pg_has_role(name, oid, text), pg_temp.pg_has_role(oid, name, text), pg_temp.pg_has_role(oid, oid, text),
  pg_temp.unnest(name[]), pg_temp.array_agg(text), pg_temp.mapped_counties(name[]), pg_temp.my_write_counties(),
  pg_temp.county_in(text, boolean, text[]), pg_temp.mc_am_yes(name, name);

-- ------------------------------------------------------------ its roles
SELECT is(ARRAY[pg_temp.sqlstate_of('GRANT mc_am_xinfu TO mc_am_bi'),
                pg_temp.sqlstate_of('GRANT mc_am_ding_readers TO mc_am_bi'),
                pg_temp.sqlstate_of('GRANT mineconsol_editor TO mc_am_bi'),
                pg_temp.sqlstate_of('CREATE ROLE mineconsol_editors')],
  ARRAY['42501', '42501', '42501', '42501'],
  'clerk: cannot grant itself, a group it holds or mineconsol_editor to another role, nor create a role');
SET LOCAL ROLE mc_am_ding_readers;
SELECT is(ARRAY[array_to_string(my_counties(), ','), array_to_string(my_write_counties(), ',')], ARRAY['140921', ''],
  'clerk as its reader group (SET ROLE): that county to read, none to write');
SELECT is(pg_temp.sqlstate_of($$UPDATE mineconsol.mines SET note = 'x' WHERE id = 9402$$), '42501', '… and no write privilege');
SET LOCAL ROLE mc_am_xinfu;

-- ------------------------------------------------------------ its arguments
SELECT ok(mapped_counties(VARIADIC '{{mineconsol_editor,mineconsol_reader},{mineconsol_admin,mineconsol_inspector}}'::name[])
          = ARRAY['140902', '140921']
          AND mapped_counties(VARIADIC '[7:7]={mineconsol_editor}'::name[]) = ARRAY['140902']
          AND mapped_counties(NULL, 'mineconsol_editor') = ARRAY['140902']
          AND mapped_counties(VARIADIC '{}'::name[]) = '{}',
  'clerk: a 2-D array, odd bounds, NULL elements, no element: only its own mappings');
SELECT is(pg_temp.sqlstate_of($$SELECT mineconsol.mapped_counties('MINECONSOL_EDITOR')$$), '42704',
  '… a name that is no role (case counts) is refused');
SELECT is(pg_temp.sqlstate_of($$SELECT mineconsol.mapped_counties(VARIADIC array_fill('pg_monitor'::name, ARRAY[20000000]))$$), '54000',
  '… an array over the size limit is refused');
RESET ROLE;
GRANT EXECUTE ON FUNCTION pg_temp.cancellation(text, interval) TO PUBLIC;
SET LOCAL ROLE mc_am_xinfu;
SET LOCAL statement_timeout = '100ms';
SELECT pg_temp.cancellation($$SELECT mineconsol.mapped_counties(VARIADIC array_fill('pg_monitor'::name, ARRAY[1000000]))$$,
  '2 seconds') AS cancelled \gset
SET LOCAL statement_timeout = 0;
RESET ROLE;
SELECT is(:'cancelled'::text, 'cancelled promptly',
  'clerk: a million group roles are cancelled by statement_timeout (100ms)');

SELECT is((SELECT array_agg(id ORDER BY id) FROM mines WHERE note IS NOT NULL), NULL, 'as the owner: no mine was written');

SELECT * FROM finish();
ROLLBACK;
