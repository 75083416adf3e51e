-- The messages of the SQL functions in the reader's language, 0.1.0 -> 0.2.0.
-- Every RAISE of the plpgsql functions goes through tr(); those functions
-- are redefined by the upgrade pieces of their areas (edited there).  What
-- no other piece redefines is here: it comes after 96_i18n.sql, which
-- creates tr(), because an SQL function's body is checked when it is
-- created.

-- parse_corner_points() names what it checks in the reader's language.
CREATE OR REPLACE FUNCTION parse_corner_points(corner_points text, zone integer DEFAULT NULL)
RETURNS geometry
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
	SELECT mineconsol.working_geometry(mineconsol.parse_corner_points_raw($1, $2), mineconsol.tr('corner points'))
$fn$;
