\i test/setup.psql
BEGIN;
SELECT plan(7);

SELECT has_extension('mineconsol', 'mineconsol is installed');
SELECT has_extension('postgis', 'postgis came with CASCADE');
SELECT is(
  (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'mineconsol'),
  'mineconsol', 'installed in the fixed schema mineconsol');
SELECT is(
  (SELECT extrelocatable FROM pg_extension WHERE extname = 'mineconsol'),
  false, 'not relocatable');

SELECT is(
  (SELECT count(*)::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'mineconsol'::regnamespace AND c.relkind IN ('r', 'v')
       AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL),
  0, 'every column of every table and view has a comment');
SELECT is(
  (SELECT count(*)::int FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
     WHERE c.relnamespace = 'mineconsol'::regnamespace AND obj_description(p.oid, 'pg_policy') IS NULL),
  0, 'every row-level security policy has a comment');
SELECT is(
  (SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE c.relnamespace = 'mineconsol'::regnamespace AND NOT t.tgisinternal
       AND obj_description(t.oid, 'pg_trigger') IS NULL),
  0, 'every trigger has a comment');

SELECT * FROM finish();
ROLLBACK;
