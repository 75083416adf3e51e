-- uscc: unified social credit codes, GB 32100-2015 (src/uscc.c,
-- docs/formats.md, "Unified social credit codes").

-- Availability: 0.1.0
CREATE TYPE uscc;

-- Availability: 0.1.0
CREATE FUNCTION uscc_in(cstring) RETURNS uscc
  AS 'MODULE_PATHNAME', 'mc_uscc_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_in(cstring) IS
  'text input of uscc: trims surrounding ASCII white space, raises 22P02 with a detail for an invalid code (and a hint naming the right check character)';

-- Availability: 0.1.0
CREATE FUNCTION uscc_out(uscc) RETURNS cstring
  AS 'MODULE_PATHNAME', 'mc_uscc_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_out(uscc) IS
  'text output of uscc: the 18 characters';

-- Availability: 0.1.0
CREATE FUNCTION uscc_recv(internal) RETURNS uscc
  AS 'MODULE_PATHNAME', 'mc_uscc_recv'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_recv(internal) IS
  'binary input of uscc: the code as text, validated like text input';

-- Availability: 0.1.0
CREATE FUNCTION uscc_send(uscc) RETURNS bytea
  AS 'MODULE_PATHNAME', 'mc_uscc_send'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_send(uscc) IS
  'binary output of uscc: the code as text';

-- Stored as its 18 characters (see src/uscc.c).
-- Availability: 0.1.0
CREATE TYPE uscc (
  INPUT = uscc_in,
  OUTPUT = uscc_out,
  RECEIVE = uscc_recv,
  SEND = uscc_send,
  INTERNALLENGTH = 18,
  ALIGNMENT = char,
  STORAGE = plain
);
COMMENT ON TYPE uscc IS
  'unified social credit code (GB 32100-2015): 18 characters of 0-9 and A-Y without I, O, S, V, Z, with the check character verified';

-- Comparison: the text of the code in byte order.

-- Availability: 0.1.0
CREATE FUNCTION uscc_eq(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_eq'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_eq(uscc, uscc) IS 'implementation of = for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_ne(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_ne'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_ne(uscc, uscc) IS 'implementation of <> for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_lt(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_lt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_lt(uscc, uscc) IS 'implementation of < for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_le(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_le'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_le(uscc, uscc) IS 'implementation of <= for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_gt(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_gt'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_gt(uscc, uscc) IS 'implementation of > for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_ge(uscc, uscc) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_uscc_ge'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_ge(uscc, uscc) IS 'implementation of >= for uscc';

-- Availability: 0.1.0
CREATE FUNCTION uscc_cmp(uscc, uscc) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_uscc_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_cmp(uscc, uscc) IS
  'btree support: -1, 0 or 1 as the first unified social credit code sorts before, with or after the second';

-- Availability: 0.1.0
CREATE FUNCTION uscc_hash(uscc) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_uscc_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_hash(uscc) IS 'hash support: 32-bit hash of a unified social credit code';

-- Availability: 0.1.0
CREATE FUNCTION uscc_hash_extended(uscc, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'mc_uscc_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION uscc_hash_extended(uscc, bigint) IS
  'hash support: 64-bit seeded hash of a unified social credit code (hash partitioning)';

-- Availability: 0.1.0
CREATE OPERATOR = (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_eq,
  COMMUTATOR = =, NEGATOR = <>,
  RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
COMMENT ON OPERATOR = (uscc, uscc) IS 'equal';

-- Availability: 0.1.0
CREATE OPERATOR <> (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ne,
  COMMUTATOR = <>, NEGATOR = =,
  RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR <> (uscc, uscc) IS 'not equal';

-- Availability: 0.1.0
CREATE OPERATOR < (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_lt,
  COMMUTATOR = >, NEGATOR = >=,
  RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR < (uscc, uscc) IS 'sorts before (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR <= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_le,
  COMMUTATOR = >=, NEGATOR = >,
  RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR <= (uscc, uscc) IS 'sorts before or equal (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR > (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_gt,
  COMMUTATOR = <, NEGATOR = <=,
  RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR > (uscc, uscc) IS 'sorts after (text order of the code)';

-- Availability: 0.1.0
CREATE OPERATOR >= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ge,
  COMMUTATOR = <=, NEGATOR = <,
  RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR >= (uscc, uscc) IS 'sorts after or equal (text order of the code)';

-- btequalimage: equal values are bytewise equal, so btree deduplication is safe.
-- Availability: 0.1.0
CREATE OPERATOR CLASS uscc_ops
  DEFAULT FOR TYPE uscc USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 uscc_cmp(uscc, uscc),
    FUNCTION 4 (uscc) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS uscc_ops USING btree IS
  'default btree operator class for uscc (text order of the code)';
COMMENT ON OPERATOR FAMILY uscc_ops USING btree IS
  'btree operators for uscc';

-- Availability: 0.1.0
CREATE OPERATOR CLASS uscc_ops
  DEFAULT FOR TYPE uscc USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 uscc_hash(uscc),
    FUNCTION 2 uscc_hash_extended(uscc, bigint);
COMMENT ON OPERATOR CLASS uscc_ops USING hash IS
  'default hash operator class for uscc';
COMMENT ON OPERATOR FAMILY uscc_ops USING hash IS
  'hash operators for uscc';

-- Casts through text input and output: text and varchar values can be
-- assigned to uscc columns (and are validated); uscc values can be
-- assigned to text and varchar columns.
-- Availability: 0.1.0
CREATE CAST (text AS uscc) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS uscc) IS 'parse a unified social credit code; invalid text raises 22P02 (see try_uscc)';
-- Availability: 0.1.0
CREATE CAST (uscc AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (uscc AS text) IS 'the unified social credit code';
-- Availability: 0.1.0
CREATE CAST (varchar AS uscc) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (varchar AS uscc) IS 'parse a unified social credit code; invalid text raises 22P02 (see try_uscc)';
-- Availability: 0.1.0
CREATE CAST (uscc AS varchar) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (uscc AS varchar) IS 'the unified social credit code';

-- Availability: 0.1.0
CREATE FUNCTION try_uscc(text) RETURNS uscc
  AS 'MODULE_PATHNAME', 'mc_try_uscc'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION try_uscc(text) IS
  'the unified social credit code in the text, or NULL if it is not a valid one (for loading dirty registers and listing the rejects)';

-- Availability: 0.1.0
CREATE FUNCTION uscc_region(uscc) RETURNS text
  AS 'MODULE_PATHNAME', 'mc_uscc_region'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_region(uscc) IS
  'GB/T 2260 code of the registering authority: positions 3-8';
