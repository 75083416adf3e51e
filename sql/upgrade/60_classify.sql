-- Classification (sql/60_classify.sql).

-- gap_resources(): an area of many vertices is simplified before its buffers.
CREATE OR REPLACE FUNCTION gap_resources(merged geometry, merge_distance float8) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
DECLARE
	-- Above this many vertices GEOS's buffer of a ragged outline (a comb)
	-- takes seconds to hours and cannot be cancelled: the closing is then
	-- computed from a simplification of the area (see below).
	max_vertices constant int := 256;
	coarse geometry := merged;
	tolerance float8 := greatest(merge_distance / 20, ST_Perimeter(merged) / 10000);
	closed geometry;
BEGIN
	IF ST_NPoints(merged) > max_vertices THEN
		-- Douglas-Peucker at merge_distance / 20 (or the perimeter / 10 000
		-- when larger), the tolerance growing fourfold until at most
		-- max_vertices remain (or it exceeds the extent); the closing and the
		-- gap are then those of the simplified area, which lies within the
		-- tolerance of the real one.
		-- Mines have tens of corner points: a cluster's area is simplified
		-- only when it is made of many or very ragged mines.
		LOOP
			coarse := ST_Simplify(merged, tolerance, true);
			-- Many separate parts keep a few vertices each whatever the
			-- tolerance: stop once it exceeds the area's extent.
			EXIT WHEN ST_NPoints(coarse) <= max_vertices
				   OR tolerance > greatest(ST_XMax(merged) - ST_XMin(merged), ST_YMax(merged) - ST_YMin(merged));
			tolerance := tolerance * 4;
		END LOOP;
	END IF;
	IF coarse IS DISTINCT FROM merged THEN
		coarse := ST_CollectionExtract(ST_MakeValid(coarse), 3);
	END IF;
	IF ST_NumGeometries(coarse) > 16 THEN
		-- Many separate parts (a large cluster): the outward buffer of the
		-- whole is the union of the parts' buffers, which GEOS computes part
		-- by part and unions in cascade, instead of one buffer over all the
		-- parts at once (minutes for 10 000 parts, where cancelling does not
		-- reach).
		closed := ST_Buffer((SELECT ST_Union(ST_Buffer(p.geom, merge_distance / 2)) FROM ST_Dump(coarse) p),
							-merge_distance / 2);
	ELSE
		closed := ST_Buffer(ST_Buffer(coarse, merge_distance / 2), -merge_distance / 2);
	END IF;
	-- Slivers under 1 m² that the buffers' arc approximation leaves are dropped.
	RETURN (SELECT ST_Multi(COALESCE(ST_Union(g.geom), ST_GeomFromText('POLYGON EMPTY', ST_SRID(merged))))
			  FROM ST_Dump(ST_CollectionExtract(ST_Difference(closed, coarse), 3)) g
			 WHERE ST_Area(g.geom) >= 1);
END
$fn$;
COMMENT ON FUNCTION gap_resources(geometry, float8) IS
  'Gap resources (夹缝资源) of a merged area: its closing by half the merge distance (buffer out, then in) minus the area, as a MultiPolygon (empty when none; parts under 1 m² dropped). Over 256 vertices, computed on a simplification (tolerance merge_distance/20 or more), which bounds the time.';

COMMENT ON FUNCTION classify(mine_facts) IS
  'The plan''s verdict on one mine (三(二); docs/rules.md): the decisive disposition by precedence, every matched rule code (decisive first; notes; "X?" where a missing fact leaves rule X undecided) and one reason per code. Pure: reads only the row''s fields, by name.';
