-- Registry: mines, their violations, and the zones the rules look at.
-- Geometries are stored as MultiPolygons in the working SRID (parameter
-- working_srid); working_geometry() is the one gate every geometry passes.

-- Availability: 0.1.0; 0.2.0 refuses non-finite or absurd coordinates and more
-- than max_vertices vertices.
CREATE FUNCTION working_geometry(geom geometry, what text DEFAULT 'geometry')
RETURNS geometry
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
DECLARE
	srid int := mineconsol.param('working_srid')::int;
	max_vertices bigint := mineconsol.param('max_vertices');
	-- No projected system in metres (nor longitude/latitude) has a coordinate
	-- beyond this; NaN and infinities fail the test as well.
	max_coord constant float8 := 1e8;
	gtype text;
	reason text;
	nvertices bigint;
	bad record;
BEGIN
	IF geom IS NULL THEN
		RETURN NULL;
	END IF;
	IF ST_SRID(geom) = 0 THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%s has no SRID'), what),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = format(mineconsol.tr('Geometries must say their coordinate system; mineconsol stores them in SRID %s (parameter working_srid).'), srid),
				  HINT = mineconsol.tr('Use ST_SetSRID(geom, srid) with the system the coordinates are in, e.g. 4526 for CGCS2000 zone 38 eastings with the zone prefix.');
	END IF;
	gtype := substr(ST_GeometryType(geom), 4);
	IF gtype NOT IN ('Polygon', 'MultiPolygon') THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%1$s must be a Polygon or MultiPolygon, got %2$s'), what, gtype),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('A mining area or zone is an area: its boundary rings, not points or lines.');
	END IF;
	IF ST_IsEmpty(geom) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%s is empty'), what),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('An empty geometry has no area; store NULL for a mine whose area is not delineated yet.');
	END IF;
	-- Counted before anything costly is done with the geometry: every
	-- spatial rule of the city pays for each vertex of every mine and zone.
	nvertices := ST_NPoints(geom);
	IF nvertices > max_vertices THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%1$s has %2$s vertices, more than the limit of %3$s'), what, nvertices, max_vertices),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('A licence gives a mining area by tens of corner points; a boundary this detailed slows every spatial rule for the whole city.'),
				  HINT = mineconsol.tr('Simplify the boundary (ST_SimplifyPreserveTopology), or have the DBA raise the parameter max_vertices in mineconsol.parameters.');
	END IF;
	geom := ST_Force2D(geom);
	FOR pass IN 1 .. 2 LOOP
		SELECT ST_X(d.geom) AS x, ST_Y(d.geom) AS y INTO bad
		  FROM ST_DumpPoints(geom) AS d
		 WHERE NOT (abs(ST_X(d.geom)) OPERATOR(pg_catalog.<=) max_coord
					AND abs(ST_Y(d.geom)) OPERATOR(pg_catalog.<=) max_coord)
		 LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING MESSAGE = CASE pass
						WHEN 2 THEN format(mineconsol.tr('%1$s has a vertex (%2$s %3$s) with a coordinate that is not finite or whose absolute value exceeds %4$s once transformed to SRID %5$s'),
										   what, bad.x, bad.y, max_coord, srid)
						ELSE format(mineconsol.tr('%1$s has a vertex (%2$s %3$s) with a coordinate that is not finite or whose absolute value exceeds %4$s'),
									what, bad.x, bad.y, max_coord) END,
					  ERRCODE = 'invalid_parameter_value',
					  DETAIL = format(mineconsol.tr('Coordinates are in SRID %1$s; no coordinate system mineconsol works in has a coordinate that is NaN, infinite or beyond %2$s.'),
									  ST_SRID(geom), max_coord),
					  HINT = mineconsol.tr('Check the SRID the coordinates are in, and the order and units of the numbers.');
		END IF;
		EXIT WHEN pass = 2;
		-- ST_IsValidReason rather than ST_IsValid: the latter also prints a NOTICE.
		reason := ST_IsValidReason(geom);
		IF reason <> 'Valid Geometry' THEN
			RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('%1$s is not a valid polygon: %2$s'), what, reason),
					  ERRCODE = 'invalid_parameter_value',
					  DETAIL = format(mineconsol.tr('ST_IsValidReason says "%1$s" (coordinates in SRID %2$s).'), reason, ST_SRID(geom)),
					  HINT = mineconsol.tr('Check the order of the corner points; ST_MakeValid shows a repaired shape to compare with the licence.');
		END IF;
		EXIT WHEN ST_SRID(geom) = srid;
		-- the transformed vertices are checked again in the second pass
		geom := ST_Transform(geom, srid);
	END LOOP;
	RETURN ST_Multi(geom);
END
$fn$;
COMMENT ON FUNCTION working_geometry(geometry, text) IS
  'The geometry as mineconsol stores it: a 2D MultiPolygon in the working SRID. Refuses (22023, with the reason; what names it) a geometry that is unusable: no SRID, not polygonal, empty, too many vertices, bad coordinates, invalid.';

-- Availability: 0.1.0
CREATE TABLE mines (
	id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	license_no    license_no UNIQUE,
	name          text NOT NULL,
	holder        text,
	holder_uscc   uscc,
	county_code   text NOT NULL REFERENCES counties (code),
	licensed_by   text NOT NULL DEFAULT 'county'
	              CONSTRAINT mines_licensed_by_check CHECK (licensed_by IN ('city', 'county', 'province', 'ministry')),
	mineral       text,
	mineral_group text NOT NULL DEFAULT 'sand_gravel_clay'
	              CONSTRAINT mines_mineral_group_check CHECK (mineral_group IN ('sand_gravel_clay', 'other')),
	ore_body      text  -- Availability: 0.2.0 (the length)
	              CONSTRAINT mines_ore_body_length CHECK (octet_length(ore_body) <= 200),
	geom          geometry(MultiPolygon),
	elev_top      numeric,
	elev_bottom   numeric,
	area_km2      double precision GENERATED ALWAYS AS (ST_Area(geom) / 1e6) STORED,
	reserves_t    numeric
	              CONSTRAINT mines_reserves_nonnegative CHECK (reserves_t >= 0),
	capacity      numeric
	              CONSTRAINT mines_capacity_nonnegative CHECK (capacity >= 0),
	capacity_unit text
	              CONSTRAINT mines_capacity_unit_check CHECK (capacity_unit IN ('t/yr', 'm3/yr')),
	valid_from    date,
	valid_to      date,
	expiry_cause  text
	              CONSTRAINT mines_expiry_cause_check CHECK (expiry_cause IN ('own', 'other')),
	transfer_mode text
	              CONSTRAINT mines_transfer_mode_check CHECK (transfer_mode IN ('term', 'reserves')),
	documents_incomplete boolean NOT NULL DEFAULT false,
	area_delineated      boolean NOT NULL DEFAULT false,
	eco_ok               boolean NOT NULL DEFAULT true,
	safety_ok            boolean NOT NULL DEFAULT true,
	product_ok           boolean NOT NULL DEFAULT true,
	backward_process     boolean NOT NULL DEFAULT false,
	restoration_ok       boolean NOT NULL DEFAULT true,
	group_enterprise     boolean NOT NULL DEFAULT false,
	downstream_processing boolean NOT NULL DEFAULT false,
	green_listed         boolean NOT NULL DEFAULT false,
	fake_consolidation_suspected boolean NOT NULL DEFAULT false,
	rectify_by    date,
	note          text,
	CONSTRAINT mines_validity_order CHECK (valid_to >= valid_from),
	CONSTRAINT mines_elevation_order CHECK (elev_top >= elev_bottom),
	CONSTRAINT mines_capacity_needs_unit CHECK (capacity IS NULL OR capacity_unit IS NOT NULL)
);
CREATE INDEX mines_geom_idx ON mines USING gist (geom);
CREATE INDEX mines_county_idx ON mines (county_code, id);
CREATE INDEX mines_ore_body_idx ON mines (ore_body);
-- A refresh reads the mines of one county's ore body (0.2.0).
CREATE INDEX mines_county_ore_body_idx ON mines (county_code, ore_body);
COMMENT ON TABLE mines IS
  'One row per mining right (or pending application) licensed in the city: the registry every rule reads.';
-- (Column comments alike in shape across pieces: each says what its column holds.)
COMMENT ON COLUMN mines.id IS 'Key';
COMMENT ON COLUMN mines.license_no IS 'Mining licence number (采矿许可证号); NULL for a pending application';
COMMENT ON COLUMN mines.name IS 'Name of the mine';
COMMENT ON COLUMN mines.holder IS 'Holder of the mining right (采矿权人)';
COMMENT ON COLUMN mines.holder_uscc IS 'Holder''s unified social credit code';
COMMENT ON COLUMN mines.county_code IS 'County (or city) responsible for the mine, mineconsol.counties';
COMMENT ON COLUMN mines.licensed_by IS 'Issuing level: ''city'', ''county'' (in scope), ''province'', ''ministry'' (out of scope)';
COMMENT ON COLUMN mines.mineral IS 'Mineral as named in the licence (e.g. 建筑石料用灰岩)';
COMMENT ON COLUMN mines.mineral_group IS '''sand_gravel_clay'' (砂石土, the target T1 counts these) or ''other''';
COMMENT ON COLUMN mines.ore_body IS 'Identifier of the ore body the mine works (at most 200 bytes); mines on one ore body may merge';
COMMENT ON COLUMN mines.geom IS 'Mining area (矿区范围): MultiPolygon in the working SRID; another SRID is transformed on write, a geometry without SRID, empty or invalid is refused. A Polygon must be promoted first (ST_Multi, working_geometry() or import_mines do it): the column''s type modifier refuses it before any trigger runs.';
COMMENT ON COLUMN mines.elev_top IS 'Top of the licensed mining elevation range, m';
COMMENT ON COLUMN mines.elev_bottom IS 'Bottom of the licensed mining elevation range, m';
COMMENT ON COLUMN mines.area_km2 IS 'Area of the mining area in km², derived from geom (never typed in)';
COMMENT ON COLUMN mines.reserves_t IS 'Retained reserves (保有资源储量), tonnes';
COMMENT ON COLUMN mines.capacity IS 'Licensed production capacity per year, in capacity_unit';
COMMENT ON COLUMN mines.capacity_unit IS '''t/yr'' or ''m3/yr''';
COMMENT ON COLUMN mines.valid_from IS 'First day of the licence''s validity';
COMMENT ON COLUMN mines.valid_to IS 'Last day of the licence''s validity';
COMMENT ON COLUMN mines.expiry_cause IS 'Why an expired licence lapsed: ''own'' (the holder''s fault, C2) or ''other''';
COMMENT ON COLUMN mines.transfer_mode IS 'How the right was sold: ''term'' (按年限) or ''reserves'' (按资源储量), C5';
COMMENT ON COLUMN mines.documents_incomplete IS 'S2: refused or not accepted only because documents were incomplete';
COMMENT ON COLUMN mines.area_delineated IS 'S3: a mining area has been delineated (or the county names the mine)';
COMMENT ON COLUMN mines.eco_ok IS 'C3: meets ecological protection requirements';
COMMENT ON COLUMN mines.safety_ok IS 'C3: meets safety production conditions';
COMMENT ON COLUMN mines.product_ok IS 'C3: meets building-material product standards';
COMMENT ON COLUMN mines.backward_process IS 'E1: production process is backward';
COMMENT ON COLUMN mines.restoration_ok IS 'E1: ecological restoration meets the standard';
COMMENT ON COLUMN mines.group_enterprise IS 'L4: holder is a large mining group';
COMMENT ON COLUMN mines.downstream_processing IS 'L4: holder has downstream deep processing';
COMMENT ON COLUMN mines.green_listed IS 'L4: on the city''s green-mine list';
COMMENT ON COLUMN mines.fake_consolidation_suspected IS 'L1: suspected fake consolidation (假整合)';
COMMENT ON COLUMN mines.rectify_by IS 'C3: deadline of the ordered rectification (停产限期整顿)';
COMMENT ON COLUMN mines.note IS 'Free text';

-- Availability: 0.1.0
CREATE TABLE violations (
	id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	mine_id      bigint NOT NULL REFERENCES mines (id) ON DELETE CASCADE,
	kind         text NOT NULL
	             CONSTRAINT violations_kind_check CHECK (kind IN ('illegal_mining', 'other')),
	occurred_on  date NOT NULL,
	penalized_on date,
	doc_no       text,
	note         text,
	CONSTRAINT violations_penalty_after_act CHECK (penalized_on >= occurred_on)
);
CREATE INDEX violations_mine_idx ON violations (mine_id);
COMMENT ON TABLE violations IS
  'Violations of a mine and the penalties imposed for them (C1 counts illegal-mining penalties).';
-- (Column comments alike in shape across pieces: each says what its column holds.)
COMMENT ON COLUMN violations.id IS 'Key';
COMMENT ON COLUMN violations.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN violations.kind IS '''illegal_mining'' (非法采矿) or ''other''';
COMMENT ON COLUMN violations.occurred_on IS 'Day of the act';
COMMENT ON COLUMN violations.penalized_on IS 'Day the administrative penalty was imposed; NULL when none was';
COMMENT ON COLUMN violations.doc_no IS 'Number of the penalty decision';
COMMENT ON COLUMN violations.note IS 'Free text';

-- Availability: 0.1.0
CREATE TABLE zones (
	id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	kind        text NOT NULL
	            CONSTRAINT zones_kind_check CHECK (kind IN ('planned_mining', 'concentrated_mining', 'eco_redline',
	                                                       'nature_reserve', 'scenic_area', 'water_source', 'eco_fragile')),
	name        text NOT NULL,
	county_code text REFERENCES counties (code),
	geom        geometry(MultiPolygon) NOT NULL,
	note        text
);
CREATE INDEX zones_geom_idx ON zones USING gist (geom);
COMMENT ON TABLE zones IS
  'Areas the rules look at: planned and concentrated mining zones (S4, L2), ecological red lines and protected areas (C4), ecologically fragile areas (A1).';
COMMENT ON COLUMN zones.id IS 'Key';
COMMENT ON COLUMN zones.kind IS '''planned_mining'', ''concentrated_mining'', ''eco_redline'', ''nature_reserve'', ''scenic_area'', ''water_source'' or ''eco_fragile''';
COMMENT ON COLUMN zones.name IS 'Name of the zone, quoted in reasons';
COMMENT ON COLUMN zones.county_code IS 'County the zone belongs to; NULL for a city-wide zone';
COMMENT ON COLUMN zones.geom IS 'Area: MultiPolygon in the working SRID; another SRID is transformed on write, a geometry without SRID, empty or invalid is refused';
COMMENT ON COLUMN zones.note IS 'Free text';

-- Availability: 0.1.0
CREATE FUNCTION normalize_geom() RETURNS trigger
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
COMMENT ON FUNCTION normalize_geom() IS
  'Trigger on mines and zones: stores geom through working_geometry() (MultiPolygon, working SRID), naming the row in any error.';
REVOKE ALL ON FUNCTION normalize_geom() FROM PUBLIC;

CREATE TRIGGER mines_normalize_geom BEFORE INSERT OR UPDATE OF geom ON mines
	FOR EACH ROW EXECUTE FUNCTION normalize_geom();
CREATE TRIGGER zones_normalize_geom BEFORE INSERT OR UPDATE OF geom ON zones
	FOR EACH ROW EXECUTE FUNCTION normalize_geom();
