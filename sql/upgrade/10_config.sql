-- 10_config.sql: the trigger functions of the configuration tables refuse to
-- fire anywhere but where they were made for, and nobody calls them directly.
CREATE OR REPLACE FUNCTION config_row_replaces_seed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	key_cond text;
BEGIN
	IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE')
	   OR TG_TABLE_SCHEMA <> 'mineconsol' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('config_row_replaces_seed() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on a table of mineconsol'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		-- Any edit makes the row the DBA's: pg_dump keeps it from now on.
		NEW.seeded := false;
		RETURN NEW;
	END IF;
	IF NEW.seeded THEN
		RETURN NEW;
	END IF;
	-- A DBA's row (or a restored one) takes the place of an untouched seed
	-- row with the same key; a clash with another DBA row still fails.
	SELECT string_agg(format('%I OPERATOR(pg_catalog.=) ($1).%I', k, k), ' AND ')
	  INTO key_cond
	  FROM unnest(TG_ARGV) AS k;
	EXECUTE format('DELETE FROM %I.%I WHERE seeded AND %s',
				   TG_TABLE_SCHEMA, TG_TABLE_NAME, key_cond)
	USING NEW;
	RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION config_row_replaces_seed() FROM PUBLIC;

CREATE OR REPLACE FUNCTION parameters_check_working_srid() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
	current_srid numeric;
BEGIN
	IF TG_RELID <> 'mineconsol.parameters'::regclass OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW'
	   OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('parameters_check_working_srid() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.parameters'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	IF NEW.name OPERATOR(pg_catalog.<>) 'working_srid' THEN
		RETURN NEW;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM spatial_ref_sys s
				    WHERE s.srid OPERATOR(pg_catalog.=) NEW.value::int
					  AND s.proj4text LIKE '%+units=m %') THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('working_srid %s is not a projected coordinate system in metres'), NEW.value),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('Areas and distances are computed in the working SRID, so it must be a projected system whose unit is the metre.'),
				  HINT = mineconsol.tr('For Xinzhou use 4546 (CGCS2000 GK CM 111E) or 4547 (CM 114E).');
	END IF;
	-- The stored geometries and the typed geometry columns of the result
	-- views carry the SRID set at installation; changing it is not supported.
	-- (Triggers fire by name: this one runs before parameters_replaces_seed,
	-- so an INSERT still sees the row it would replace.)
	SELECT p.value INTO current_srid FROM mineconsol.parameters p
	 WHERE p.name OPERATOR(pg_catalog.=) 'working_srid';
	IF NEW.value OPERATOR(pg_catalog.<>) current_srid THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('cannot change working_srid from %1$s to %2$s'), current_srid, NEW.value),
				  ERRCODE = 'feature_not_supported',
				  DETAIL = pg_catalog.format(mineconsol.tr('Stored geometries and the geometry columns of the result views are in SRID %s, fixed when the extension is created.'), current_srid),
				  HINT = mineconsol.tr('Load geometries in any SRID: they are transformed to the working SRID on write.');
	END IF;
	RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION parameters_check_working_srid() FROM PUBLIC;
