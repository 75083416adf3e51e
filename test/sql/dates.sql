-- One date parser (src/util.c, mc_parse_iso_date()): the setting
-- mineconsol.as_of takes exactly an ISO date YYYY-MM-DD, as a step's
-- evidence date does (test/sql/stage.sql), whatever DateStyle says.
\i test/setup.psql
BEGIN;
SELECT plan(14);

SELECT lives_ok($$SET LOCAL mineconsol.as_of = '2023-06-30'$$, 'an ISO date is accepted');
SELECT is(as_of(), '2023-06-30'::date, 'as_of() gives it');
SELECT lives_ok($$SET LOCAL mineconsol.as_of = '2024-02-29'$$, 'a leap day is accepted');
SELECT is(as_of(), '2024-02-29'::date, '… and read as that day');
SELECT lives_ok($$SET LOCAL mineconsol.as_of = ''$$, 'empty means today');
SELECT is(as_of(), CURRENT_DATE, '… and as_of() is today');

SELECT throws_ok($$SET LOCAL mineconsol.as_of = '2023/06/30'$$, '22023',
  'invalid value for mineconsol.as_of: "2023/06/30"', 'slashes are refused (date_in would take them)');
SELECT throws_ok($$SET LOCAL mineconsol.as_of = 'June 30, 2023'$$, '22023', NULL, 'a date in words is refused');
SELECT throws_ok($$SET LOCAL mineconsol.as_of = '2023-6-30'$$, '22023', NULL, 'a month without its leading zero is refused');
SELECT throws_ok($$SET LOCAL mineconsol.as_of = '2023-02-29'$$, '22023', NULL, 'a day that does not exist is refused');
SELECT throws_ok($$SET LOCAL mineconsol.as_of = ' 2023-06-30'$$, '22023', NULL, 'surrounding blanks are refused');
SELECT throws_ok($$SET LOCAL mineconsol.as_of = 'today'$$, '22023', NULL, '''today'' is not a day');

SET LOCAL DateStyle = 'SQL, DMY';
SELECT throws_ok($$SET LOCAL mineconsol.as_of = '30/06/2023'$$, '22023', NULL,
  'with DateStyle DMY a day-first date is still refused');
SELECT lives_ok($$SET LOCAL mineconsol.as_of = '2023-06-30'$$, '… and the ISO date still accepted');

SELECT * FROM finish();
ROLLBACK;
