-- Zone relations (sql/25_zone_relations.sql): trigger functions that fire only on
-- their own table, pinned search_path, no EXECUTE for PUBLIC; per-county row
-- locks instead of a table lock; a county's zone relates only to its own
-- county's mines.

-- Availability: 0.2.0
-- @copy sql/25_zone_relations.sql CREATE TABLE zone_relation_locks (
ALTER TABLE zone_relation_locks ENABLE ROW LEVEL SECURITY;
COMMENT ON TABLE zone_relation_locks IS
  'One row per county (its code) and one for the city-wide zones (''*''): row locks that order concurrent edits of mines and zones so that mine_zone_relations misses no relation. Written and locked only by the zone-relation triggers and rebuild_zone_relations().';
COMMENT ON COLUMN zone_relation_locks.scope IS 'A county code (that county''s mines and zones), or ''*'' (the city-wide zones)';
INSERT INTO zone_relation_locks (scope) SELECT '*' UNION ALL SELECT code FROM counties;

-- Availability: 0.2.0
-- @copy sql/25_zone_relations.sql CREATE FUNCTION zone_relation_lock(
COMMENT ON FUNCTION zone_relation_lock(text[], boolean) IS
  'Internal to the zone-relation triggers: locks the rows of zone_relation_locks for the scopes (county codes, ''*'' for city-wide zones) in key order, FOR UPDATE for an edit of zones, FOR KEY SHARE for an edit of mines. Not executable by PUBLIC.';

CREATE OR REPLACE FUNCTION mines_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	scopes text[];
BEGIN
	IF TG_RELID OPERATOR(pg_catalog.<>) 'mineconsol.mines'::pg_catalog.regclass
	   OR TG_WHEN OPERATOR(pg_catalog.<>) 'AFTER' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'STATEMENT' THEN
		RAISE EXCEPTION 'mines_zone_relations() fires only as an AFTER statement trigger on mineconsol.mines'
			USING ERRCODE = 'trigger_protocol_violated',
				  DETAIL = pg_catalog.format('It was fired %s %s on %s.', TG_WHEN, TG_LEVEL, TG_RELID::pg_catalog.regclass);
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		-- TRUNCATE holds mines exclusively: no edit of zones reads them now.
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	-- The counties of the rows whose geometry or county changed.  For an
	-- update, EXECUTE plans for this statement's row counts: a cached plan
	-- made for a one-row update would be quadratic for a bulk one.
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		SELECT pg_catalog.array_agg(DISTINCT n.county_code) INTO scopes FROM new_mines n;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		SELECT pg_catalog.array_agg(DISTINCT o.county_code) INTO scopes FROM old_mines o;
	ELSE
		EXECUTE $q$
		SELECT pg_catalog.array_agg(DISTINCT c) FROM (
			SELECT o.county_code FROM old_mines o
			 WHERE NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom
								 AND n.county_code IS NOT DISTINCT FROM o.county_code)
			UNION ALL
			SELECT n.county_code FROM new_mines n
			 WHERE NOT EXISTS (SELECT FROM old_mines o WHERE o.id = n.id AND o.geom IS NOT DISTINCT FROM n.geom
								 AND o.county_code IS NOT DISTINCT FROM n.county_code)) x(c)$q$
		INTO scopes;
	END IF;
	IF scopes IS NULL THEN
		RETURN NULL;			-- nothing that relations depend on changed: no lock
	END IF;
	PERFORM mineconsol.zone_relation_lock(scopes || '*'::text, false);

	IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_mines o WHERE r.mine_id = o.id;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE (z.county_code IS NULL OR z.county_code = m.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the rows whose geometry, county (or id) changed: an update of
		-- other columns, even of the whole registry, leaves them alone.
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_mines o
		 WHERE r.mine_id = o.id
		   AND NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom
							 AND n.county_code IS NOT DISTINCT FROM o.county_code)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE (z.county_code IS NULL OR z.county_code = m.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_mines o WHERE o.id = m.id AND o.geom IS NOT DISTINCT FROM m.geom
							 AND o.county_code IS NOT DISTINCT FROM m.county_code)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mines_zone_relations() IS
  'Statement trigger on mines only (refuses any other table, timing or level: 39P01): computes mine_zone_relations for the mines inserted or whose geometry or county an update changed, drops those of the mines deleted. Runs as the owner (every zone counts); not executable by PUBLIC.';

CREATE OR REPLACE FUNCTION zones_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	scopes text[];
BEGIN
	IF TG_RELID OPERATOR(pg_catalog.<>) 'mineconsol.zones'::pg_catalog.regclass
	   OR TG_WHEN OPERATOR(pg_catalog.<>) 'AFTER' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'STATEMENT' THEN
		RAISE EXCEPTION 'zones_zone_relations() fires only as an AFTER statement trigger on mineconsol.zones'
			USING ERRCODE = 'trigger_protocol_violated',
				  DETAIL = pg_catalog.format('It was fired %s %s on %s.', TG_WHEN, TG_LEVEL, TG_RELID::pg_catalog.regclass);
	END IF;
	IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	-- The scopes of the zones whose geometry, kind or county changed: the
	-- county of a county's zone, '*' for a city-wide one.
	IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(n.county_code, '*')) INTO scopes FROM new_zones n;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(o.county_code, '*')) INTO scopes FROM old_zones o;
	ELSE
		EXECUTE $q$
		SELECT pg_catalog.array_agg(DISTINCT COALESCE(c, '*')) FROM (
			SELECT o.county_code FROM old_zones o
			 WHERE NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								 AND n.geom IS NOT DISTINCT FROM o.geom
								 AND n.county_code IS NOT DISTINCT FROM o.county_code)
			UNION ALL
			SELECT n.county_code FROM new_zones n
			 WHERE NOT EXISTS (SELECT FROM old_zones o WHERE o.id = n.id AND o.kind = n.kind
								 AND o.geom IS NOT DISTINCT FROM n.geom
								 AND o.county_code IS NOT DISTINCT FROM n.county_code)) x(c)$q$
		INTO scopes;
	END IF;
	IF scopes IS NULL THEN
		RETURN NULL;			-- e.g. UPDATE zones SET note = note WHERE false: no lock
	END IF;
	PERFORM mineconsol.zone_relation_lock(scopes, true);

	IF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_zones o WHERE r.zone_id = o.id;
	ELSIF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_zones o
		 WHERE r.zone_id = o.id
		   AND NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								AND n.geom IS NOT DISTINCT FROM o.geom
								AND n.county_code IS NOT DISTINCT FROM o.county_code)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
		   AND mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_zones o WHERE o.id = z.id AND o.kind = z.kind
								AND o.geom IS NOT DISTINCT FROM z.geom
								AND o.county_code IS NOT DISTINCT FROM z.county_code)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones only (refuses any other table, timing or level: 39P01): computes mine_zone_relations for the zones inserted or whose geometry, kind or county an update changed, drops those of the zones deleted. A county''s zone relates only to that county''s mines, a city-wide zone to every mine. Runs as the owner (every mine counts); not executable by PUBLIC.';

CREATE OR REPLACE FUNCTION rebuild_zone_relations() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	n bigint;
BEGIN
	-- Every scope, as an edit of zones would: waits for the open edits of
	-- mines and zones, and holds new ones off until it commits.
	PERFORM mineconsol.zone_relation_lock(
		pg_catalog.array_append(ARRAY(SELECT c.code FROM mineconsol.counties c), '*'), true);
	DELETE FROM mineconsol.mine_zone_relations;
	INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
	SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
	  FROM mineconsol.zones z
	  JOIN mineconsol.mines m ON m.geom && z.geom
	 WHERE (z.county_code IS NULL OR m.county_code = z.county_code)
	   AND mineconsol.zone_relates(z.kind, z.geom, m.geom);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$fn$;
COMMENT ON FUNCTION rebuild_zone_relations() IS
  'Recomputes mine_zone_relations from scratch and returns its number of rows: after a restore with --disable-triggers, or to check the triggers'' work. Waits for open edits of mines and zones and holds new ones off until it commits. Runs as the owner; for members of mineconsol_admin (the city).';

-- @copy sql/25_zone_relations.sql DO $pin$

-- A county's zone no longer relates to another county's mines.
DELETE FROM mine_zone_relations r
 USING zones z, mines m
 WHERE z.id = r.zone_id AND m.id = r.mine_id
   AND z.county_code IS NOT NULL AND z.county_code <> m.county_code;
