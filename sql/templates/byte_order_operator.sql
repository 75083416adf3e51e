-- One comparison operator of a byte-ordered type, for
-- sql/templates/byte_ordered_type.sql (once per operator).  TYPE: the type;
-- OP: the operator; FN: the suffix of its function (TYPE_FN); COMMUTATOR,
-- NEGATOR, RESTRICT, JOIN: as in CREATE OPERATOR; OPTIONS: ", HASHES, MERGES"
-- for equality, else empty; TEXT: the operator's comment.  Ends in a blank
-- line, so uses can stand in a block.

-- Availability: 0.1.0
CREATE OPERATOR @OP@ (
  LEFTARG = @TYPE@, RIGHTARG = @TYPE@, FUNCTION = @TYPE@_@FN@,
  COMMUTATOR = @COMMUTATOR@, NEGATOR = @NEGATOR@,
  RESTRICT = @RESTRICT@, JOIN = @JOIN@@OPTIONS@
);
COMMENT ON OPERATOR @OP@ (@TYPE@, @TYPE@) IS '@TEXT@';

