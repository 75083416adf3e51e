-- 20_registry.sql: normalize_geom() refuses to fire anywhere but on mines and
-- zones, and nobody calls it directly.
CREATE OR REPLACE FUNCTION normalize_geom() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF TG_RELID NOT IN ('mineconsol.mines'::regclass, 'mineconsol.zones'::regclass)
	   OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('normalize_geom() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines or mineconsol.zones'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	NEW.geom := mineconsol.working_geometry(
		NEW.geom,
		format(CASE TG_TABLE_NAME WHEN 'mines' THEN mineconsol.tr('mining area of mine %s') ELSE mineconsol.tr('area of zone %s') END,
			   COALESCE(quote_literal(NEW.name), mineconsol.tr('(unnamed)'))));
	RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION normalize_geom() FROM PUBLIC;
