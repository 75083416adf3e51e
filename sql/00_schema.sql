-- mineconsol: schema-level objects.  The schema itself is created by
-- CREATE EXTENSION from the control file (schema = mineconsol).
--
-- Conventions of the SQL pieces:
--  * objects are created unqualified in the extension schema (the script runs
--    with search_path = mineconsol, <postgis schema>);
--  * a function that calls PostGIS pins that path with SET search_path FROM
--    CURRENT, so it finds PostGIS wherever it is installed and a caller's
--    search_path cannot redirect it; others pin pg_catalog, pg_temp; those
--    that run as their owner (and import_mines()) pin pg_catalog,
--    mineconsol, <postgis schema>, pg_temp (sql/templates/pin_search_path.sql);
--  * a temporary table, made by a script or by a function as it runs, is
--    named pg_temp.<name> wherever it is used: pg_temp is last on these
--    paths, so a bare name would find a table planted in public first
--    (test/shell/temp_names.sh checks it);
--  * each object carries "-- Availability: VERSION" (the release it appeared in).

COMMENT ON SCHEMA mineconsol IS
  'mineconsol: consolidation of city- and county-licensed mines (registry, classification, merge clusters, stage workflow, audit trail)';
