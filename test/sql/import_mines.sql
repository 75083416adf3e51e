\i test/setup.psql
BEGIN;
SELECT plan(40);

-- A county's register as COPY from CSV leaves it: every column text.
CREATE TEMP TABLE register (
	row_no int, license_no text, name text, holder text, holder_uscc text, county_code text,
	mineral text, ore_body text, corner_points text, reserves_t text, capacity text, capacity_unit text,
	valid_from text, valid_to text, eco_ok text, remarks text);
COPY register FROM STDIN WITH (FORMAT csv, HEADER true);
row_no,license_no,name,holder,holder_uscc,county_code,mineral,ore_body,corner_points,reserves_t,capacity,capacity_unit,valid_from,valid_to,eco_ok,remarks
1,C1409022019087110148436,东山采石场,忻州东山建材有限公司,91350200776049653A,140902,建筑石料用灰岩,dongshan,"拐点编号 X坐标 Y坐标
1 4254511.83 38389373.04
2 4254511.83 38389673.04
3 4254811.83 38389673.04
4 4254811.83 38389373.04
开采深度：+124.9米至+12.3米",250000,30000,m3/yr,2019-08-01,2024年7月31日,否,
2,1409022019087110148436,丢了C的矿,,,140902,,,,,,,,,,typo in the notice
3,C1409022019087110148437,错校验码矿,,91350200776049653B,140902,,,,,,,,,,
4,C1409022019087110148438,外县矿,,,999999,,,,,,,,,,
5,C1409022019087110148439,蝴蝶矿,,,140902,,,"1 4254511.83 38389373.04
2 4254811.83 38389673.04
3 4254811.83 38389373.04
4 4254511.83 38389673.04",,,,,,,
6,C1409022019087110148440,倒期矿,,,140902,,,,,,,2023-01-01,2022-12-31,,
7,C1409022019087110148441,负储量矿,,,140902,,,,-5,,,,,,
8,C1409022019087110148442,文字储量矿,,,140902,,,,三十万吨,,,,,,
9,,申请中矿,,,忻府区,建筑用砂,,,,,,,,,
10,C1409022019087110148436,又一个东山,,,140902,,,,,,,,,,duplicate licence number
11,C1409022019087110148443,西山砂场,忻州西山砂业有限公司,91440101MA5CJQ4N59,140921,建筑用砂,xishan,"J1,4254511.83,389373.04
J2,4254511.83,389673.04
J3,4254811.83,389673.04",120000,50000,t/yr,2020.01.01,2029.12.31,是,
12,C1409022019087110148444,缺坐标矿,,,140902,,,"1 4254511.83 38389373.04
2 4254511.83",,,,,,,
13,C1409022019087110148445,,,,140902,,,,,,,,,,no name
\.

CREATE TEMP TABLE report AS SELECT * FROM import_mines('register');

SELECT results_eq($$SELECT row_no, ok, mine_id IS NOT NULL FROM report ORDER BY row_no$$,
  $$VALUES (1::bigint, true, true), (2, false, false), (3, false, false), (4, false, false), (5, false, false),
           (6, false, false), (7, false, false), (8, false, false), (9, true, true), (10, false, false),
           (11, false, false), (12, false, false), (13, false, false)$$,
  'one report row per staging row, in row_no order: ok with the mine''s id, or refused without');
-- The refused rows: the error of each, naming the column.
SELECT is(r.error, c.error, c.what)
  FROM (VALUES
  (2, 'license_no: invalid input syntax for type license_no: "1409022019087110148436" — A licence number starts with "C" (mining) or "T" (exploration), not "1". A value of 22 digits is probably a mining licence number that lost its leading "C".',
   'a bad licence number: the column, the type''s message, detail and hint'),
  (3, 'holder_uscc: invalid input syntax for type uscc: "91350200776049653B" — The check character "B" at position 18 does not match the first 17 characters. The check character for "91350200776049653" is "A".',
   'a wrong check character of the credit code, with the right one'),
  (4, 'county_code: unknown county "999999" — A county is given by its GB/T 2260 code or its name as in mineconsol.counties.',
   'an unknown county'),
  (5, 'corner_points: invalid corner-point text at line 3: "3 4254811.83 38389373.04" — The ring of sub-area 1 crosses itself: the side from point 3 to point 4 meets the side from point 1 to point 2 near X 4254661.83, Y 38389523.04 (Self-intersection). Check the order of the corner points against the licence.',
   'an invalid geometry (self-crossing corner points), with the line'),
  (6, 'valid_to = 2022-12-31, valid_from = 2023-01-01: violates check constraint "mines_validity_order": CHECK ((valid_to >= valid_from))',
   'an end date before the start date'),
  (7, 'reserves_t = -5: violates check constraint "mines_reserves_nonnegative": CHECK ((reserves_t >= (0)::numeric))',
   'negative reserves'),
  (8, 'reserves_t: invalid input syntax for type numeric: "三十万吨"',
   'non-numeric reserves'),
  (10, 'license_no: licence number C1409022019087110148436 is also on row 1 of this register',
   'a licence number twice in one register: the later row is refused'),
  (11, 'corner_points: invalid corner-point text at line 1: "J1,4254511.83,389373.04" — The easting 389373.04 has no zone prefix, and no zone was given. Eastings with the zone prefix have 8 digits before the decimal point (38389373.04 is zone 38). For eastings without it, give the CGCS2000 3-degree zone: parse_corner_points(text, 38) for the zone of central meridian 114E.',
   'eastings without zone prefix and no zone column'),
  (12, 'corner_points: invalid corner-point text at line 2: "2 4254511.83" — Point 2 has an X (northing) but no Y (easting). A corner-point line is the point number, X, then Y.',
   'a missing coordinate'),
  (13, 'name: missing — Every mine needs a name.',
   'a row without a name')) AS c(row_no, error, what)
  LEFT JOIN report r ON r.row_no = c.row_no
 ORDER BY c.row_no;

-- --------------------------------------------------------- what landed
SELECT is((SELECT count(*)::int FROM mines), 2, 'only the good rows landed');
SELECT is((SELECT count(*)::int FROM mines m JOIN report r ON r.mine_id = m.id WHERE r.ok), 2,
  'every ok row names the mine it wrote');
SELECT results_eq($$SELECT license_no::text, name, holder, holder_uscc::text, county_code, mineral, ore_body,
                           reserves_t, capacity, capacity_unit, valid_from, valid_to, eco_ok, safety_ok, licensed_by, mineral_group
                      FROM mines WHERE name = '东山采石场'$$,
  $$VALUES ('C1409022019087110148436', '东山采石场', '忻州东山建材有限公司', '91350200776049653A', '140902',
            '建筑石料用灰岩', 'dongshan', 250000::numeric, 30000::numeric, 'm3/yr', '2019-08-01'::date, '2024-07-31'::date,
            false, true, 'county', 'sand_gravel_clay')$$,
  'a good row lands with every column cast: 2024年7月31日 is a date, 否 is false, absent flags and levels take their defaults');
SELECT results_eq($$SELECT ST_SRID(geom), GeometryType(geom), round(area_km2::numeric, 4), elev_top, elev_bottom
                      FROM mines WHERE name = '东山采石场'$$,
  $$VALUES (4547, 'MULTIPOLYGON', 0.0900, 124.9, 12.3)$$,
  'its corner points become the mining area in the working SRID, and their elevation range its elev_top/elev_bottom');
SELECT results_eq($$SELECT license_no IS NULL, county_code, geom IS NULL FROM mines WHERE name = '申请中矿'$$,
  $$VALUES (true, '140902', true)$$, 'a pending application without licence number; the county given by its name');

-- --------------------------------------------------------- re-import
UPDATE register SET reserves_t = '240000', holder = NULL WHERE row_no = 1;
UPDATE register SET corner_points = E'J1,4254511.83,389373.04\nJ2,4254511.83,389673.04\nJ3,4254811.83,389673.04\n开采标高：1280-1150米',
                    remarks = NULL WHERE row_no = 11;
ALTER TABLE register ADD COLUMN zone text;
UPDATE register SET zone = '38' WHERE row_no = 11;
CREATE TEMP TABLE report2 AS SELECT * FROM import_mines('register');
SELECT is((SELECT mine_id FROM report2 WHERE row_no = 1), (SELECT mine_id FROM report WHERE row_no = 1),
  're-importing updates the mine with the same licence number');
SELECT is((SELECT mine_id FROM report2 WHERE row_no = 9), (SELECT mine_id FROM report WHERE row_no = 9),
  're-importing a pending application updates it (same county and name)');
SELECT is((SELECT count(*)::int FROM mines), 3, 'nothing duplicated; the fixed row 11 landed');
SELECT results_eq($$SELECT reserves_t, holder FROM mines WHERE name = '东山采石场'$$,
  $$VALUES (240000::numeric, NULL::text)$$, 'the register''s new values replace the stored ones (an emptied cell too)');
SELECT results_eq($$SELECT ST_SRID(geom), round(area_km2::numeric, 4), elev_top, elev_bottom, valid_from, eco_ok FROM mines WHERE name = '西山砂场'$$,
  $$VALUES (4547, 0.0450, 1280::numeric, 1150::numeric, '2020-01-01'::date, true)$$,
  'plain eastings with a zone column; 2020.01.01 is a date and 是 is true');

-- A register with fewer columns: what it lacks stays as stored.
CREATE TEMP TABLE update_only (license_no text, name text, county_code text, reserves_t numeric, capacity text);
INSERT INTO update_only VALUES ('C1409022019087110148436', '东山采石场', '140902', 230000, '28000');
SELECT results_eq($$SELECT row_no, ok, error FROM mineconsol.import_mines('update_only')$$,
  $$VALUES (1::bigint, true, NULL::text)$$, 'a staging table without row_no: rows numbered in physical order');
SELECT results_eq($$SELECT reserves_t, capacity, capacity_unit, mineral, ore_body, ST_SRID(geom), elev_top FROM mines WHERE name = '东山采石场'$$,
  $$VALUES (230000::numeric, 28000::numeric, 'm3/yr', '建筑石料用灰岩', 'dongshan', 4547, 124.9)$$,
  'columns the staging table lacks keep their stored values');

-- --------------------------------------------------------- geometry columns (as ogr2ogr makes them)
CREATE TEMP TABLE layer (ogc_fid serial, license_no varchar, name varchar, county_code varchar,
  holder_usc varchar, elev_top float8, elev_botto float8, wkb_geometry geometry(Polygon, 4526));
INSERT INTO layer (license_no, name, county_code, holder_usc, elev_top, elev_botto, wkb_geometry) VALUES
  ('C1409222020037110000001', '北坡石场', '140922', '913502000728319549', 980, 900,
   ST_GeomFromText('POLYGON((38400000 4260000, 38400200 4260000, 38400200 4260200, 38400000 4260200, 38400000 4260000))', 4526)),
  ('C1409222020037110000002', '蝴蝶二矿', '140922', NULL, NULL, NULL,
   ST_GeomFromText('POLYGON((38400000 4261000, 38400100 4261100, 38400100 4261000, 38400000 4261100, 38400000 4261000))', 4526));
CREATE TEMP TABLE report3 AS SELECT * FROM import_mines('layer');
SELECT results_eq($$SELECT row_no, ok, error FROM report3 ORDER BY row_no$$,
  $$VALUES (1::bigint, true, NULL::text),
           (2, false, 'geom: geom is not a valid polygon: Self-intersection[38400050 4261050] — ST_IsValidReason says "Self-intersection[38400050 4261050]" (coordinates in SRID 4526). Check the order of the corner points; ST_MakeValid shows a repaired shape to compare with the licence.')$$,
  'ogr2ogr''s ogc_fid numbers the rows; an invalid polygon is refused with ST_IsValidReason');
SELECT results_eq($$SELECT holder_uscc::text, elev_top, elev_bottom, ST_SRID(geom), round(area_km2::numeric, 3) FROM mines WHERE name = '北坡石场'$$,
  $$VALUES ('913502000728319549', 980::numeric, 900::numeric, 4547, 0.040)$$,
  'wkb_geometry in EPSG 4526 lands in the working SRID; Shapefile names cut to 10 characters (holder_usc, elev_botto) are read');

CREATE TEMP TABLE wkt_register (row_no int, license_no text, name text, county_code text, geom text, corner_points text);
INSERT INTO wkt_register VALUES
  (1, NULL, '文本几何矿', '140923', 'SRID=4547;POLYGON((400000 4270000, 400100 4270000, 400100 4270100, 400000 4270000))', NULL),
  (2, NULL, '无SRID矿', '140923', 'POLYGON((400000 4270000, 400100 4270000, 400100 4270100, 400000 4270000))', NULL),
  (3, NULL, '乱码几何矿', '140923', 'POLYGON((400000 4270000, 400100', NULL),
  (4, NULL, '两个来源矿', '140923', 'SRID=4547;POLYGON((400000 4270000, 400100 4270000, 400100 4270100, 400000 4270000))',
   E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04');
CREATE TEMP TABLE report4 AS SELECT * FROM import_mines('wkt_register');
SELECT results_eq($$SELECT row_no, ok FROM report4 ORDER BY row_no$$,
  $$VALUES (1::bigint, true), (2, false), (3, false), (4, false)$$, 'geometry given as text (EWKT)');
SELECT is((SELECT error FROM report4 WHERE row_no = 2),
  'geom: geom has no SRID — Geometries must say their coordinate system; mineconsol stores them in SRID 4547 (parameter working_srid). Use ST_SetSRID(geom, srid) with the system the coordinates are in, e.g. 4526 for CGCS2000 zone 38 eastings with the zone prefix.',
  'a geometry without SRID is refused');
SELECT alike((SELECT error FROM report4 WHERE row_no = 3), 'geom: parse error - invalid geometry%', 'unreadable geometry text is refused');
SELECT is((SELECT error FROM report4 WHERE row_no = 4),
  'geom: both geom and corner_points are given — A mining area comes from one source: leave one of them empty.',
  'a row with both a geometry and corner points is refused');

-- --------------------------------------------------------- nothing half-loaded, bad staging tables
SELECT is((SELECT count(*)::int FROM mines WHERE name IN ('蝴蝶矿', '倒期矿', '负储量矿', '蝴蝶二矿', '无SRID矿', '两个来源矿')), 0,
  'a refused row leaves nothing behind');
CREATE TEMP TABLE no_name (row_no int, license_no text, county_code text, reserves_t text);
INSERT INTO no_name VALUES (1, 'C1409022019087110148499', '140902', '1');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('no_name')$$, '42703',
  'staging table no_name has no column "name"', 'a missing required column is an error before anything lands');
SELECT is((SELECT count(*)::int FROM mines WHERE license_no = 'C1409022019087110148499'), 0, 'and nothing landed');
CREATE TEMP TABLE two_geoms (license_no text, name text, county_code text, geom text, wkb_geometry geometry);
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('two_geoms')$$, '42702',
  'staging columns "geom" and "wkb_geometry" both give geom', 'two columns for one field are refused');
CREATE TEMP TABLE dup_rows (row_no int, license_no text, name text, county_code text);
INSERT INTO dup_rows VALUES (1, NULL, 'a', '140902'), (1, NULL, 'b', '140902');
SELECT throws_ok($$SELECT * FROM mineconsol.import_mines('dup_rows')$$, '23505',
  'row number 1 occurs 2 times in staging table dup_rows', 'row numbers must be unique');
SELECT is((SELECT count(*)::int FROM mines WHERE name IN ('a', 'b')), 0, 'and nothing landed');
INSERT INTO dup_rows VALUES (2, NULL, 'b', '140902'), (3, NULL, 'a', '140902');
DELETE FROM dup_rows WHERE row_no = 1;
SELECT results_eq($$SELECT row_no, ok, error FROM mineconsol.import_mines('dup_rows') ORDER BY row_no$$,
  $$VALUES (2::bigint, true, NULL::text), (3, true, NULL)$$, 'two pending applications with different names');
SELECT results_eq($$SELECT row_no, ok, error FROM mineconsol.import_mines('dup_rows') ORDER BY row_no$$,
  $$VALUES (2::bigint, true, NULL::text), (3, true, NULL)$$, 'imported twice');
SELECT is((SELECT count(*)::int FROM mines WHERE name IN ('a', 'b')), 2, 'still two mines');
SELECT is(provolatile::text || ' ' || proisstrict::text, 'v true', 'import_mines is VOLATILE and STRICT')
  FROM pg_proc WHERE oid = 'mineconsol.import_mines(regclass)'::regprocedure;

SELECT * FROM finish();
ROLLBACK;
