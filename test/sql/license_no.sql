\i test/setup.psql
BEGIN;
SELECT plan(218);

-- err_detail(), err_hint(), plan_of(), scratch(), byte_ordered_type_checks(),
-- byte_order_checks(), text_cast_checks(), text_cast_refusals(),
-- invalid_input_checks(), binary_copy_checks(), recv_refusal_checks(),
-- join_checks()
\i test/lib/helpers.sql

-- ---------------------------------------------------------------------------
-- The type and its catalog entries
SELECT * FROM pg_temp.byte_ordered_type_checks('license_no', 23);

-- ---------------------------------------------------------------------------
-- Valid numbers: round trip, fields, try_license_no
CREATE TEMP TABLE good (n int, input text, canonical text, authority text,
                        issued date, kind text, what text);
INSERT INTO good VALUES
  (1, 'C1505002009067120023852', 'C1505002009067120023852', '150500', '2009-06-01', 'mining', 'docs/formats.md mining number 1'),
  (2, 'C1506002010117230079084', 'C1506002010117230079084', '150600', '2010-11-01', 'mining', 'docs/formats.md mining number 2'),
  (3, 'C6400002019087110148436', 'C6400002019087110148436', '640000', '2019-08-01', 'mining', 'docs/formats.md mining number 3 (province)'),
  (4, 'T44120090302026433', 'T44120090302026433', '44', '2009-03-01', 'exploration', 'docs/formats.md legacy exploration number'),
  (5, 'T1409002021057000000001', 'T1409002021057000000001', '140900', '2021-05-01', 'exploration', 'new exploration number'),
  (6, 'C1409001950017000000001', 'C1409001950017000000001', '140900', '1950-01-01', 'mining', 'earliest year and month'),
  (7, 'C1409022100127000000001', 'C1409022100127000000001', '140902', '2100-12-01', 'mining', 'latest year and month'),
  (8, 'T01520201204123456', 'T01520201204123456', '01', '2020-12-01', 'exploration', 'legacy: ministry, negotiated, water/gas'),
  (9, E' \t C1505002009067120023852 \n', 'C1505002009067120023852', '150500', '2009-06-01', 'mining', 'surrounding spaces, tab and newline trimmed');

SELECT is(input::license_no::text, canonical, what || ': text round trip') FROM good ORDER BY n;
SELECT is(license_authority(input::license_no), authority, what || ': license_authority') FROM good ORDER BY n;
SELECT is(license_issued(input::license_no), issued, what || ': license_issued') FROM good ORDER BY n;
SELECT is(license_kind(input::license_no), kind, what || ': license_kind') FROM good ORDER BY n;
SELECT is(try_license_no(input)::text, canonical, what || ': try_license_no') FROM good ORDER BY n;

SELECT * FROM pg_temp.text_cast_checks('license_no', 'C1505002009067120023852', 'T44120090302026433');

-- ---------------------------------------------------------------------------
-- Invalid numbers: SQLSTATE, message, detail, hint, try_license_no
CREATE TEMP TABLE bad (n int, input text, what text, detail text, hint text);
INSERT INTO bad VALUES
  (1, '', 'empty',
   'The value is empty or only white space; expected "C" followed by 22 digits, or "T" followed by 22 or 17 digits.', NULL),
  (2, E' \t\n ', 'only white space',
   'The value is empty or only white space; expected "C" followed by 22 digits, or "T" followed by 22 or 17 digits.', NULL),
  (3, '1505002009067120023852', '22 digits without C (typo in a published register)',
   'A licence number starts with "C" (mining) or "T" (exploration), not "1".',
   'A value of 22 digits is probably a mining licence number that lost its leading "C".'),
  (4, '44120090302026433', '17 digits without T',
   'A licence number starts with "C" (mining) or "T" (exploration), not "4".',
   'A value of 17 digits is probably a legacy exploration licence number that lost its leading "T".'),
  (5, 'c1505002009067120023852', 'lower-case c is not upper-cased',
   'A licence number starts with "C" (mining) or "T" (exploration), not "c".',
   'Lower-case letters are not converted; write the prefix as an upper-case "C" or "T".'),
  (6, 't44120090302026433', 'lower-case t is not upper-cased',
   'A licence number starts with "C" (mining) or "T" (exploration), not "t".',
   'Lower-case letters are not converted; write the prefix as an upper-case "C" or "T".'),
  (7, 'Ｃ1505002009067120023852', 'full-width C is not converted',
   'A licence number starts with "C" (mining) or "T" (exploration), not "Ｃ".', NULL),
  (8, 'X1505002009067120023852', 'unknown prefix letter',
   'A licence number starts with "C" (mining) or "T" (exploration), not "X".', NULL),
  (9, E'\u3000C1505002009067120023852', 'ideographic space is not trimmed',
   E'A licence number starts with "C" (mining) or "T" (exploration), not "\u3000".', NULL),
  (10, 'C150500 2009067120023852', 'inner space is not removed',
   'Only digits may follow the prefix letter, but position 8 is " ".', NULL),
  (11, 'C15050020090６7120023852', 'full-width digit',
   'Only digits may follow the prefix letter, but position 13 is "６".', NULL),
  (12, 'C1505002009067120023852X', 'letter after the digits',
   'Only digits may follow the prefix letter, but position 24 is "X".', NULL),
  (13, 'C150500200906712002385', 'mining number one digit short',
   'A mining licence number has 23 characters ("C" and 22 digits), but this one has 22.', NULL),
  (14, 'C15050020090671200238521', 'mining number one digit long',
   'A mining licence number has 23 characters ("C" and 22 digits), but this one has 24.', NULL),
  (15, 'C', 'prefix only',
   'A mining licence number has 23 characters ("C" and 22 digits), but this one has 1.', NULL),
  (16, 'T150500200906712002385', 'exploration number of 22 characters',
   'An exploration licence number has 23 characters ("T" and 22 digits) or, in the legacy form, 18 ("T" and 17 digits), but this one has 22.', NULL),
  (17, 'C1505001949067120023852', 'year before 1950',
   'Positions 8-11 hold the year of issue, which must be between 1950 and 2100, but they are "1949".', NULL),
  (18, 'C1505002101067120023852', 'year after 2100',
   'Positions 8-11 hold the year of issue, which must be between 1950 and 2100, but they are "2101".', NULL),
  (19, 'C1505002009137120023852', 'month 13',
   'Positions 12-13 hold the month of issue, which must be 01 to 12, but they are "13".', NULL),
  (20, 'C1505002009007120023852', 'month 00',
   'Positions 12-13 hold the month of issue, which must be 01 to 12, but they are "00".', NULL),
  (21, 'T1409002021137000000001', 'new exploration number, month 13',
   'Positions 12-13 hold the month of issue, which must be 01 to 12, but they are "13".', NULL),
  (22, 'T44020090302026433', 'legacy: transfer method 0',
   'Position 4 of a legacy exploration licence number holds the transfer method, which must be 1 to 5 (application, tender, auction, listing, negotiated), but it is "0".', NULL),
  (23, 'T44620090302026433', 'legacy: transfer method 6',
   'Position 4 of a legacy exploration licence number holds the transfer method, which must be 1 to 5 (application, tender, auction, listing, negotiated), but it is "6".', NULL),
  (24, 'T44119490302026433', 'legacy: year before 1950',
   'Positions 5-8 hold the year of issue, which must be between 1950 and 2100, but they are "1949".', NULL),
  (25, 'T44120091302026433', 'legacy: month 13',
   'Positions 9-10 hold the month of issue, which must be 01 to 12, but they are "13".', NULL),
  (26, 'T44120090300026433', 'legacy: mineral class 00',
   'Positions 11-12 of a legacy exploration licence number hold the mineral class, which must be 01 to 04 (energy, metal, non-metal, water or gas), but they are "00".', NULL),
  (27, 'T44120090305026433', 'legacy: mineral class 05',
   'Positions 11-12 of a legacy exploration licence number hold the mineral class, which must be 01 to 04 (energy, metal, non-metal, water or gas), but they are "05".', NULL);

SELECT * FROM pg_temp.invalid_input_checks('license_no');

SELECT * FROM pg_temp.text_cast_refusals('license_no', 'C150500200906712002385', '1505002009067120023852');

-- Loading a dirty register: good rows kept, bad rows listed, nothing aborts.
SELECT results_eq(
  $$SELECT r.raw FROM (VALUES (1, 'C1505002009067120023852'), (2, '1505002009067120023852'),
                               (3, ' T44120090302026433 '), (4, 'C1505002009137120023852')) r(n, raw)
     WHERE try_license_no(r.raw) IS NULL ORDER BY r.n$$,
  ARRAY['1505002009067120023852', 'C1505002009137120023852'],
  'try_license_no lists the rejects of a register');

-- ---------------------------------------------------------------------------
-- NULL
SELECT is(NULL::text::license_no, NULL, 'NULL text casts to NULL');
SELECT is(try_license_no(NULL), NULL, 'try_license_no(NULL) is NULL');
SELECT is(license_authority(NULL), NULL, 'license_authority(NULL) is NULL');
SELECT is(license_issued(NULL), NULL, 'license_issued(NULL) is NULL');
SELECT is(license_kind(NULL), NULL, 'license_kind(NULL) is NULL');
SELECT is(NULL::license_no = 'C1505002009067120023852', NULL, 'comparison with NULL is NULL');

-- ---------------------------------------------------------------------------
-- Comparison: text order of the canonical number (byte order)
CREATE TEMP TABLE samples (v license_no);
INSERT INTO samples SELECT canonical::license_no FROM good;
INSERT INTO samples VALUES ('T44120020101012345'), ('T4412002010101234567890'), ('C1505002009067120023853');

SELECT ok('C1505002009067120023852'::license_no = ' C1505002009067120023852 ', '= ignores the trimmed white space');
SELECT ok('C1505002009067120023852'::license_no <> 'C1505002009067120023853', '<> on different numbers');
SELECT ok('C1505002009067120023852'::license_no < 'C1505002009067120023853', '< on the last digit');
SELECT ok('C1505002009067120023852'::license_no <= 'C1505002009067120023852', '<= on equal numbers');
SELECT ok('T44120090302026433'::license_no > 'C6400002019087110148436', '> : T numbers sort after C numbers');
SELECT ok('C1506002010117230079084'::license_no >= 'C1505002009067120023852', '>=');
SELECT ok('T44120020101012345'::license_no < 'T4412002010101234567890',
          'a legacy number sorts before a 23-character number it is a prefix of');
SELECT ok(NOT ('C1505002009067120023852'::license_no < 'C1505002009067120023852'), '< is strict');
SELECT * FROM pg_temp.byte_order_checks('license_no');
SELECT is((SELECT count(DISTINCT v) FROM samples), 11::bigint, 'DISTINCT (sort or hash) sees the duplicate');

-- ---------------------------------------------------------------------------
-- Hashing
SELECT is(license_no_hash('C1505002009067120023852'), license_no_hash(' C1505002009067120023852'),
          'equal numbers hash alike');
SELECT isnt(license_no_hash('C1505002009067120023852'), license_no_hash('C1505002009067120023853'),
            'different numbers hash differently');
SELECT is(license_no_hash_extended(v, 0) & 4294967295, license_no_hash(v)::bigint & 4294967295,
          'extended hash with seed 0 agrees with the 32-bit hash: ' || v)
  FROM (VALUES ('C1505002009067120023852'::license_no), ('T44120090302026433')) s(v);
SELECT isnt(license_no_hash_extended('C1505002009067120023852', 1),
            license_no_hash_extended('C1505002009067120023852', 0), 'the seed changes the extended hash');
CREATE TEMP TABLE parted (v license_no) PARTITION BY HASH (v);
CREATE TEMP TABLE parted_0 PARTITION OF parted FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TEMP TABLE parted_1 PARTITION OF parted FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO parted SELECT v FROM samples;
SELECT is((SELECT count(*) FROM parted WHERE v = 'T44120090302026433'), 1::bigint,
          'hash partitioning by license_no finds the row');

-- ---------------------------------------------------------------------------
-- Indexes and joins
CREATE TEMP TABLE lic AS
  SELECT ('C140900' || (1950 + i % 150) || lpad((1 + i % 12)::text, 2, '0')
          || lpad(i::text, 10, '0'))::license_no AS v
    FROM generate_series(1, 2000) i;
CREATE INDEX lic_btree ON lic (v);
ANALYZE lic;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT matches(pg_temp.plan_of($$SELECT * FROM lic WHERE v = 'C1409001957080000000007'$$),
               'Index (Only )?Scan using lic_btree', 'btree index used for =');
SELECT matches(pg_temp.plan_of($$SELECT * FROM lic WHERE v BETWEEN 'C1409002000010000000001' AND 'C1409002001010000000001'$$),
               'Index (Only )?Scan using lic_btree', 'btree index used for a range');
SELECT is((SELECT array_agg(v::text ORDER BY v) FROM lic
             WHERE v BETWEEN 'C1409002000010000000001' AND 'C1409002001010000000001'),
          (SELECT array_agg(v::text ORDER BY v::text COLLATE "C") FROM lic
             WHERE v::text COLLATE "C" BETWEEN 'C1409002000010000000001' AND 'C1409002001010000000001'),
          'range scan through the index returns the rows text comparison returns, in the same order');
SELECT is((SELECT count(*) FROM lic WHERE v BETWEEN 'C1409002000010000000001' AND 'C1409002001010000000001'),
          14::bigint, 'the range holds the 14 numbers issued in 2000');
SELECT is((SELECT v::text FROM lic WHERE v = 'C1409001957080000000007'), 'C1409001957080000000007',
          'btree lookup finds the row');
SELECT lives_ok('CREATE UNIQUE INDEX lic_unique ON lic (v)', 'unique index on license_no');
SELECT throws_ok($$INSERT INTO lic VALUES (' C1409001957080000000007')$$, '23505', NULL,
                 'the unique index refuses the same number with white space around it');
DROP INDEX lic_btree;
DROP INDEX lic_unique;
CREATE INDEX lic_hash ON lic USING hash (v);
SELECT matches(pg_temp.plan_of($$SELECT * FROM lic WHERE v = 'C1409001957080000000007'$$),
               'Index Scan using lic_hash', 'hash index used for =');
SELECT is((SELECT count(*) FROM lic WHERE v = 'C1409001957080000000007'), 1::bigint, 'hash index lookup finds the row');
SELECT * FROM pg_temp.join_checks('SELECT * FROM lic a JOIN lic b USING (v)', 2000);

-- ---------------------------------------------------------------------------
-- Binary send / receive
SELECT is(license_no_send('C1505002009067120023852'), convert_to('C1505002009067120023852', 'UTF8'),
          'send: the canonical text, 23 bytes');
SELECT is(license_no_send(' T44120090302026433 '), convert_to('T44120090302026433', 'UTF8'),
          'send: a legacy number is 18 bytes, no padding');
-- Round trip through binary COPY: send, then recv.
SELECT * FROM pg_temp.binary_copy_checks('license_no', 'license_no.bin');
-- recv gets arbitrary bytes: a text column's binary form is its bytes.
CREATE TEMP TABLE wire_text (v text);
INSERT INTO wire_text VALUES (' T44120090302026433 ');
SELECT lives_ok(format('COPY wire_text TO %L (FORMAT binary)', pg_temp.scratch('license_no.bin')), 'binary COPY of text out');
TRUNCATE wire_back;
SELECT lives_ok(format('COPY wire_back FROM %L (FORMAT binary)', pg_temp.scratch('license_no.bin')),
                'recv trims like input');
SELECT is((SELECT v::text FROM wire_back), 'T44120090302026433', 'recv gives the canonical number');
-- A number that input refuses (month 13, bad row 19).
SELECT * FROM pg_temp.recv_refusal_checks('license_no', 'license_no.bin', 'C1505002009137120023852');
-- A zero byte on the wire (a bytea's binary form is its bytes).
CREATE TEMP TABLE wire_bytes (v bytea);
INSERT INTO wire_bytes VALUES (convert_to('T44120090302026433', 'UTF8') || '\x0031323334'::bytea);
SELECT lives_ok(format('COPY wire_bytes TO %L (FORMAT binary)', pg_temp.scratch('license_no.bin')), 'binary COPY of bytes out');
SELECT throws_ok(format('COPY wire_back FROM %L (FORMAT binary)', pg_temp.scratch('license_no.bin')),
                 '22021', NULL, 'recv refuses a zero byte after a valid number');
-- Leave an empty file behind.
TRUNCATE wire_bytes;
SELECT lives_ok(format('COPY wire_bytes TO %L', pg_temp.scratch('license_no.bin')), 'scratch file emptied');

SELECT * FROM finish();
ROLLBACK;
