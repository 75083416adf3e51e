-- What-if plans (sql/85_simulate.sql) and param()'s overrides (sql/10_config.sql).

-- Availability: 0.1.0; 0.2.0 honours simulate()'s overrides.
-- @replace sql/10_config.sql CREATE FUNCTION param(
-- @copy sql/10_config.sql COMMENT ON FUNCTION param(

-- Availability: 0.2.0
-- @copy sql/85_simulate.sql CREATE FUNCTION simulate(
-- @copy sql/85_simulate.sql COMMENT ON FUNCTION simulate(
REVOKE ALL ON FUNCTION simulate(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION simulate(jsonb) TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
