\i test/setup.psql
BEGIN;
SELECT plan(143);

-- err_detail(), err_hint(), plan_of(), scratch(), byte_ordered_type_checks(),
-- byte_order_checks(), text_cast_checks(), text_cast_refusals(),
-- invalid_input_checks(), binary_copy_checks(), recv_refusal_checks(),
-- join_checks()
\i test/lib/helpers.sql
-- GB 32100-2015 check character, written independently of the C code.
CREATE FUNCTION pg_temp.check_char(first17 text) RETURNS text LANGUAGE sql AS $$
  SELECT substr(a, (31 - sum((strpos(a, substr(first17, i, 1)) - 1)
                             * (power(3::numeric, i - 1)::bigint % 31)) % 31)::int % 31 + 1, 1)
    FROM generate_series(1, 17) i, (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY'::text) s(a)
   GROUP BY a
$$;

-- ---------------------------------------------------------------------------
-- The type and its catalog entries
SELECT * FROM pg_temp.byte_ordered_type_checks('uscc', 18);

-- ---------------------------------------------------------------------------
-- Valid codes: real ones (docs/formats.md, "Unified social credit codes"), round trip, region, try_uscc
CREATE TEMP TABLE good (n int, input text, canonical text, region text, what text);
INSERT INTO good VALUES
  (1, '91350200776049653A', '91350200776049653A', '350200', 'real code, check character A'),
  (2, '91440101MA5CJQ4N59', '91440101MA5CJQ4N59', '440101', 'real code with letters in the organisation code'),
  (3, '913502000728319549', '913502000728319549', '350200', 'real code, check character 9'),
  (4, '9135021359498494XQ', '9135021359498494XQ', '350213', 'real code, check character Q'),
  (5, E' \t91350200776049653A\n', '91350200776049653A', '350200', 'surrounding spaces, tab and newline trimmed');

SELECT is(input::uscc::text, canonical, what || ': text round trip') FROM good ORDER BY n;
SELECT is(uscc_region(input::uscc), region, what || ': uscc_region') FROM good ORDER BY n;
SELECT is(try_uscc(input)::text, canonical, what || ': try_uscc') FROM good ORDER BY n;
SELECT is(pg_temp.check_char(left(canonical, 17)), right(canonical, 1),
          what || ': the independent check character agrees') FROM good WHERE n <= 4 ORDER BY n;

SELECT * FROM pg_temp.text_cast_checks('uscc', '91350200776049653A', '913502000728319549');

-- ---------------------------------------------------------------------------
-- Invalid codes: SQLSTATE, message, detail, hint, try_uscc
-- (Sections alike to license_no.sql's in shape only: the values and messages
-- differ; what both check the same way is in helpers.sql.)
CREATE TEMP TABLE bad (n int, input text, what text, detail text, hint text);
INSERT INTO bad VALUES
  (1, '', 'empty',
   'The value is empty or only white space; expected 18 characters.', NULL),
  (2, E'  \t', 'only white space',
   'The value is empty or only white space; expected 18 characters.', NULL),
  (3, '9135020077604965', 'too short',
   'A unified social credit code has 18 characters, but this one has 16.', NULL),
  (4, '91350200776049653AA', 'too long',
   'A unified social credit code has 18 characters, but this one has 19.', NULL),
  (5, '91350200776049653a', 'lower-case check character is not upper-cased',
   'Position 18 is the lower-case letter "a"; letters in a unified social credit code are upper-case, and lower case is not converted.', NULL),
  (6, '91440101ma5cjq4n59', 'lower-case letters are not upper-cased',
   'Position 9 is the lower-case letter "m"; letters in a unified social credit code are upper-case, and lower case is not converted.', NULL),
  (7, '9135020077604965O3', 'letter O is never used',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 17 is "O".', NULL),
  (8, 'I1350200776049653A', 'letter I is never used',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 1 is "I".', NULL),
  (9, '9135020077604965SA', 'letter S is never used',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 17 is "S".', NULL),
  (10, '91350200776049653V', 'letter V is never used',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 18 is "V".', NULL),
  (11, '91350200776049653Z', 'letter Z is never used',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 18 is "Z".', NULL),
  (12, '913502007760-9653A', 'punctuation',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 13 is "-".', NULL),
  (13, '9135020077604 9653A', 'inner space is not removed',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 14 is " ".', NULL),
  (14, '91350200776049653Ａ', 'full-width letter',
   'A unified social credit code uses only the digits 0-9 and the letters A-Y without I, O, S, V and Z, but position 18 is "Ａ".', NULL),
  (15, '91A50200776049653A', 'letter in the region code (position 3)',
   'Positions 3-8 hold the GB/T 2260 code of the registering authority and must be digits, but position 3 is "A".', NULL),
  (16, '9135020A776049653A', 'letter in the region code (position 8)',
   'Positions 3-8 hold the GB/T 2260 code of the registering authority and must be digits, but position 8 is "A".', NULL),
  (17, '91350200776049653B', 'wrong check character',
   'The check character "B" at position 18 does not match the first 17 characters.',
   'The check character for "91350200776049653" is "A".'),
  (18, '91440101MA5CJQ4N58', 'wrong check character (digit)',
   'The check character "8" at position 18 does not match the first 17 characters.',
   'The check character for "91440101MA5CJQ4N5" is "9".'),
  (19, '91350200776049635A', 'two digits swapped',
   'The check character "A" at position 18 does not match the first 17 characters.',
   'The check character for "91350200776049635" is "E".');

SELECT * FROM pg_temp.invalid_input_checks('uscc');

-- Every other check character is refused, and the hint always names the right one.
SELECT is(
  (SELECT count(*) FROM good g, regexp_split_to_table('0123456789ABCDEFGHJKLMNPQRTUWXY', '') c
    WHERE g.n <= 4 AND c <> right(g.canonical, 1)
      AND pg_temp.err_hint(format('SELECT %L::uscc', left(g.canonical, 17) || c))
          = format('The check character for "%s" is "%s".', left(g.canonical, 17), right(g.canonical, 1))),
  4 * 30::bigint, 'each of the 30 wrong check characters of each real code is refused with the right hint');

-- Random codes: accepted exactly when the check character is right.
DO $$ BEGIN PERFORM setseed(0.5); END $$;
CREATE TEMP TABLE random_codes AS
  SELECT body || pg_temp.check_char(body) AS code
    FROM (SELECT string_agg(CASE WHEN i BETWEEN 3 AND 8 THEN substr('0123456789', 1 + floor(random() * 10)::int, 1)
                                 ELSE substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + floor(random() * 31)::int, 1) END,
                            '' ORDER BY i) AS body
            FROM generate_series(1, 500) k, generate_series(1, 17) i
           GROUP BY k) s;
SELECT is((SELECT count(*) FROM random_codes WHERE try_uscc(code)::text = code), 500::bigint,
          '500 random codes with the right check character are accepted');
SELECT is((SELECT count(*) FROM random_codes, regexp_split_to_table('0123456789ABCDEFGHJKLMNPQRTUWXY', '') c
            WHERE c <> right(code, 1) AND try_uscc(left(code, 17) || c) IS NOT NULL), 0::bigint,
          'none of their 15000 variants with a wrong check character is accepted');

SELECT * FROM pg_temp.text_cast_refusals('uscc', '91350200776049653B', '91350200776049653B');

-- ---------------------------------------------------------------------------
-- NULL
SELECT is(NULL::text::uscc, NULL, 'NULL text casts to NULL');
SELECT is(try_uscc(NULL), NULL, 'try_uscc(NULL) is NULL');
SELECT is(uscc_region(NULL), NULL, 'uscc_region(NULL) is NULL');
SELECT is(NULL::uscc = '91350200776049653A', NULL, 'comparison with NULL is NULL');

-- ---------------------------------------------------------------------------
-- Comparison: text order of the code (byte order)
CREATE TEMP TABLE samples (v uscc);
INSERT INTO samples SELECT canonical::uscc FROM good WHERE n <= 4;
INSERT INTO samples SELECT code::uscc FROM random_codes LIMIT 40;

-- One example per operator on codes of its own (alike to license_no.sql's in
-- shape only); byte_order_checks() then compares every pair of samples.
SELECT ok('91350200776049653A'::uscc = ' 91350200776049653A ', '= ignores the trimmed white space');
SELECT ok('91350200776049653A'::uscc <> '913502000728319549', '<> on different codes');
SELECT ok('913502000728319549'::uscc < '91350200776049653A', '<');
SELECT ok('91350200776049653A'::uscc <= '91350200776049653A', '<= on equal codes');
SELECT ok('91440101MA5CJQ4N59'::uscc > '9135021359498494XQ', '>');
SELECT ok('9135021359498494XQ'::uscc >= '91350200776049653A', '>=');
SELECT ok(NOT ('91350200776049653A'::uscc < '91350200776049653A'), '< is strict');
SELECT * FROM pg_temp.byte_order_checks('uscc');

-- ---------------------------------------------------------------------------
-- Hashing
SELECT is(uscc_hash('91350200776049653A'), uscc_hash(' 91350200776049653A'), 'equal codes hash alike');
SELECT isnt(uscc_hash('91350200776049653A'), uscc_hash('913502000728319549'), 'different codes hash differently');
SELECT is(uscc_hash_extended('91440101MA5CJQ4N59', 0) & 4294967295,
          uscc_hash('91440101MA5CJQ4N59')::bigint & 4294967295,
          'extended hash with seed 0 agrees with the 32-bit hash');
SELECT isnt(uscc_hash_extended('91350200776049653A', 1), uscc_hash_extended('91350200776049653A', 0),
            'the seed changes the extended hash');

-- ---------------------------------------------------------------------------
-- Indexes and joins: many mines share one holder
CREATE TEMP TABLE holders AS
  SELECT (SELECT v FROM samples ORDER BY v OFFSET i % 40 LIMIT 1) AS v, i AS mine_id
    FROM generate_series(1, 2000) i;
CREATE INDEX holders_btree ON holders (v);
ANALYZE holders;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT matches(pg_temp.plan_of($$SELECT mine_id FROM holders WHERE v = '91350200776049653A'$$),
               'Index (Only )?Scan using holders_btree', 'btree index used for =');
SELECT is((SELECT count(*) FROM holders WHERE v = (SELECT v FROM samples ORDER BY v LIMIT 1)), 50::bigint,
          'btree lookup finds every mine of the holder');
DROP INDEX holders_btree;
CREATE INDEX holders_hash ON holders USING hash (v);
SELECT matches(pg_temp.plan_of($$SELECT mine_id FROM holders WHERE v = '91350200776049653A'$$),
               'Index Scan using holders_hash', 'hash index used for =');
SELECT is((SELECT count(*) FROM holders WHERE v = (SELECT v FROM samples ORDER BY v LIMIT 1)), 50::bigint,
          'hash index lookup finds every mine of the holder');
SELECT * FROM pg_temp.join_checks('SELECT * FROM holders h JOIN samples s USING (v)');

-- ---------------------------------------------------------------------------
-- Binary send / receive
SELECT is(uscc_send('91440101MA5CJQ4N59'), convert_to('91440101MA5CJQ4N59', 'UTF8'),
          'send: the 18 characters as text');
SELECT * FROM pg_temp.binary_copy_checks('uscc', 'uscc.bin');
-- recv gets arbitrary bytes: a code that input refuses (wrong check
-- character, bad row 17).
CREATE TEMP TABLE wire_text (v text);
SELECT * FROM pg_temp.recv_refusal_checks('uscc', 'uscc.bin', '91350200776049653B');
-- Leave an empty file behind.
TRUNCATE wire_text;
SELECT lives_ok(format('COPY wire_text TO %L', pg_temp.scratch('uscc.bin')), 'scratch file emptied');

SELECT * FROM finish();
ROLLBACK;
