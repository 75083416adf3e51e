-- 10_config.sql: the trigger functions of the configuration tables refuse to
-- fire anywhere but where they were made for, and nobody calls them directly.
-- @replace sql/10_config.sql CREATE FUNCTION config_row_replaces_seed(
REVOKE ALL ON FUNCTION config_row_replaces_seed() FROM PUBLIC;

-- @replace sql/10_config.sql CREATE FUNCTION parameters_check_working_srid(
REVOKE ALL ON FUNCTION parameters_check_working_srid() FROM PUBLIC;
