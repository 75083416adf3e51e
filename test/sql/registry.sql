\i test/setup.psql
BEGIN;
SELECT plan(81);

-- ---------------------------------------------------------------- tables
SELECT has_table('mineconsol', t, 'table ' || t) FROM unnest(ARRAY[
  'counties', 'mines', 'violations', 'zones', 'parameters', 'scale_thresholds', 'milestones']) AS t;
SELECT columns_are('mineconsol', 'mines', ARRAY[
  'id', 'license_no', 'name', 'holder', 'holder_uscc', 'county_code', 'licensed_by', 'mineral',
  'mineral_group', 'ore_body', 'geom', 'elev_top', 'elev_bottom', 'area_km2', 'reserves_t',
  'capacity', 'capacity_unit', 'valid_from', 'valid_to', 'expiry_cause', 'transfer_mode',
  'documents_incomplete', 'area_delineated', 'eco_ok', 'safety_ok', 'product_ok',
  'backward_process', 'restoration_ok', 'group_enterprise', 'downstream_processing',
  'green_listed', 'fake_consolidation_suspected', 'rectify_by', 'note'],
  'mines has the columns of the public interface');
SELECT col_type_is('mineconsol', 'mines', 'license_no', 'mineconsol', 'license_no', 'mines.license_no is a license_no');
SELECT col_type_is('mineconsol', 'mines', 'holder_uscc', 'mineconsol', 'uscc', 'mines.holder_uscc is a uscc');
SELECT col_type_is('mineconsol', 'mines', 'geom', 'geometry(MultiPolygon)', 'mines.geom is geometry(MultiPolygon)');
SELECT columns_are('mineconsol', 'violations', ARRAY[
  'id', 'mine_id', 'kind', 'occurred_on', 'penalized_on', 'doc_no', 'note'], 'violations columns');
SELECT columns_are('mineconsol', 'zones', ARRAY['id', 'kind', 'name', 'county_code', 'geom', 'note'], 'zones columns');
SELECT is(
  (SELECT count(*)::int FROM pg_class c
     WHERE c.relnamespace = 'mineconsol'::regnamespace AND c.relkind IN ('r', 'v')
       AND obj_description(c.oid, 'pg_class') IS NULL),
  0, 'every table and view has a comment');
SELECT is(
  (SELECT count(*)::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = 'mineconsol'::regnamespace AND c.relkind = 'r'
       AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL),
  0, 'every column has a comment');
SELECT is(
  (SELECT count(*)::int FROM pg_proc p
     WHERE p.pronamespace = 'mineconsol'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL),
  0, 'every function has a comment');

-- -------------------------------------------------------------- seeds
SELECT is((SELECT count(*)::int FROM counties WHERE kind = 'county' AND parent_code = '140900'), 14,
  'the 14 county-level units of Xinzhou');
SELECT is((SELECT name FROM counties WHERE code = '140900'), '忻州市', 'the city itself');
SELECT bag_eq($$SELECT name FROM counties WHERE kind = 'special_zone'$$,
  ARRAY['忻州经济开发区', '五台山风景名胜区'], 'the two special zones');
SELECT bag_eq($$SELECT name FROM parameters$$, ARRAY['merge_distance_m', 'small_area_km2', 'small_reserves_t',
  'penalty_count', 'penalty_window_years', 'safety_distance_m', 'reduction_target', 'restoration_years',
  'very_small_fraction', 'working_srid', 'max_vertices'],
  'every parameter docs/rules.md names is seeded, and max_vertices');
SELECT is((SELECT count(*)::int FROM parameters WHERE unit IS NULL OR clause IS NULL), 0,
  'every parameter has its unit and clause');
SELECT is(param('merge_distance_m'), 500::numeric, 'merge_distance_m is 500');
SELECT is(param('working_srid'), 4547::numeric, 'working_srid is 4547');
SELECT throws_ok($$SELECT mineconsol.param('no_such_thing')$$, '42704',
  'unknown mineconsol parameter "no_such_thing"', 'an unknown parameter is an error');
SELECT is((SELECT count(*)::int FROM scale_thresholds WHERE certainty = 'partial'), 4,
  'only the four scale rows docs/formats.md confirms, marked partial');
SELECT is((SELECT due FROM milestones WHERE track = 'scheme' AND stage = 'submitted'), '2022-10-30'::date,
  'schemes are due 2022-10-30');
SELECT is((SELECT due FROM milestones WHERE track = 'unit' AND stage = 'licensed'), '2023-12-31'::date,
  'retained mines are licensed by 2023-12-31');

-- --------------------------------------------------------- scale_class
SELECT is(scale_class('建筑石料用灰岩', 120000, 'm3/yr'), 'large', 'building stone 12×10⁴ m³/yr is large');
SELECT is(scale_class('建筑石料用灰岩', 60000, 'm3/yr'), 'medium', 'building stone 6×10⁴ m³/yr is medium');
SELECT is(scale_class('建筑石料用灰岩', 30000, 'm3/yr'), 'small', 'building stone 3×10⁴ m³/yr is small');
SELECT is(scale_class('建筑石料用灰岩', 4000, 'm3/yr'), 'very_small', 'under a tenth of the small bound is very small');
SELECT is(scale_class('建筑用砂', 4000, 'm3/yr'), 'unknown', 'no row for building sand: unknown, not a guess');
SELECT is(scale_class('建筑石料用灰岩', 60000, 't/yr'), 'unknown', 'a unit that does not match: unknown');
SELECT is(scale_class('石灰岩', NULL, 't/yr'), 'unknown', 'no capacity: unknown');
SELECT is(scale_class_of(NULL, 100, 50, 0.1), NULL, 'scale_class_of: no production, no class');
SELECT is(scale_class_of(4.9, 100, 50, 0.1), 'very_small', 'scale_class_of: under a tenth of medium_min is very small');

-- --------------------------------------------------------- parameters: bad values
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = -500 WHERE name = 'merge_distance_m'$$, '23514',
  'new row for relation "parameters" violates check constraint "parameters_value_nonnegative"',
  'a negative distance is refused');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 'five hundred' WHERE name = 'merge_distance_m'$$, '22P02',
  'invalid input syntax for type numeric: "five hundred"', 'a non-numeric value is refused');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 1.5 WHERE name = 'reduction_target'$$, '23514',
  'new row for relation "parameters" violates check constraint "parameters_ratio_at_most_one"',
  'a ratio above 1 is refused');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 4326 WHERE name = 'working_srid'$$, '22023',
  'working_srid 4326 is not a projected coordinate system in metres', 'working_srid must be projected');
SELECT is(param('merge_distance_m'), 500::numeric, 'the refused updates changed nothing');

-- --------------------------------------------------------- mines: good rows
-- A licence's area given in CGCS2000 zone 38 with prefixed eastings (EPSG 4526).
INSERT INTO mines (name, county_code, ore_body, reserves_t, valid_from, valid_to, geom)
VALUES ('东山采石场', '140902', 'dongshan-1', 250000, '2019-01-01', '2024-12-31',
        ST_Multi(ST_GeomFromText('POLYGON((38389373 4254511, 38389673 4254511, 38389673 4254811, 38389373 4254811, 38389373 4254511))', 4526)));
SELECT is((SELECT ST_SRID(geom) FROM mines WHERE name = '东山采石场'), 4547, 'another SRID is transformed to the working SRID');
SELECT is((SELECT GeometryType(geom) FROM mines WHERE name = '东山采石场'), 'MULTIPOLYGON', 'stored as a MultiPolygon');
SELECT ok((SELECT abs(area_km2 - 0.09) < 0.001 FROM mines WHERE name = '东山采石场'),
  'area_km2 derived from the geometry (300 m × 300 m = 0.09 km²)');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, area_km2) VALUES ('x', '140902', 1)$$, '428C9',
  'cannot insert a non-DEFAULT value into column "area_km2"', 'area_km2 is never typed in');
SELECT is(ST_AsText(working_geometry(ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 0))', 4547))),
  'MULTIPOLYGON(((0 0,10 0,10 10,0 0)))', 'working_geometry promotes a polygon');
-- PostGIS differs here: before 3.4 the column's type modifier refuses a bare
-- Polygon; from 3.4 on it promotes it to a MultiPolygon on the way in.  The
-- function tries the insert, undoes it and says which happened; the test
-- wants the answer of the PostGIS it runs on, so its output is the same on both.
CREATE FUNCTION pg_temp.insert_bare_polygon() RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
  stored text;
BEGIN
  INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('p', '140902',
    ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 0))', 4547)) RETURNING ST_GeometryType(geom) INTO stored;
  RAISE EXCEPTION 'stored as %', stored;  -- undoes the insert
EXCEPTION
  WHEN raise_exception THEN RETURN SQLERRM;
  WHEN OTHERS THEN RETURN SQLSTATE || ': ' || SQLERRM;
END
$f$;
SELECT is(pg_temp.insert_bare_polygon(),
  CASE WHEN string_to_array(substring(postgis_lib_version() FROM '^[0-9]+\.[0-9]+'), '.')::int[] >= '{3,4}'
       THEN 'stored as ST_MultiPolygon'
       ELSE '22023: Geometry type (Polygon) does not match column type (MultiPolygon)' END,
  'a bare Polygon meets the column''s type modifier: refused before PostGIS 3.4, promoted from 3.4 on');
UPDATE mines SET geom = working_geometry(ST_GeomFromText('POLYGON((389373 4254511, 389673 4254511, 389673 4254911, 389373 4254911, 389373 4254511))', 4547))
 WHERE name = '东山采石场';
SELECT ok((SELECT abs(area_km2 - 0.12) < 1e-9 FROM mines WHERE name = '东山采石场'), 'area_km2 follows an update of geom');

-- --------------------------------------------------------- mines: bad rows
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('无坐标矿', '140902',
  'MULTIPOLYGON(((0 0, 10 0, 10 10, 0 0)))')$$, '22023',
  'mining area of mine ''无坐标矿'' has no SRID', 'a geometry without SRID is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('空矿', '140902',
  ST_GeomFromText('MULTIPOLYGON EMPTY', 4547))$$, '22023',
  'mining area of mine ''空矿'' is empty', 'an empty geometry is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('蝴蝶矿', '140902',
  ST_GeomFromText('MULTIPOLYGON(((389000 4254000, 389100 4254100, 389100 4254000, 389000 4254100, 389000 4254000)))', 4547))$$, '22023',
  'mining area of mine ''蝴蝶矿'' is not a valid polygon: Self-intersection[389050 4254050]',
  'an invalid geometry is refused with the reason and where');
SELECT throws_ok($$SELECT mineconsol.working_geometry(ST_GeomFromText('LINESTRING(0 0, 1 1)', 4547), 'boundary')$$, '22023',
  'boundary must be a Polygon or MultiPolygon, got LineString', 'a line is not an area');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code) VALUES ('外县矿', '999999')$$, '23503',
  'insert or update on table "mines" violates foreign key constraint "mines_county_code_fkey"',
  'an unknown county is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, reserves_t) VALUES ('负储量', '140902', -1)$$, '23514',
  'new row for relation "mines" violates check constraint "mines_reserves_nonnegative"',
  'negative reserves are refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, valid_from, valid_to)
  VALUES ('倒期', '140902', '2023-01-01', '2022-12-31')$$, '23514',
  'new row for relation "mines" violates check constraint "mines_validity_order"',
  'a licence that ends before it starts is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, elev_top, elev_bottom)
  VALUES ('倒标高', '140902', 12.3, 124.9)$$, '23514',
  'new row for relation "mines" violates check constraint "mines_elevation_order"',
  'an elevation top below the bottom is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, licensed_by) VALUES ('x', '140902', 'village')$$, '23514',
  'new row for relation "mines" violates check constraint "mines_licensed_by_check"',
  'an unknown issuing level is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, capacity) VALUES ('x', '140902', 5)$$, '23514',
  'new row for relation "mines" violates check constraint "mines_capacity_needs_unit"',
  'a capacity without its unit is refused');
INSERT INTO mines (license_no, name, county_code) VALUES ('C1409022019087110148436', '甲', '140902');
SELECT throws_ok($$INSERT INTO mineconsol.mines (license_no, name, county_code)
  VALUES ('C1409022019087110148436', '乙', '140921')$$, '23505',
  'licence number C1409022019087110148436 is already registered', 'a duplicate licence number is refused');
SELECT throws_ok($$INSERT INTO mineconsol.mines (license_no, name, county_code) VALUES ('1409022019087110148436', '丙', '140902')$$,
  '22P02', NULL, 'a malformed licence number is refused by its type');
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, holder_uscc, county_code) VALUES ('丁', '91350200776049653B', '140902')$$,
  '22P02', NULL, 'a credit code with a wrong check character is refused by its type');
SELECT is((SELECT count(*)::int FROM mines), 2, 'the refused rows left nothing behind');

-- --------------------------------------------------------- violations
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on, doc_no)
SELECT id, 'illegal_mining', '2021-03-02', '2021-04-01', '忻规资罚〔2021〕12号' FROM mines WHERE name = '甲';
SELECT throws_ok($$INSERT INTO mineconsol.violations (mine_id, kind, occurred_on, penalized_on)
  SELECT id, 'illegal_mining', '2021-05-02', '2021-05-01' FROM mineconsol.mines WHERE name = '甲'$$, '23514',
  'new row for relation "violations" violates check constraint "violations_penalty_after_act"',
  'a penalty dated before the act it punishes is refused');
SELECT throws_ok($$INSERT INTO mineconsol.violations (mine_id, kind, occurred_on) VALUES (-1, 'other', '2021-01-01')$$, '23503',
  'insert or update on table "violations" violates foreign key constraint "violations_mine_id_fkey"',
  'a violation of an unknown mine is refused');
SELECT throws_ok($$INSERT INTO mineconsol.violations (mine_id, kind, occurred_on)
  SELECT id, 'theft', '2021-01-01' FROM mineconsol.mines WHERE name = '甲'$$, '23514',
  'new row for relation "violations" violates check constraint "violations_kind_check"',
  'an unknown violation kind is refused');

-- --------------------------------------------------------- zones
INSERT INTO zones (kind, name, county_code, geom)
VALUES ('scenic_area', '五台山', NULL, ST_Multi(ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(113.59, 39.05), 4490), 4526), 5000)));
SELECT is((SELECT ST_SRID(geom) FROM zones WHERE name = '五台山'), 4547, 'zones are stored in the working SRID too');
SELECT throws_ok($$INSERT INTO mineconsol.zones (kind, name, geom) VALUES ('red_zone', 'x',
  ST_GeomFromText('MULTIPOLYGON(((0 0, 10 0, 10 10, 0 0)))', 4547))$$, '23514',
  'new row for relation "zones" violates check constraint "zones_kind_check"', 'an unknown zone kind is refused');
SELECT throws_ok($$INSERT INTO mineconsol.zones (kind, name, geom) VALUES ('eco_redline', '无坐标红线',
  'MULTIPOLYGON(((0 0, 10 0, 10 10, 0 0)))')$$, '22023',
  'area of zone ''无坐标红线'' has no SRID', 'a zone without SRID is refused');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 4546 WHERE name = 'working_srid'$$, '0A000',
  'cannot change working_srid from 4547 to 4546',
  'the working SRID is fixed at installation');
SELECT throws_ok($$INSERT INTO mineconsol.parameters (name, value, unit, description) VALUES ('working_srid', 4546, 'srid', 'x')$$, '0A000',
  'cannot change working_srid from 4547 to 4546',
  '… also by inserting a replacement row');

-- ------------------------------------------------ mine-zone relations
-- Kept by triggers on mines and zones; the same as computing them afresh.
CREATE FUNCTION pg_temp.box(x float8, y float8, w float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000 + x, 4300000 + y, 500000 + x + w, 4300000 + y + w, 4547)) $$;
INSERT INTO zones (id, kind, name, geom) VALUES
  (9001, 'planned_mining', '规划区甲', pg_temp.box(0, 0, 1000)),
  (9002, 'eco_redline', '红线乙', pg_temp.box(900, 0, 1000)),
  (9003, 'eco_fragile', '脆弱区丙', pg_temp.box(0, 900, 1000));
INSERT INTO mines (id, name, county_code, geom) VALUES
  (9101, 'inside', '140902', pg_temp.box(100, 100, 100)),       -- covered by 9001 only
  (9102, 'straddles', '140902', pg_temp.box(950, 100, 100)),    -- half in 9001, inside 9002
  (9103, 'touches', '140902', pg_temp.box(1900, 100, 100)),     -- touches 9002's edge
  (9104, 'far', '140902', pg_temp.box(5000, 5000, 100));
CREATE TEMP VIEW rel AS
  SELECT string_agg(mine_id || '~' || zone_id || COALESCE(':' || round(overlap_km2::numeric, 4), ''), ' ' ORDER BY mine_id, zone_id) AS s
    FROM mine_zone_relations WHERE mine_id > 9100 AND mine_id < 9200;
CREATE TEMP VIEW rel_fresh AS
  SELECT count(*)::int AS differ FROM (
    (SELECT mine_id, zone_id, round(overlap_km2::numeric, 9) FROM mine_zone_relations
     EXCEPT SELECT m.id, z.id, round(zone_overlap_km2(z.kind, z.geom, m.geom)::numeric, 9)
              FROM zones z JOIN mines m ON m.geom && z.geom WHERE zone_relates(z.kind, z.geom, m.geom))
    UNION ALL
    (SELECT m.id, z.id, round(zone_overlap_km2(z.kind, z.geom, m.geom)::numeric, 9)
       FROM zones z JOIN mines m ON m.geom && z.geom WHERE zone_relates(z.kind, z.geom, m.geom)
     EXCEPT SELECT mine_id, zone_id, round(overlap_km2::numeric, 9) FROM mine_zone_relations)) d;
SELECT is((SELECT s FROM rel), '9101~9001 9102~9002:0.0100',
  'a covering planned zone and an overlapped red line (with the overlap area) relate; a touching one and a partial planned zone do not');
UPDATE mines SET geom = pg_temp.box(950, 950, 20) WHERE id = 9104;
SELECT is((SELECT s FROM rel), '9101~9001 9102~9002:0.0100 9104~9001 9104~9002:0.0004 9104~9003',
  'a mine moved into three zones relates to them');
UPDATE zones SET kind = 'concentrated_mining' WHERE id = 9002;
SELECT is((SELECT s FROM rel), '9101~9001 9102~9002 9104~9001 9104~9002 9104~9003',
  'a zone whose kind changes is related again: it covers both its mines, and keeps no overlap area');
UPDATE zones SET geom = pg_temp.box(-100, -100, 2000) WHERE id = 9002;
SELECT is((SELECT s FROM rel), '9101~9001 9101~9002 9102~9002 9104~9001 9104~9002 9104~9003',
  'a zone that grows covers more mines (not the one that still sticks out)');
DELETE FROM zones WHERE id = 9001;
DELETE FROM mines WHERE id = 9103;
SELECT is((SELECT s FROM rel), '9101~9002 9102~9002 9104~9002 9104~9003', 'deleted mines and zones take their relations along');
-- Updates that change no geometry (or zone kind) leave the relations alone:
-- a planted value survives them, and goes with the next real change.
UPDATE mine_zone_relations SET overlap_km2 = 42 WHERE mine_id = 9104 AND zone_id = 9002;
UPDATE mines SET note = 'checked' WHERE id IN (9101, 9102, 9104);
UPDATE zones SET name = '集中区乙' WHERE id = 9002;
SELECT is((SELECT overlap_km2 FROM mine_zone_relations WHERE mine_id = 9104 AND zone_id = 9002), 42::float8,
  'an update of other columns of mines or zones does not recompute the relations');
UPDATE mines SET geom = geom WHERE id = 9104;
SELECT is((SELECT overlap_km2 FROM mine_zone_relations WHERE mine_id = 9104 AND zone_id = 9002), 42::float8,
  '… nor does writing the same geometry again');
UPDATE mines SET geom = pg_temp.box(951, 950, 20) WHERE id = 9104;
SELECT is((SELECT overlap_km2 FROM mine_zone_relations WHERE mine_id = 9104 AND zone_id = 9002), NULL::float8,
  'a moved mine is related again');
SELECT is((SELECT differ FROM rel_fresh), 0, 'after all these edits the relations are what a fresh computation gives');
SELECT is(rebuild_zone_relations(), (SELECT count(*) FROM mine_zone_relations), 'rebuild_zone_relations() finds the same number');
SELECT is((SELECT differ FROM rel_fresh), 0, '… and the same relations');

SELECT * FROM finish();
ROLLBACK;
