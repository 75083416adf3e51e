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

-- (The I/O functions above are alike to 01_license_no.sql's in shape only:
-- each type's own names and texts; their C is one macro, typeinput.h.)
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

-- @template sql/templates/byte_ordered_type.sql TYPE=uscc NOUN="unified social credit code" SHORT=code TEXT="the unified social credit code"

-- Availability: 0.1.0
CREATE FUNCTION uscc_region(uscc) RETURNS text
  AS 'MODULE_PATHNAME', 'mc_uscc_region'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_region(uscc) IS
  'GB/T 2260 code of the registering authority: positions 3-8';
