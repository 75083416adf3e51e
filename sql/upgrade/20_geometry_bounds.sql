-- mineconsol 0.1.0 -> 0.2.0: bounds on the geometries of mines and zones.
-- The parameter max_vertices, and working_geometry() refusing more vertices
-- than it allows and coordinates that are NaN, infinite or beyond 1e8.

INSERT INTO parameters (name, value, unit, clause, description, seeded) VALUES
	('max_vertices', 10000, 'count', 'mineconsol (not in the plan)',
	 'Most vertices a mining area or zone may have (refused on write above it): a licence gives tens of corner points, and every spatial rule of the city pays for each vertex', true)
ON CONFLICT (name) DO NOTHING;

CREATE OR REPLACE FUNCTION working_geometry(geom geometry, what text DEFAULT 'geometry')
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
						WHEN 2 THEN format(mineconsol.tr('%1$s has a vertex (%2$s %3$s) that is not a finite coordinate within %4$s of the origin once transformed to SRID %5$s'),
										   what, bad.x, bad.y, max_coord, srid)
						ELSE format(mineconsol.tr('%1$s has a vertex (%2$s %3$s) that is not a finite coordinate within %4$s of the origin'),
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
  'The geometry as mineconsol stores it: a 2D MultiPolygon in the working SRID (transformed if needed). Refuses with 22023 and the reason a geometry without SRID, one that is not a (multi)polygon, an empty one, one with more vertices than the parameter max_vertices, one with a coordinate that is NaN, infinite or beyond 1e8 (in its own SRID or in the working SRID), or an invalid one (with ST_IsValidReason and where). what names the geometry in messages.';
