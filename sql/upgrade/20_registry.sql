-- 20_registry.sql: normalize_geom() refuses to fire anywhere but on mines and
-- zones, and nobody calls it directly.
CREATE OR REPLACE FUNCTION normalize_geom() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF TG_RELID NOT IN ('mineconsol.mines'::regclass, 'mineconsol.zones'::regclass)
	   OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION 'normalize_geom() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines or mineconsol.zones'
			USING ERRCODE = 'trigger_protocol_violated';
	END IF;
	NEW.geom := mineconsol.working_geometry(
		NEW.geom,
		format('%s of %s %s', CASE TG_TABLE_NAME WHEN 'mines' THEN 'mining area' ELSE 'area' END,
			   rtrim(TG_TABLE_NAME, 's'), COALESCE(quote_literal(NEW.name), '(unnamed)')));
	RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION normalize_geom() FROM PUBLIC;
