-- import_mines (sql/50_ingest.sql): reads only a plain table of the importer's
-- own with columns of trusted types, as their output text, under a pinned
-- search_path.

-- @replace sql/50_ingest.sql CREATE FUNCTION import_mines(
COMMENT ON FUNCTION import_mines(regclass) IS
$$Loads a county's register from a staging table (COPY from CSV, or ogr2ogr from Shapefile/GeoJSON/GeoPackage) into mines and returns one row per staging row: row_no, ok, the mine's id, or the reason it was refused ("column: message — detail"). Staging columns are matched by name (those of mines, plus corner_points text, zone, geom/wkb_geometry, row_no/ogc_fid; Shapefile names cut to 10 characters work; any type, values are trimmed text; unknown columns are ignored with a NOTICE); license_no, name and county_code are required (42703). Each row is validated and written in its own subtransaction: it lands whole or not at all, and the first fault is reported. A licence number already in mines updates that mine (a pending application without number: county and name); columns the staging table lacks keep their stored values. Rows are numbered by row_no, else ogc_fid, else their physical order. The staging table must be a plain table that the importing role owns (42809 for a view or foreign table, 42501 for another role's table) whose columns are of built-in types, PostGIS geometry, license_no or uscc (42804 otherwise): nothing another role owns runs with the importer's rights.$$;

-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.import_mines(regclass)"
