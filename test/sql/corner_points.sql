\i test/setup.psql
BEGIN;
SELECT plan(72);

-- error_text()
\i test/lib/helpers.sql

-- The licence of the issue: two sub-areas, labels, tabs, full-width commas.
CREATE TEMP TABLE licence (t text);
INSERT INTO licence VALUES (E'拐点编号  X坐标  Y坐标\n'
	'1  4254511.83  38389373.04\n'
	'2  4254511.83  38389673.04\n'
	'3  4254811.83  38389673.04\n'
	'4  4254811.83  38389373.04\n'
	'开采深度：+124.9米至+12.3米\n'
	'拐点编号\tX\tY\n'
	'1，4255011.83，38390373.04\n'
	'2，4255011.83，38390673.04\n'
	'3，4255311.83，38390673.04\n'
	'4，4255311.83，38390373.04\n'
	'开采标高：由1280米至1150米');
-- A 300 m square in zone 38 (prefixed eastings, EPSG 4526).
CREATE TEMP VIEW square AS SELECT
	'MULTIPOLYGON(((38389373.04 4254511.83,38389673.04 4254511.83,38389673.04 4254811.83,38389373.04 4254811.83,38389373.04 4254511.83)))'::text AS wkt;

-- ------------------------------------------------------------ valid forms
SELECT is(ST_AsText(parse_corner_points_raw(t)),
  'MULTIPOLYGON(((38389373.04 4254511.83,38389673.04 4254511.83,38389673.04 4254811.83,38389373.04 4254811.83,38389373.04 4254511.83)),'
  '((38390373.04 4255011.83,38390673.04 4255011.83,38390673.04 4255311.83,38390373.04 4255311.83,38390373.04 4255011.83)))',
  'two sub-areas, header labels, spaces, tabs, full-width commas: two polygons, X = northing, Y = easting')
  FROM licence;
SELECT is(ST_SRID(parse_corner_points_raw(t)), 4526, 'zone 38 with the prefix: EPSG 4526') FROM licence;
SELECT results_eq($$SELECT * FROM mineconsol.corner_point_elevations((SELECT t FROM licence))$$,
  $$VALUES (1, 2, 6, 4, 124.9, 12.3), (2, 8, 12, 4, 1280::numeric, 1150::numeric)$$,
  'corner_point_elevations: one row per sub-area with its lines, points and elevation range');
SELECT is(ST_AsText(parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n'
  '3 4254811.83 38389673.04\n4 4254811.83 38389373.04')), wkt, 'plain spaces, one sub-area') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'1\t4254511.83\t38389373.04\r\n2\t4254511.83\t38389673.04\r\n'
  '3\t4254811.83\t38389673.04\r\n4\t4254811.83\t38389373.04\r\n')), wkt, 'tabs and CRLF line ends') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'*,1,4254511.83,38389373.04\n*,2,4254511.83,38389673.04\n'
  '*,3,4254811.83,38389673.04\n*,4,4254811.83,38389373.04\n*,1,4254511.83,38389373.04')), wkt,
  '"*,1,X,Y" lines, the first point repeated to close the ring') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'J1 4254511.83 38389373.04\nJ2 4254511.83 38389673.04\n'
  'J3 4254811.83 38389673.04\nJ4 4254811.83 38389373.04\nJ5 4254511.83 38389373.04')), wkt,
  'J-prefixed point names, a closing point with its own name') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'１：４２５４５１１．８３，３８３８９３７３．０４\n２：４２５４５１１．８３，３８３８９６７３．０４\n'
  '３：４２５４８１１．８３，３８３８９６７３．０４\n４：４２５４８１１．８３，３８３８９３７３．０４')), wkt,
  'full-width digits, colons, commas and decimal points') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'矿区范围拐点坐标（2000国家大地坐标系，3度带）\n序号 X(m) Y(m)\n'
  '1号 4254511.83 38389373.04\n2号 4254511.83 38389673.04\n3号 4254811.83 38389673.04\n4号 4254811.83 38389373.04\n'
  '共4个拐点\n面积：0.09平方公里\n\n')), wkt,
  'labels with digits (coordinate system, count of points, area) and blank lines are skipped; 1号 names') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'1 4254511.83 389373.04\n2 4254511.83 389673.04\n3 4254811.83 389673.04', 38)),
  'MULTIPOLYGON(((389373.04 4254511.83,389673.04 4254511.83,389673.04 4254811.83,389373.04 4254511.83)))',
  'eastings without the zone prefix with the zone given: coordinates kept');
SELECT is(ST_SRID(parse_corner_points_raw(E'1 4254511.83 389373.04\n2 4254511.83 389673.04\n3 4254811.83 389673.04', 38)),
  4547, 'zone 38 without the prefix: EPSG 4547 (central meridian 114E)');
SELECT is(ST_SRID(parse_corner_points_raw(E'1 4318508.74 491337.36\n2 4318508.74 491637.36\n3 4318808.74 491637.36', 37)),
  4546, 'zone 37 without the prefix: EPSG 4546 (central meridian 111E)');
SELECT is(ST_SRID(parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04', 38)),
  4526, 'a zone argument that agrees with the prefix is accepted');
SELECT is(ST_NumGeometries(parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n'
  '1 4255011.83 38390373.04\n2 4255011.83 38390673.04\n3 4255311.83 38390673.04')), 2,
  'numbering restarting at 1 starts a new sub-area without an elevation line');
SELECT results_eq($$SELECT elev_top, elev_bottom FROM mineconsol.corner_point_elevations(
    E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采深度：1280-1150米\n'
    '1 4255011.83 38390373.04\n2 4255011.83 38390673.04\n3 4255311.83 38390673.04\n开采标高：-50米至-120米\n'
    '1 4256011.83 38390373.04\n2 4256011.83 38390673.04\n3 4256311.83 38390673.04\n高程 由 +12.3 米至 +124.9 米')$$,
  $$VALUES (1280::numeric, 1150::numeric), (-50, -120), (124.9, 12.3)$$,
  'elevations: "1280-1150" is a range, negative elevations keep their sign, the larger number is the top');
SELECT results_eq($$SELECT sub_area, elev_top FROM mineconsol.corner_point_elevations(
    E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04')$$,
  $$VALUES (1, NULL::numeric)$$, 'no elevation line: NULL elevations');
SELECT is(ST_AsText(ST_Normalize(parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n4 4254811.83 38389373.04\n开采深度 1280米至1150米\n'
  '1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采深度 1150米至1000米'))),
  ST_AsText(ST_Normalize(ST_GeomFromText(wkt))),
  'sub-areas stacked in depth over one footprint are merged: a valid MultiPolygon') FROM square;
SELECT is(ST_AsText(parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n2 4254511.83 38389673.04\n'
  '3 4254811.83 38389673.04\n4 4254811.83 38389373.04')), (SELECT wkt FROM square), 'a repeated point is dropped');
SELECT is(parse_corner_points_raw(NULL), NULL, 'NULL text: NULL');
SELECT is(parse_corner_points(NULL), NULL, 'parse_corner_points(NULL): NULL');
SELECT is(ST_SRID(parse_corner_points(t)), 4547, 'parse_corner_points: in the working SRID') FROM licence;
SELECT is(GeometryType(parse_corner_points(t)), 'MULTIPOLYGON', 'parse_corner_points: a MultiPolygon') FROM licence;
SELECT ok(abs(ST_Area(parse_corner_points(t)) - 180000) < 1, 'parse_corner_points: two 300 m squares, 0.18 km²') FROM licence;
SELECT is(ST_AsText(parse_corner_points(E'1 4254511.83 389373.04\n2 4254511.83 389673.04\n3 4254811.83 389673.04', 38)),
  'MULTIPOLYGON(((389373.04 4254511.83,389673.04 4254511.83,389673.04 4254811.83,389373.04 4254511.83)))',
  'parse_corner_points with zone 38 and plain eastings: already in the working SRID, exact');

-- ------------------------------------------------------------ check points (docs/formats.md, PROJ)
-- 38.4167N 112.7333E -> EPSG:4526 X 4254511.83, Y 38389373.04
SELECT ok(ST_Distance(ST_PointN(ST_ExteriorRing(ST_GeometryN(parse_corner_points_raw(t), 1)), 1),
                      ST_Transform(ST_SetSRID(ST_MakePoint(112.7333, 38.4167), 4490), 4526)) < 0.01,
  'check point 1: the parsed corner is within 1 cm of 38.4167N 112.7333E in EPSG 4526') FROM licence;
SELECT ok(ST_Distance(ST_PointN(ST_ExteriorRing(ST_GeometryN(parse_corner_points(wkt_text), 1)), 1),
                      ST_Transform(ST_SetSRID(ST_MakePoint(112.7333, 38.4167), 4490), 4547)) < 0.01,
  'check point 1: within 1 cm in the working SRID after parse_corner_points')
  FROM (SELECT E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04' AS wkt_text) x;
SELECT ok(abs(ST_X(c) - 112.7333) < 1e-7 AND abs(ST_Y(c) - 38.4167) < 1e-7,
  'check point 1: back in CGCS2000 (EPSG 4490) the corner is 112.7333E 38.4167N')
  FROM (SELECT ST_Transform(ST_PointN(ST_ExteriorRing(ST_GeometryN(parse_corner_points_raw(
          E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04'), 1)), 1), 4490) AS c) x;
-- 39.0N 110.9E -> EPSG:4525 X 4318508.74, Y 37491337.36
SELECT is(ST_SRID(parse_corner_points_raw(E'1 4318508.74 37491337.36\n2 4318508.74 37491637.36\n3 4318808.74 37491637.36')),
  4525, 'check point 2: zone 37 prefix gives EPSG 4525');
SELECT ok(ST_Distance(ST_PointN(ST_ExteriorRing(ST_GeometryN(parse_corner_points(
            E'1 4318508.74 37491337.36\n2 4318508.74 37491637.36\n3 4318808.74 37491637.36'), 1)), 1),
          ST_Transform(ST_SetSRID(ST_MakePoint(110.9, 39.0), 4490), 4547)) < 0.01,
  'check point 2: zone 37 corner moved to the working SRID (zone 38) lies within 1 cm of 39.0N 110.9E');
SELECT ok(abs(ST_X(c) - 110.9) < 1e-7 AND abs(ST_Y(c) - 39.0) < 1e-7,
  'check point 2: back in CGCS2000 (EPSG 4490) the corner is 110.9E 39.0N')
  FROM (SELECT ST_Transform(ST_PointN(ST_ExteriorRing(ST_GeometryN(parse_corner_points_raw(
          E'1 4318508.74 37491337.36\n2 4318508.74 37491637.36\n3 4318808.74 37491637.36'), 1)), 1), 4490) AS c) x;

-- ------------------------------------------------------------ bad input: 22P02 naming the line and the token
-- Each bad text and what it raises: with the detail, the whole error
-- ('SQLSTATE | message | detail', pg_temp.error_text(), which also checks
-- what throws_ok() would); else the SQLSTATE and message (throws_ok()).
CREATE TEMP TABLE bad (n int, sql text, sqlstate text, message text, error text, what text);
INSERT INTO bad VALUES
  (1, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83\n3 4254811.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "2 4254511.83" | Point 2 has an X (northing) but no Y (easting).',
   'a missing Y coordinate: the detail names the point'),
  (2, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\nJ2\n3 4254811.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "J2" | Point J2 has no X (northing) and no Y (easting).',
   'a point without coordinates: the detail names the point'),
  (3, $$SELECT mineconsol.parse_corner_points_raw(E'拐点编号 X Y\n1 4254511.83 389373.04\n2 4254511.83 389673.04\n3 4254811.83 389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "1 4254511.83 389373.04" | The easting 389373.04 has no zone prefix, and no zone was given.',
   'an easting without zone prefix and no zone given: the detail names the easting'),
  (4, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n开采深度：1280米至1150米')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "2 4254511.83 38389673.04" | Sub-area 1 has 2 distinct corner points; a ring needs at least 3.',
   'a ring of 2 points: the detail counts them'),
  (5, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n'
    '1 4255011.83 38390373.04\n2 4255011.83 38390673.04\n3 4255011.83 38390673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 6: "3 4255011.83 38390673.04" | Sub-area 2 has 2 distinct corner points; a ring needs at least 3.',
   'a second sub-area of 3 points with 2 distinct ones'),
  (6, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254811.83 38389673.04\n3 4254811.83 38389373.04\n4 4254511.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 3: "3 4254811.83 38389373.04" | The ring of sub-area 1 crosses itself: the side from point 3 to point 4 meets the side from point 1 to point 2 near X 4254661.83, Y 38389523.04 (Self-intersection).',
   'a self-crossing ring (bow tie): the detail names the sides and where they cross'),
  (7, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.O4\n3 4254811.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "2 4254511.83 38389673.O4" | The Y coordinate of point 2 is "38389673.O4", not a number.',
   'a garbage token (letter O for zero): the detail quotes it'),
  (8, $$SELECT mineconsol.parse_corner_points_raw(E'1 ４２５４５１１．８３ 38389373.04\n2 ４２５４５１１．８Ａ 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "2 ４２５４５１１．８Ａ 38389673.04" | The X coordinate of point 2 is "４２５４５１１．８Ａ", not a number.',
   'a garbage full-width token is quoted as written'),
  (9, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n备注 4254511.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "备注 4254511.83 38389673.04" | The line starts with "备注", which is not a point number, and it is neither an elevation range nor a label.',
   'a line that is neither a point, an elevation nor a label'),
  (10, $$SELECT mineconsol.parse_corner_points_raw(E'4254511.83 38389373.04\n4254511.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "4254511.83 38389373.04" | The line starts with the number "4254511.83" instead of a point number.',
   'a point without its number'),
  (11, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04 1280\n2 4254511.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "1 4254511.83 38389373.04 1280" | Unexpected "1280" after the Y coordinate of point 1.',
   'a token after Y'),
  (12, $$SELECT mineconsol.parse_corner_points_raw(E'1 38389373.04 4254511.83')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "1 38389373.04 4254511.83" | X of point 1 is 38389373.04 and Y is 4254511.83: X and Y seem to be swapped.',
   'X and Y swapped'),
  (13, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 3389373.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "1 4254511.83 3389373.04" | The easting 3389373.04 has 7 digits before the decimal point: neither a zone-prefixed easting (8 digits) nor a plain one (at most 6).',
   'a 7-digit easting (a lost digit)'),
  (14, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 12389373.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "1 4254511.83 12389373.04" | The zone prefix 12 of the easting 12389373.04 is not a CGCS2000 3-degree zone of China (25 to 45).',
   'a zone prefix outside China'),
  (15, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4318508.74 37491337.36')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 3: "3 4318508.74 37491337.36" | The easting 37491337.36 is in zone 37, but the easting on line 1 is in zone 38.',
   'mixed zones in one text: the detail names both zones and the first line'),
  (16, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 389673.04\n3 4254811.83 389673.04', 38)$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 2: "2 4254511.83 389673.04" | The easting 389673.04 is without the zone prefix, but the easting on line 1 is with it.',
   'eastings with and without the prefix in one text'),
  (17, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04', 37)$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "1 4254511.83 38389373.04" | The easting 38389373.04 is in zone 38, but zone 37 was given.',
   'a prefix that contradicts the zone argument'),
  (18, $$SELECT mineconsol.parse_corner_points_raw('')$$,
   '22P02', 'invalid corner-point text: no corner points',
   NULL,
   'empty text'),
  (19, $$SELECT mineconsol.parse_corner_points_raw(E'拐点编号 X坐标 Y坐标\n面积：0.09平方公里\n')$$,
   '22P02', 'invalid corner-point text: no corner points',
   NULL,
   'labels only'),
  (20, $$SELECT mineconsol.parse_corner_points_raw(E'开采深度：+124.9米至+12.3米\n1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "开采深度：+124.9米至+12.3米" | The elevation range has no corner points before it.',
   'an elevation line before any point'),
  (21, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采深度：+124.9米')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 4: "开采深度：+124.9米" | An elevation line gives two elevations (top and bottom), but this one has 1 number.',
   'an elevation line with one number'),
  (22, $$SELECT mineconsol.parse_corner_points_raw(E'西安80坐标系\n1 4254511.83 38389373.04')$$,
   NULL, NULL,
   '22P02 | invalid corner-point text at line 1: "西安80坐标系" | The coordinates are not in CGCS2000: only CGCS2000 (2000国家大地坐标系) corner points are read.',
   'Xi''an 1980 coordinates are refused, not misread as CGCS2000'),
  (23, $$SELECT mineconsol.parse_corner_points_raw(E'1 4254511.83 389373.04', 12)$$,
   '22023', 'zone 12 is not a CGCS2000 3-degree zone of China',
   NULL,
   'a zone argument outside 25..45'),
  (24, $$SELECT mineconsol.parse_corner_points(E'1 4254511.83 38389373.04\n2 4254511.83')$$,
   '22P02', 'invalid corner-point text at line 2: "2 4254511.83"',
   NULL,
   'parse_corner_points raises the parser''s errors'),
  (25, $$SELECT * FROM mineconsol.corner_point_elevations(E'1 4254511.83 38389373.04\n2 4254511.83')$$,
   '22P02', 'invalid corner-point text at line 2: "2 4254511.83"',
   NULL,
   'corner_point_elevations raises them too');
SELECT CASE WHEN error IS NULL THEN throws_ok(sql, sqlstate, message, what)
            ELSE is(pg_temp.error_text(sql), error, what) END
  FROM bad ORDER BY n;

-- ------------------------------------------------------------ catalog
SELECT is(provolatile::text, 'i', 'parse_corner_points_raw is IMMUTABLE')
  FROM pg_proc WHERE oid = 'mineconsol.parse_corner_points_raw(text, integer)'::regprocedure;
SELECT is(provolatile::text, 's', 'parse_corner_points is STABLE (reads working_srid)')
  FROM pg_proc WHERE oid = 'mineconsol.parse_corner_points(text, integer)'::regprocedure;
SELECT is(proparallel::text, 's', 'parse_corner_points is PARALLEL SAFE')
  FROM pg_proc WHERE oid = 'mineconsol.parse_corner_points(text, integer)'::regprocedure;
SELECT isnt(obj_description(p.oid, 'pg_proc'), NULL, 'comment on ' || p.oid::regprocedure::text)
  FROM pg_proc p WHERE p.oid IN ('mineconsol.parse_corner_points_raw(text, integer)'::regprocedure,
    'mineconsol.parse_corner_points(text, integer)'::regprocedure,
    'mineconsol.corner_point_elevations(text, integer)'::regprocedure,
    'mineconsol.import_mines(regclass)'::regprocedure)
  ORDER BY p.proname;
SELECT is(ST_SRID(parse_corner_points(t)), param('working_srid')::int, 'parse_corner_points returns the working SRID')
  FROM licence;

-- ------------------------------------------------------------ bounds
-- A 200 000-digit elevation passed the parser and overflowed numeric in
-- corner_point_elevations (22003); now the parser refuses it, quoting only
-- the first 120 bytes of the line.
SELECT is(pg_temp.error_text($$SELECT * FROM mineconsol.corner_point_elevations(
            E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采标高：' || repeat('9', 200000) || '米至1150米')$$),
  '22P02 | invalid corner-point text at line 4: "开采标高：' || repeat('9', 105) || '..." | The elevation "' || repeat('9', 120)
    || '..." is not an elevation in metres: at most 5 digits before and 6 after the decimal point.',
  'a 200 000-digit elevation is refused by the parser (22P02), the message cut at 120 bytes');
SELECT throws_ok($$SELECT mineconsol.parse_corner_points_raw(
            E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采标高：' || repeat('9', 200000) || '米至1150米')$$,
  '22P02', NULL, '… by parse_corner_points_raw as well');
SELECT is(pg_temp.error_text($$SELECT * FROM mineconsol.corner_point_elevations(
            E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采标高：100000米至1150米')$$),
  '22P02 | invalid corner-point text at line 4: "开采标高：100000米至1150米" | The elevation "100000" is not an elevation in metres: at most 5 digits before and 6 after the decimal point.',
  'an elevation of 100 000 m is refused');
SELECT is((SELECT row(elev_top, elev_bottom)::text FROM mineconsol.corner_point_elevations(
            E'1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n开采标高：+0099999.5米至-99999.123456米')),
  '(99999.5,-99999.123456)', 'elevations within 5 + 6 digits (leading zeros not counted) are read');
SELECT is(pg_temp.error_text($$SELECT mineconsol.parse_corner_points_raw(
            E'1 4254511.83 38389373.04\n2 4254511.83 38389673.040000000001\n3 4254811.83 38389673.04')$$),
  '22P02 | invalid corner-point text at line 2: "2 4254511.83 38389673.040000000001" | The Y coordinate of point 2, "38389673.040000000001", has more digits than a coordinate in metres: at most 10 before and 10 after the decimal point.',
  'a coordinate with 12 decimals is refused');
SELECT is(pg_temp.error_text($$SELECT mineconsol.parse_corner_points_raw(
            E'1 ' || repeat('4', 5000) || E' 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04')$$),
  '22P02 | invalid corner-point text at line 1: "1 ' || repeat('4', 118) || '..." | The X coordinate of point 1, "'
    || repeat('4', 120) || '...", has more digits than a coordinate in metres: at most 10 before and 10 after the decimal point.',
  'a 5000-digit coordinate is refused, quoted in part');
SELECT is(pg_temp.error_text($$SELECT mineconsol.parse_corner_points_raw(repeat('1 ', 600000))$$),
  '22P02 | invalid corner-point text: 1200000 bytes, more than 1048576 | ',
  'a text over 1 MB is refused before it is read');
SELECT is(pg_temp.error_text($$SELECT mineconsol.parse_corner_points_raw(repeat(E'\n', 100000) || E'1 4254511.83 38389373.04')$$),
  '22P02 | invalid corner-point text: more than 100000 lines | ',
  'a text of more than 100 000 lines (hence points) is refused');
SELECT is(pg_temp.error_text($$SELECT mineconsol.parse_corner_points_raw(string_agg(
            format(E'1 %s 38389373.04\n2 %s 38389473.04\n3 %s 38389473.04', 4254511 + i, 4254511 + i, 4254411 + i), E'\n'))
            FROM generate_series(1, 10001) i$$),
  '22P02 | invalid corner-point text at line 30001: "1 4264512 38389373.04" | The text has more than 10000 sub-areas.',
  'a text of more than 10 000 sub-areas is refused');

SELECT * FROM finish();
ROLLBACK;
