-- The comparison and hash functions, operators, operator classes, casts and
-- try_ function of a base type
-- whose values are compared as their bytes (license_no, uscc), expanded by
-- sql/expand.pl where a piece says
--   -- @template sql/templates/byte_ordered_type.sql TYPE=… NOUN="…" SHORT=… TEXT="…"
-- TYPE: the type; NOUN: what a value is ("licence number"); SHORT: the noun
-- in "text order of the …"; TEXT: what its text is (the cast's comment).
-- The C functions (mc_TYPE_eq … mc_TYPE_cmp) come from typeinput.h's
-- MC_BYTE_ORDER_FUNCTIONS; the hash functions and try_TYPE from
-- MC_TEXT_TYPE_FUNCTIONS.

-- Comparison: the text in byte order.  One function and one operator per
-- comparison, from byte_order_function.sql and byte_order_operator.sql: a
-- table of what differs (the operator, its commutator, negator and
-- estimators); the C behind the functions is one macro.

-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=eq OP="="
-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=ne OP="<>"
-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=lt OP="<"
-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=le OP="<="
-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=gt OP=">"
-- @template sql/templates/byte_order_function.sql TYPE=@TYPE@ FN=ge OP=">="
-- Availability: 0.1.0
CREATE FUNCTION @TYPE@_cmp(@TYPE@, @TYPE@) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_@TYPE@_cmp'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @TYPE@_cmp(@TYPE@, @TYPE@) IS
  'btree support: -1, 0 or 1 as the first @NOUN@ sorts before, with or after the second';

-- Availability: 0.1.0
CREATE FUNCTION @TYPE@_hash(@TYPE@) RETURNS integer
  AS 'MODULE_PATHNAME', 'mc_@TYPE@_hash'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @TYPE@_hash(@TYPE@) IS 'hash support: 32-bit hash of a @NOUN@';

-- Availability: 0.1.0
CREATE FUNCTION @TYPE@_hash_extended(@TYPE@, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'mc_@TYPE@_hash_extended'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @TYPE@_hash_extended(@TYPE@, bigint) IS
  'hash support: 64-bit seeded hash of a @NOUN@ (hash partitioning)';

-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP="=" FN=eq COMMUTATOR="=" NEGATOR="<>" RESTRICT=eqsel JOIN=eqjoinsel OPTIONS=", HASHES, MERGES" TEXT="equal"
-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP="<>" FN=ne COMMUTATOR="<>" NEGATOR="=" RESTRICT=neqsel JOIN=neqjoinsel OPTIONS="" TEXT="not equal"
-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP="<" FN=lt COMMUTATOR=">" NEGATOR=">=" RESTRICT=scalarltsel JOIN=scalarltjoinsel OPTIONS="" TEXT="sorts before (text order of the @SHORT@)"
-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP="<=" FN=le COMMUTATOR=">=" NEGATOR=">" RESTRICT=scalarlesel JOIN=scalarlejoinsel OPTIONS="" TEXT="sorts before or equal (text order of the @SHORT@)"
-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP=">" FN=gt COMMUTATOR="<" NEGATOR="<=" RESTRICT=scalargtsel JOIN=scalargtjoinsel OPTIONS="" TEXT="sorts after (text order of the @SHORT@)"
-- @template sql/templates/byte_order_operator.sql TYPE=@TYPE@ OP=">=" FN=ge COMMUTATOR="<=" NEGATOR="<" RESTRICT=scalargesel JOIN=scalargejoinsel OPTIONS="" TEXT="sorts after or equal (text order of the @SHORT@)"
-- btequalimage: equal values are bytewise equal, so btree deduplication is safe.
-- Availability: 0.1.0
CREATE OPERATOR CLASS @TYPE@_ops
  DEFAULT FOR TYPE @TYPE@ USING btree AS
    OPERATOR 1 <,
    OPERATOR 2 <=,
    OPERATOR 3 =,
    OPERATOR 4 >=,
    OPERATOR 5 >,
    FUNCTION 1 @TYPE@_cmp(@TYPE@, @TYPE@),
    FUNCTION 4 (@TYPE@) pg_catalog.btequalimage(oid);
COMMENT ON OPERATOR CLASS @TYPE@_ops USING btree IS
  'default btree operator class for @TYPE@ (text order of the @SHORT@)';
COMMENT ON OPERATOR FAMILY @TYPE@_ops USING btree IS
  'btree operators for @TYPE@';

-- Availability: 0.1.0
CREATE OPERATOR CLASS @TYPE@_ops
  DEFAULT FOR TYPE @TYPE@ USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 @TYPE@_hash(@TYPE@),
    FUNCTION 2 @TYPE@_hash_extended(@TYPE@, bigint);
COMMENT ON OPERATOR CLASS @TYPE@_ops USING hash IS
  'default hash operator class for @TYPE@';
COMMENT ON OPERATOR FAMILY @TYPE@_ops USING hash IS
  'hash operators for @TYPE@';

-- Casts through text input and output: text and varchar values can be
-- assigned to @TYPE@ columns (and are validated); @TYPE@ values can be
-- assigned to text and varchar columns.
-- Availability: 0.1.0
CREATE CAST (text AS @TYPE@) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (text AS @TYPE@) IS 'parse a @NOUN@; invalid text raises 22P02 (see try_@TYPE@)';
-- Availability: 0.1.0
CREATE CAST (@TYPE@ AS text) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (@TYPE@ AS text) IS '@TEXT@';
-- Availability: 0.1.0
CREATE CAST (varchar AS @TYPE@) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (varchar AS @TYPE@) IS 'parse a @NOUN@; invalid text raises 22P02 (see try_@TYPE@)';
-- Availability: 0.1.0
CREATE CAST (@TYPE@ AS varchar) WITH INOUT AS ASSIGNMENT;
COMMENT ON CAST (@TYPE@ AS varchar) IS '@TEXT@';

-- Availability: 0.1.0
CREATE FUNCTION try_@TYPE@(text) RETURNS @TYPE@
  AS 'MODULE_PATHNAME', 'mc_try_@TYPE@'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION try_@TYPE@(text) IS
  'the @NOUN@ in the text, or NULL if it is not a valid one (for loading dirty registers and listing the rejects)';
