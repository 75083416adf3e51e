-- What-if plans (sql/85_simulate.sql) and param()'s overrides (sql/10_config.sql).

-- Availability: 0.1.0; 0.2.0 honours simulate()'s overrides.
-- @replace sql/10_config.sql CREATE FUNCTION param(
COMMENT ON FUNCTION param(text) IS
  'The value of a mineconsol parameter (table mineconsol.parameters), or simulate()''s override of it while simulate() runs; an unknown name raises 42704.';

-- Availability: 0.2.0
-- @copy sql/85_simulate.sql CREATE FUNCTION simulate(
COMMENT ON FUNCTION simulate(jsonb) IS
  'What-if: per county the caller may see, the counts of v_county_progress as refresh_results() would store them if parameters held the overrides (e.g. ''{"merge_distance_m": 800}''), at results_as_of(). Writes nothing; an unknown or non-numeric key raises 22023.';
REVOKE ALL ON FUNCTION simulate(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION simulate(jsonb) TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
