-- Classification (sql/60_classify.sql).

-- gap_resources(): an area of many vertices is simplified before its buffers.
-- @replace sql/60_classify.sql CREATE FUNCTION gap_resources(
-- @copy sql/60_classify.sql COMMENT ON FUNCTION gap_resources(

-- @copy sql/60_classify.sql COMMENT ON FUNCTION classify(

-- mine_facts comes from a template that mine_facts_in() shares (one
-- definition; sql/templates/mine_facts.sql).
CREATE OR REPLACE VIEW mine_facts AS
-- @template sql/templates/mine_facts.sql COUNTIES=NULL::text[] ORE_BODIES=NULL::text[]
;
-- CREATE OR REPLACE VIEW resets the options sql/70_security.sql set.
ALTER VIEW mine_facts SET (security_invoker = true);
-- @copy sql/60_classify.sql COMMENT ON VIEW mine_facts IS

-- The facts of some counties or ore bodies, for refresh_results().
CREATE FUNCTION mine_facts_in(counties text[], ore_bodies text[] DEFAULT NULL) RETURNS SETOF mine_facts
LANGUAGE sql STABLE
BEGIN ATOMIC
-- @template sql/templates/mine_facts.sql COUNTIES=mine_facts_in.counties ORE_BODIES=mine_facts_in.ore_bodies
;
END;
-- @copy sql/60_classify.sql COMMENT ON FUNCTION mine_facts_in(
