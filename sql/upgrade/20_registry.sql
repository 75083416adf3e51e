-- 20_registry.sql: normalize_geom() refuses to fire anywhere but on mines and
-- zones, and nobody calls it directly.
-- @replace sql/20_registry.sql CREATE FUNCTION normalize_geom(
REVOKE ALL ON FUNCTION normalize_geom() FROM PUBLIC;
