-- One comparison function of a byte-ordered type, for
-- sql/templates/byte_ordered_type.sql (once per operator).  TYPE: the type;
-- FN: the function's suffix and C name's (eq, ne, lt, le, gt, ge); OP: the
-- operator it implements.  Ends in a blank line, so uses can stand in a block.

-- Availability: 0.1.0
CREATE FUNCTION @TYPE@_@FN@(@TYPE@, @TYPE@) RETURNS boolean
  AS 'MODULE_PATHNAME', 'mc_@TYPE@_@FN@'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @TYPE@_@FN@(@TYPE@, @TYPE@) IS 'implementation of @OP@ for @TYPE@';

