-- 20_registry.sql: normalize_geom() refuses to fire anywhere but on mines and
-- zones, and nobody calls it directly.
-- @replace sql/20_registry.sql CREATE FUNCTION normalize_geom(
REVOKE ALL ON FUNCTION normalize_geom() FROM PUBLIC;

-- The zones comment no longer ties A1 to the mining zones.
-- @copy sql/20_registry.sql COMMENT ON TABLE zones IS
