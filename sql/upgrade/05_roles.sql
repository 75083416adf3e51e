-- 05_roles.sql: the recommended settings of county login roles and the
-- function that applies them.

-- Availability: 0.2.0
-- @copy sql/05_roles.sql CREATE FUNCTION recommended_role_settings(
-- @copy sql/05_roles.sql COMMENT ON FUNCTION recommended_role_settings(

-- Availability: 0.2.0
-- @copy sql/05_roles.sql CREATE FUNCTION apply_role_settings(
COMMENT ON FUNCTION apply_role_settings(regrole, text, text, text) IS
  'Stores recommended_role_settings() on a login role for this database (ALTER ROLE … IN DATABASE … SET), each replaced by the argument of its name when that is not NULL, and returns the role''s settings in this database. Runs with the caller''s rights: needs CREATEROLE or a superuser. For the city''s DBA (mineconsol_admin).';
REVOKE ALL ON FUNCTION apply_role_settings(regrole, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION apply_role_settings(regrole, text, text, text) TO mineconsol_admin;
