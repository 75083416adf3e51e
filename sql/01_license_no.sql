-- license_no: mining and exploration licence numbers (src/license_no.c,
-- docs/formats.md, "Licence numbers").

-- Availability: 0.1.0
CREATE TYPE license_no;

-- Availability: 0.1.0
CREATE FUNCTION license_no_in(cstring) RETURNS license_no
  AS 'MODULE_PATHNAME', 'mc_license_no_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_in(cstring) IS
  'text input of license_no: trims surrounding ASCII white space, raises 22P02 with a detail for an invalid number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_out(license_no) RETURNS cstring
  AS 'MODULE_PATHNAME', 'mc_license_no_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_out(license_no) IS
  'text output of license_no: the canonical number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_recv(internal) RETURNS license_no
  AS 'MODULE_PATHNAME', 'mc_license_no_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_recv(internal) IS
  'binary input of license_no: the number as text, validated like text input';

-- Availability: 0.1.0
CREATE FUNCTION license_no_send(license_no) RETURNS bytea
  AS 'MODULE_PATHNAME', 'mc_license_no_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_no_send(license_no) IS
  'binary output of license_no: the canonical number as text';

-- Stored as 23 bytes: the canonical text, zero-padded for the 18-character
-- legacy form (see src/license_no.c).
-- Availability: 0.1.0
CREATE TYPE license_no (
  INPUT = license_no_in,
  OUTPUT = license_no_out,
  RECEIVE = license_no_recv,
  SEND = license_no_send,
  INTERNALLENGTH = 23,
  ALIGNMENT = char,
  STORAGE = plain
);
COMMENT ON TYPE license_no IS
  'mining or exploration licence number: C + 22 digits (mining), T + 22 digits (exploration) or T + 17 digits (legacy exploration), with the month of issue checked';

-- Comparison: the canonical text in byte order.

-- Availability: 0.1.0
CREATE FUNCTION license_no_eq(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_eq(license_no, license_no) IS 'implementation of = for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_ne(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_ne(license_no, license_no) IS 'implementation of <> for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_lt(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_lt(license_no, license_no) IS 'implementation of < for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_le(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_le(license_no, license_no) IS 'implementation of <= for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_gt(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_gt(license_no, license_no) IS 'implementation of > for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_ge(license_no, license_no) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_license_no_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_ge(license_no, license_no) IS 'implementation of >= for license_no';

-- Availability: 0.1.0
CREATE FUNCTION license_no_cmp(license_no, license_no) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_license_no_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_cmp(license_no, license_no) IS
  'btree support: -1, 0 or 1 as the first licence number sorts before, with or after the second';

-- Availability: 0.1.0
CREATE FUNCTION license_no_hash(license_no) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_license_no_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_hash(license_no) IS 'hash support: 32-bit hash of a licence number';

-- Availability: 0.1.0
CREATE FUNCTION license_no_hash_extended(license_no, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'mc_license_no_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION license_no_hash_extended(license_no, bigint) IS
  'hash support: 64-bit seeded hash of a licence number (hash partitioning)';

-- Availability: 0.1.0
CREATE OPERATOR = (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR = (license_no, license_no) IS 'equal';

-- Availability: 0.1.0
CREATE OPERATOR <> (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR <> (license_no, license_no) IS 'not equal';

-- Availability: 0.1.0
CREATE OPERATOR < (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR < (license_no, license_no) IS 'sorts before (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR <= (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <= (license_no, license_no) IS 'sorts before or equal (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR > (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR > (license_no, license_no) IS 'sorts after (text order of the number)';

-- Availability: 0.1.0
CREATE OPERATOR >= (
  LEFTARG = license_no, RIGHTARG = license_no, FUNCTION = license_no_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >= (license_no, license_no) IS 'sorts after or equal (text order of the number)';

-- btequalimage: equal values are bytewise equal, so btree deduplication is safe.
-- Availability: 0.1.0
CREATE OPERATOR CLASS license_no_ops
  DEFAULT FOR TYPE license_no USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 license_no_cmp(license_no, license_no),
    FUNCTION 4 (license_no) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS license_no_ops USING btree IS
  'default btree operator class for license_no (text order of the number)';
COMMENT ON OPERATOR FAMILY license_no_ops USING btree IS
  'btree operators for license_no';

-- Availability: 0.1.0
CREATE OPERATOR CLASS license_no_ops
  DEFAULT FOR TYPE license_no USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 license_no_hash(license_no),
    FUNCTION 2 license_no_hash_extended(license_no, bigint);
COMMENT ON OPERATOR CLASS license_no_ops USING hash IS
  'default hash operator class for license_no';
COMMENT ON OPERATOR FAMILY license_no_ops USING hash IS
  'hash operators for license_no';

-- Casts through text input and output: text and varchar values can be
-- assigned to license_no columns (and are validated); license_no values can
-- be assigned to text and varchar columns.
-- Availability: 0.1.0
CREATE CAST (text AS license_no) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS license_no) IS 'parse a licence number; invalid text raises 22P02 (see try_license_no)';
-- Availability: 0.1.0
CREATE CAST (license_no AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (license_no AS text) IS 'the canonical licence number';
-- Availability: 0.1.0
CREATE CAST (varchar AS license_no) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (varchar AS license_no) IS 'parse a licence number; invalid text raises 22P02 (see try_license_no)';
-- Availability: 0.1.0
CREATE CAST (license_no AS varchar) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (license_no AS varchar) IS 'the canonical licence number';

-- Availability: 0.1.0
CREATE FUNCTION try_license_no(text) RETURNS license_no
  AS 'MODULE_PATHNAME', 'mc_try_license_no'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION try_license_no(text) IS
  'the licence number in the text, or NULL if it is not a valid one (for loading dirty registers and listing the rejects)';

-- Availability: 0.1.0
CREATE FUNCTION license_authority(license_no) RETURNS text
  AS 'MODULE_PATHNAME', 'mc_license_authority'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_authority(license_no) IS
  'issuing authority: the 6-digit GB/T 2260 code at positions 2-7, or for a legacy T number the 2-digit code at positions 2-3 (01 = ministry)';

-- Availability: 0.1.0
CREATE FUNCTION license_issued(license_no) RETURNS date
  AS 'MODULE_PATHNAME', 'mc_license_issued'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_issued(license_no) IS
  'first day of the month of issue encoded in the number (positions 8-13, legacy T: 5-10)';

-- Availability: 0.1.0
CREATE FUNCTION license_kind(license_no) RETURNS text
  AS 'MODULE_PATHNAME', 'mc_license_kind'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION license_kind(license_no) IS
  '''mining'' for a C number, ''exploration'' for a T number';
