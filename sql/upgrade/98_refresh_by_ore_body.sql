-- A refresh recomputes only the ore bodies an edit touched: the marks name
-- them (result_changes.ore_body, created with its table in 80_results) and
-- each stored verdict says which ore body it was computed for.  Verdicts
-- stored by 0.1.0 keep NULL: their counties were never refreshed by 0.2.0,
-- so the first refresh recomputes each of them whole.
ALTER TABLE disposition_results ADD COLUMN ore_body text;
-- @copy sql/80_results.sql COMMENT ON COLUMN disposition_results.ore_body IS
DROP INDEX disposition_results_county_idx;
-- @copy sql/80_results.sql CREATE INDEX disposition_results_county_idx ON
