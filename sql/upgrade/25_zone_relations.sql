-- Zone relations (sql/25_zone_relations.sql): trigger functions that fire only on
-- their own table, pinned search_path, no EXECUTE for PUBLIC; per-county row
-- locks instead of a table lock; a county's zone relates only to its own
-- county's mines.

-- Availability: 0.2.0
-- @copy sql/25_zone_relations.sql CREATE TABLE zone_relation_locks (
ALTER TABLE zone_relation_locks ENABLE ROW LEVEL SECURITY;
-- @copy sql/25_zone_relations.sql COMMENT ON TABLE zone_relation_locks IS
COMMENT ON COLUMN zone_relation_locks.scope IS 'A county code (that county''s mines and zones), or ''*'' (the city-wide zones)';
INSERT INTO zone_relation_locks (scope) SELECT '*' UNION ALL SELECT code FROM counties;

-- Availability: 0.2.0
-- @copy sql/25_zone_relations.sql CREATE FUNCTION zone_relation_lock(
-- @copy sql/25_zone_relations.sql COMMENT ON FUNCTION zone_relation_lock(

-- mines_zone_relations(), zones_zone_relations() and
-- rebuild_zone_relations() take their 0.2.0 bodies in
-- 25_zone_relations_owner_path.sql, the piece that runs next.
-- @copy sql/25_zone_relations.sql COMMENT ON FUNCTION mines_zone_relations(

COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones only (refuses any other table, timing or level: 39P01): computes mine_zone_relations for the zones inserted or whose geometry, kind or county an update changed, drops those of the zones deleted. A county''s zone relates only to that county''s mines, a city-wide zone to every mine. Runs as the owner (every mine counts); not executable by PUBLIC.';

-- @copy sql/25_zone_relations.sql COMMENT ON FUNCTION rebuild_zone_relations(

-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.mines_zone_relations();mineconsol.zones_zone_relations();mineconsol.rebuild_zone_relations();mineconsol.zone_relation_lock(text[], boolean)"
-- @copy sql/25_zone_relations.sql REVOKE ALL ON FUNCTION mines_zone_relations(), zones_zone_relations(

-- A county's zone no longer relates to another county's mines.
DELETE FROM mine_zone_relations r
 USING zones z, mines m
 WHERE z.id = r.zone_id AND m.id = r.mine_id
   AND z.county_code IS NOT NULL AND z.county_code <> m.county_code;
