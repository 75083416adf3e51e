-- Classification (sql/60_classify.sql).

-- gap_resources(): an area of many vertices is simplified before its buffers.
-- @replace sql/60_classify.sql CREATE FUNCTION gap_resources(
-- @copy sql/60_classify.sql COMMENT ON FUNCTION gap_resources(

-- @copy sql/60_classify.sql COMMENT ON FUNCTION classify(
