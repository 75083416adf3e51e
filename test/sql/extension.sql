\i test/setup.psql
BEGIN;
SELECT plan(4);

SELECT has_extension('mineconsol', 'mineconsol is installed');
SELECT has_extension('postgis', 'postgis came with CASCADE');
SELECT is(
  (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'mineconsol'),
  'mineconsol', 'installed in the fixed schema mineconsol');
SELECT is(
  (SELECT extrelocatable FROM pg_extension WHERE extname = 'mineconsol'),
  false, 'not relocatable');

SELECT * FROM finish();
ROLLBACK;
