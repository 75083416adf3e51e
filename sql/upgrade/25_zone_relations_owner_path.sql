-- Functions that run as the owner refuse to run while a role other than a
-- superuser or the extension's owner may create objects in the schemas they
-- search (sql/25_zone_relations.sql: owner_search_path_check()).

-- Functions that run as the owner (SECURITY DEFINER) search pg_catalog,
-- mineconsol and PostGIS's schema.  pg_catalog comes first, but an operator
-- or function that matches the argument types better than pg_catalog's wins
-- from any schema on the path: a role that may CREATE in mineconsol's or
-- PostGIS's schema (PostgreSQL before 15 let PUBLIC create in public, a
-- cluster upgraded from one keeps that, and a database's owner owns public)
-- could make the owner run its code.  So each of them first checks that no
-- role but a superuser or the extension's owner may create objects there,
-- nor owns a function or operator there (one left behind while it could),
-- and refuses to run otherwise.
-- Availability: 0.2.0
-- @copy sql/25_zone_relations.sql CREATE FUNCTION owner_search_path_check(
-- @copy sql/25_zone_relations.sql COMMENT ON FUNCTION owner_search_path_check(
REVOKE ALL ON FUNCTION owner_search_path_check() FROM PUBLIC;

-- @replace sql/25_zone_relations.sql CREATE FUNCTION mines_zone_relations(

-- @replace sql/25_zone_relations.sql CREATE FUNCTION zones_zone_relations(

-- @replace sql/25_zone_relations.sql CREATE FUNCTION rebuild_zone_relations(

-- CREATE OR REPLACE dropped their SET clauses: pin them again.
-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.mines_zone_relations();mineconsol.zones_zone_relations();mineconsol.rebuild_zone_relations();mineconsol.zone_relation_lock(text[], boolean)"
