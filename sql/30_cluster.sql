-- mineconsol: merge clusters (rules M1 and L2) as a window function.
-- C in src/cluster.c and src/cluster_geom.c.  `geometry` is PostGIS's type,
-- found through the search_path CREATE EXTENSION sets up (requires = 'postgis').

-- Availability: 0.1.0
CREATE FUNCTION merge_cluster(geom geometry, ore_body text, reach float8, anchor boolean)
RETURNS integer
AS 'MODULE_PATHNAME', 'mineconsol_merge_cluster'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION merge_cluster(geometry, text, float8, boolean) IS
$$Merge cluster of each row, as a window function: merge_cluster(geom, ore_body, reach, anchor) OVER (PARTITION BY ... ORDER BY ...).
Two rows are joined by an edge when they have the same non-NULL ore_body, the minimum distance between their geometries (0 when they touch or overlap, over every part) is <= the larger of their two reaches, and not both are anchors.
Non-anchor rows joined by edges form groups; each group attaches to the nearest anchor any member has an edge to (ties: the anchor first in window order), so a lone non-anchor within reach of two anchors goes to the nearer one. Anchors are never joined to each other; an anchor may take several groups.
Returns the same number 1, 2, ... for every row of a cluster (groups plus their anchor), numbered by each cluster's first row in window order; NULL for a row in no cluster (alone, NULL or empty geometry, NULL ore_body).
NULL reach counts as 0, NULL anchor as false. A negative or non-finite reach, a coordinate that is NaN, infinite or beyond 1e15, or two SRIDs among the rows that take part in one partition, raise 22023. Any linear geometry type (points, lines, polygons, collections, with EMPTY members anywhere; Z and M are ignored) is accepted; curves raise 0A000.$$;
