-- Classification (sql/60_classify.sql).

-- gap_resources(): an area of many vertices is simplified before its buffers.
-- @replace sql/60_classify.sql CREATE FUNCTION gap_resources(
-- @copy sql/60_classify.sql COMMENT ON FUNCTION gap_resources(

-- @copy sql/60_classify.sql COMMENT ON FUNCTION classify(

-- mine_facts computes only the counties a refresh recomputes
-- (mineconsol.facts_counties, set by refresh_requested_results()).
-- @replace sql/60_classify.sql CREATE VIEW mine_facts AS
-- CREATE OR REPLACE VIEW resets the options sql/70_security.sql set.
ALTER VIEW mine_facts SET (security_invoker = true);
-- @copy sql/60_classify.sql COMMENT ON VIEW mine_facts IS
