-- Pins the search_path of the functions in @FUNCTIONS@ (signatures separated
-- by ';') to pg_catalog, mineconsol and PostGIS's schema, wherever PostGIS is
-- installed, and pg_temp last: a caller's search_path cannot redirect them.
-- PostgreSQL 15 has no @extschema:postgis@, hence the lookup at install time.
-- Expanded by sql/expand.pl where a piece says
--   -- @template sql/templates/pin_search_path.sql FUNCTIONS="…"
-- (25_zone_relations, 50_ingest, 80_results, and their upgrade pieces).

DO $pin$
DECLARE
	postgis_schema text := (SELECT n.nspname FROM pg_catalog.pg_extension e
							  JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
							 WHERE e.extname = 'postgis');
	f text;
BEGIN
	FOREACH f IN ARRAY pg_catalog.string_to_array('@FUNCTIONS@', ';') LOOP
		EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, mineconsol, %I, pg_temp', f, postgis_schema);
	END LOOP;
END
$pin$;
