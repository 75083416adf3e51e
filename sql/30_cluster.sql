-- mineconsol: merge clusters (rules M1 and L2) as a window function.
-- C in src/cluster.c and src/cluster_geom.c.  `geometry` is PostGIS's type,
-- found through the search_path CREATE EXTENSION sets up (requires = 'postgis').

-- Availability: 0.1.0
CREATE FUNCTION merge_cluster(geom geometry, ore_body text, reach float8, anchor boolean)
RETURNS integer
AS 'MODULE_PATHNAME', 'mc_merge_cluster'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION merge_cluster(geometry, text, float8, boolean) IS
  'Window function: the merge cluster of each row (1, 2, … by first row in window order; NULL for none). Rows join when they share an ore_body and lie within the larger reach; groups attach to their nearest anchor. Full rule: docs/architecture.md.';
