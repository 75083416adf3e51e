-- mineconsol 0.1.0 -> 0.2.0: bounds on the geometries of mines and zones.
-- The parameter max_vertices, and working_geometry() refusing more vertices
-- than it allows and coordinates that are NaN, infinite or beyond 1e8.

INSERT INTO parameters (name, value, unit, clause, description, seeded) VALUES
	('max_vertices', 10000, 'count', 'mineconsol (not in the plan)',
	 'Most vertices a mining area or zone may have (refused on write above it): a licence gives tens of corner points, and every spatial rule of the city pays for each vertex', true)
ON CONFLICT (name) DO NOTHING;

-- @replace sql/20_registry.sql CREATE FUNCTION working_geometry(
COMMENT ON FUNCTION working_geometry(geometry, text) IS
  'The geometry as mineconsol stores it: a 2D MultiPolygon in the working SRID (transformed if needed). Refuses with 22023 and the reason a geometry without SRID, one that is not a (multi)polygon, an empty one, one with more vertices than the parameter max_vertices, one with a coordinate that is NaN, infinite or beyond 1e8 (in its own SRID or in the working SRID), or an invalid one (with ST_IsValidReason and where). what names the geometry in messages.';
