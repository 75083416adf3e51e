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

-- @template sql/templates/byte_ordered_type.sql TYPE=license_no NOUN="licence number" SHORT=number TEXT="the canonical licence number"

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
