-- Which zones each mine lies in or overlaps: derived from the geometries of
-- mines and zones, kept up to date by statement triggers on both tables, and
-- read by mine_facts.  The spatial tests (ST_Covers, ST_Relate, the overlap
-- area) run once per change of a mine or zone instead of at every
-- classification, where they were a fifth of its time.  They do not depend
-- on as_of or on any parameter.

-- Availability: 0.1.0
CREATE TABLE mine_zone_relations (
	mine_id     bigint NOT NULL,
	zone_id     bigint NOT NULL,
	overlap_km2 float8,
	PRIMARY KEY (mine_id, zone_id)
);
CREATE INDEX mine_zone_relations_zone_idx ON mine_zone_relations (zone_id);
COMMENT ON TABLE mine_zone_relations IS
  'Derived, kept by triggers on mines and zones: one row per mine and zone that relate. A planned or concentrated mining zone relates to a mine it covers (ST_Covers: the whole mining area lies in it); any other zone relates to a mine whose area overlaps it with positive area (interiors meet; touching is not enough). Read through row-level security: a row shows only with its mine and its zone. rebuild_zone_relations() recomputes it.';
COMMENT ON COLUMN mine_zone_relations.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN mine_zone_relations.zone_id IS 'The zone, mineconsol.zones';
COMMENT ON COLUMN mine_zone_relations.overlap_km2 IS 'For a red line or protected area (C4): the area of the overlap in km²; NULL for the other kinds';

-- SQL-standard bodies: parsed when the extension is created (the PostGIS
-- functions are bound then, whatever the caller's search_path) and inlined
-- into the queries that call them.
-- Availability: 0.1.0
CREATE FUNCTION zone_relates(zone_kind text, zone geometry, mine geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN zone_kind IN ('planned_mining', 'concentrated_mining')
			THEN ST_Covers(zone, mine)
			-- a covered mine overlaps with positive area; the others need the matrix
			ELSE ST_Intersects(zone, mine) AND (ST_Covers(zone, mine) OR ST_Relate(mine, zone, 'T********')) END;
COMMENT ON FUNCTION zone_relates(text, geometry, geometry) IS
  'Whether a zone of the kind relates to a mine: planned and concentrated mining zones when they cover the mining area, the other kinds when they overlap it with positive area.';

-- Availability: 0.1.0
CREATE FUNCTION zone_overlap_km2(zone_kind text, zone geometry, mine geometry) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN zone_kind IN ('eco_redline', 'nature_reserve', 'scenic_area', 'water_source')
			THEN ST_Area(ST_Intersection(mine, zone)) / 1e6 END;
COMMENT ON FUNCTION zone_overlap_km2(text, geometry, geometry) IS
  'For a red line or protected area (C4): the area in km² that the mining area shares with it; NULL for the other kinds of zone.';

-- The trigger functions run as the owner: the relations are facts about
-- every zone, not only the zones the role that edits a mine may see.
-- Availability: 0.1.0
CREATE FUNCTION mines_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
BEGIN
	-- Edits of mines run side by side (ROW EXCLUSIVE), but wait for an edit
	-- of zones to commit, and the queries below then see it (READ COMMITTED).
	LOCK TABLE mineconsol.mine_zone_relations IN ROW EXCLUSIVE MODE;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_mines o WHERE r.mine_id = o.id;
	ELSIF TG_OP = 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the rows whose geometry (or id) changed: an update of other
		-- columns, even of the whole registry, leaves the relations alone.
		-- EXECUTE plans for this statement's row counts: a cached plan made
		-- for a one-row update would be quadratic for a bulk one.
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_mines o
		 WHERE r.mine_id = o.id
		   AND NOT EXISTS (SELECT FROM new_mines n WHERE n.id = o.id AND n.geom IS NOT DISTINCT FROM o.geom)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_mines m
		  JOIN mineconsol.zones z ON z.geom && m.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_mines o WHERE o.id = m.id AND o.geom IS NOT DISTINCT FROM m.geom)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mines_zone_relations() IS
  'Statement trigger on mines: computes mine_zone_relations for the mines inserted or whose geometry an update changed, drops those of the mines deleted (runs as the owner: every zone counts).';

-- Availability: 0.1.0
CREATE FUNCTION zones_zone_relations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
BEGIN
	-- An edit of zones waits for every other edit of mines or zones to
	-- commit (and holds them off until it commits), so that the queries
	-- below see them (READ COMMITTED).
	LOCK TABLE mineconsol.mine_zone_relations IN SHARE ROW EXCLUSIVE MODE;
	IF TG_OP = 'TRUNCATE' THEN
		DELETE FROM mineconsol.mine_zone_relations;
		RETURN NULL;
	END IF;
	IF TG_OP = 'DELETE' THEN
		DELETE FROM mineconsol.mine_zone_relations r USING old_zones o WHERE r.zone_id = o.id;
	ELSIF TG_OP = 'INSERT' THEN
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	ELSE
		-- Only the zones whose geometry, kind (or id) changed (EXECUTE: see
		-- mines_zone_relations()).
		EXECUTE $q$
		DELETE FROM mineconsol.mine_zone_relations r
		 USING old_zones o
		 WHERE r.zone_id = o.id
		   AND NOT EXISTS (SELECT FROM new_zones n WHERE n.id = o.id AND n.kind = o.kind
								AND n.geom IS NOT DISTINCT FROM o.geom)$q$;
		EXECUTE $q$
		INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
		SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
		  FROM new_zones z
		  JOIN mineconsol.mines m ON m.geom && z.geom
		 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom)
		   AND NOT EXISTS (SELECT FROM old_zones o WHERE o.id = z.id AND o.kind = z.kind
								AND o.geom IS NOT DISTINCT FROM z.geom)$q$;
	END IF;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones: computes mine_zone_relations for the zones inserted or whose geometry or kind an update changed, drops those of the zones deleted (runs as the owner: every mine counts).';

-- Transition tables allow one event per trigger.
CREATE TRIGGER mines_zone_relations_insert AFTER INSERT ON mines
	REFERENCING NEW TABLE AS new_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_update AFTER UPDATE ON mines
	REFERENCING OLD TABLE AS old_mines NEW TABLE AS new_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_delete AFTER DELETE ON mines
	REFERENCING OLD TABLE AS old_mines FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER mines_zone_relations_truncate AFTER TRUNCATE ON mines
	FOR EACH STATEMENT EXECUTE FUNCTION mines_zone_relations();
CREATE TRIGGER zones_zone_relations_insert AFTER INSERT ON zones
	REFERENCING NEW TABLE AS new_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_update AFTER UPDATE ON zones
	REFERENCING OLD TABLE AS old_zones NEW TABLE AS new_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_delete AFTER DELETE ON zones
	REFERENCING OLD TABLE AS old_zones FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();
CREATE TRIGGER zones_zone_relations_truncate AFTER TRUNCATE ON zones
	FOR EACH STATEMENT EXECUTE FUNCTION zones_zone_relations();

-- Availability: 0.1.0
CREATE FUNCTION rebuild_zone_relations() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path FROM CURRENT
AS $fn$
DECLARE
	n bigint;
BEGIN
	LOCK TABLE mineconsol.mine_zone_relations IN SHARE ROW EXCLUSIVE MODE;	-- as the zones trigger
	DELETE FROM mineconsol.mine_zone_relations;
	INSERT INTO mineconsol.mine_zone_relations (mine_id, zone_id, overlap_km2)
	SELECT m.id, z.id, mineconsol.zone_overlap_km2(z.kind, z.geom, m.geom)
	  FROM mineconsol.zones z
	  JOIN mineconsol.mines m ON m.geom && z.geom
	 WHERE mineconsol.zone_relates(z.kind, z.geom, m.geom);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$fn$;
COMMENT ON FUNCTION rebuild_zone_relations() IS
  'Recomputes mine_zone_relations from scratch and returns its number of rows: after a restore with --disable-triggers, or to check the triggers'' work. For members of mineconsol_admin (the city).';
