\i test/setup.psql
-- Bounds on the geometries of mines and zones (working_geometry, parameter
-- max_vertices): a county cannot store a mining area that stalls the city's
-- spatial rules, nor coordinates that are NaN, infinite or absurd.
BEGIN;
SELECT plan(23);

-- comb(n, x, y): a valid comb-shaped polygon of n vertices (closing vertex
-- included) in SRID 4547, teeth 0.5 m apart and 100 m long, from (x, y).
CREATE FUNCTION pg_temp.comb(n int, x float8 DEFAULT 400000, y float8 DEFAULT 4250000) RETURNS geometry
LANGUAGE sql AS $$
  SELECT ST_SetSRID(ST_MakePolygon(ST_MakeLine(p ORDER BY k)), 4547)
    FROM (SELECT i AS k, ST_MakePoint(x + i * 0.5, y + CASE WHEN i % 2 = 0 THEN 0 ELSE 100 END) AS p
            FROM generate_series(0, n - 4) i
          UNION ALL SELECT n, ST_MakePoint(x + (n - 4) * 0.5, y - 10)
          UNION ALL SELECT n + 1, ST_MakePoint(x, y - 10)
          UNION ALL SELECT n + 2, ST_MakePoint(x, y)) AS s
$$;
-- error_text()
\i test/lib/helpers.sql

-- ---------------------------------------------------------------- the parameter
SELECT is((SELECT row(value, unit)::text FROM parameters WHERE name = 'max_vertices'), '(10000,count)',
  'max_vertices is seeded: 10 000 vertices');
SELECT isnt((SELECT description FROM parameters WHERE name = 'max_vertices'), NULL, '… with a description');
SELECT is(ST_NPoints(pg_temp.comb(10001)), 10001, 'the test comb has the vertices it is asked for');
SELECT ok(ST_IsValid(pg_temp.comb(10001)), '… and is a valid polygon');

-- ---------------------------------------------------------------- working_geometry
SELECT is(ST_NPoints(working_geometry(pg_temp.comb(10000))), 10000, 'a mining area of exactly max_vertices vertices is stored');
SELECT is(pg_temp.error_text($$SELECT mineconsol.working_geometry(pg_temp.comb(10001))$$, true),
  '22023 | geometry has 10001 vertices, more than the limit of 10000 | Simplify the boundary (ST_SimplifyPreserveTopology), or have the DBA raise the parameter max_vertices in mineconsol.parameters.',
  'one vertex more is refused with 22023, naming the count, the limit and the parameter');
SELECT is(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_SetSRID('POLYGON((0 0,10 0,NaN 5,10 10,0 10,0 0))'::geometry, 4547))$$, true),
  '22023 | geometry has a vertex (NaN 5) with a coordinate that is not finite or whose absolute value exceeds 100000000 | Check the SRID the coordinates are in, and the order and units of the numbers.',
  'a NaN vertex inside a polygon is refused');
SELECT is(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_SetSRID('MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((20 0,30 0,30 10,NaN NaN,20 0)))'::geometry, 4547))$$, true),
  '22023 | geometry has a vertex (NaN NaN) with a coordinate that is not finite or whose absolute value exceeds 100000000 | Check the SRID the coordinates are in, and the order and units of the numbers.',
  '… in the second polygon of a MultiPolygon too');
SELECT is(split_part(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_SetSRID(ST_GeomFromWKB(
            '\x0103000000010000000400000000000000000000000000000000000000000000000000f07f0000000000000000000000000000f03f000000000000f03f00000000000000000000000000000000'::bytea), 4547))$$, true), ' | ', 2),
  'geometry has a vertex (Infinity 0) with a coordinate that is not finite or whose absolute value exceeds 100000000',
  'an infinite vertex (from WKB) is refused');
SELECT is(split_part(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_MakeEnvelope(1e307, 1e307, 1e308, 1e308, 4547))$$, true), ' | ', 1),
  '22023', 'an envelope at 1e307 to 1e308 is refused');
SELECT is(split_part(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_MakeEnvelope(0, 0, 100000001, 10, 4547))$$, true), ' | ', 2),
  'geometry has a vertex (100000001 10) with a coordinate that is not finite or whose absolute value exceeds 100000000',
  'a vertex beyond 1e8 m is refused');
SELECT is(ST_XMax(working_geometry(ST_MakeEnvelope(99999990, 0, 100000000, 10, 4547))), 1e8::float8,
  '… one at 1e8 m is stored');
SELECT is(split_part(pg_temp.error_text($$SELECT mineconsol.working_geometry(ST_MakeEnvelope(0, 0, 1e9, 10, 4326))$$, true), ' | ', 1),
  '22023', 'the bound holds in the input''s SRID too, before any transform');

-- ---------------------------------------------------------------- as a county clerk
CREATE ROLE mc_gb_clerk IN ROLE mineconsol_editor;
INSERT INTO role_counties (role_name, county_code) VALUES ('mc_gb_clerk', '140902');
INSERT INTO mines (id, name, county_code, geom) VALUES
  (9001, 'small', '140902', ST_Multi(ST_MakeEnvelope(400000, 4250000, 400100, 4250100, 4547)));
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset
SET LOCAL ROLE mc_gb_clerk;
SELECT throws_ok($$INSERT INTO mineconsol.mines (name, county_code, geom) VALUES ('comb', '140902', ST_Multi(pg_temp.comb(200003)))$$,
  '22023', 'mining area of mine ''comb'' has 200003 vertices, more than the limit of 10000',
  'a clerk''s 200 003-vertex comb (the mine that stalled the city) is refused on insert');
SELECT is((SELECT count(*) FROM mines WHERE name = 'comb'), 0::bigint, '… and nothing is stored');
SELECT throws_ok($$UPDATE mineconsol.mines SET geom = ST_Multi(pg_temp.comb(10001)) WHERE id = 9001$$,
  '22023', 'mining area of mine ''small'' has 10001 vertices, more than the limit of 10000',
  'an update to a 10 001-vertex comb is refused');
SELECT is((SELECT ST_NPoints(geom) FROM mines WHERE id = 9001), 5, '… and the mining area is unchanged');
SELECT throws_ok($$UPDATE mineconsol.mines SET geom = ST_Multi(ST_SetSRID('POLYGON((400000 4250000,400100 4250000,NaN 4250050,400100 4250100,400000 4250000))'::geometry, 4547)) WHERE id = 9001$$,
  '22023', 'mining area of mine ''small'' has a vertex (NaN 4250050) with a coordinate that is not finite or whose absolute value exceeds 100000000',
  'a NaN vertex is refused on update');
SELECT throws_ok($$UPDATE mineconsol.parameters SET value = 1000000 WHERE name = 'max_vertices'$$,
  '42501', 'permission denied for table parameters', 'a clerk cannot raise max_vertices');
RESET ROLE;
SELECT is((SELECT ST_NPoints(geom) FROM mines WHERE id = 9001), 5, 'the mining area is still the clerk''s five-vertex square');

-- ---------------------------------------------------------------- zones, and the DBA's limit
SELECT throws_ok($$INSERT INTO mineconsol.zones (kind, name, geom) VALUES ('eco_redline', '梳子', ST_Multi(pg_temp.comb(10001)))$$,
  '22023', 'area of zone ''梳子'' has 10001 vertices, more than the limit of 10000', 'a zone is bound by max_vertices too');
UPDATE parameters SET value = 20000 WHERE name = 'max_vertices';
SELECT lives_ok($$INSERT INTO mineconsol.zones (kind, name, geom) VALUES ('eco_redline', '梳子', ST_Multi(pg_temp.comb(10001)))$$,
  'once the DBA raises max_vertices, the detailed zone is stored');
SELECT is((SELECT seeded FROM parameters WHERE name = 'max_vertices'), false, '… and the edit is the DBA''s (pg_dump keeps it)');

SELECT * FROM finish();
ROLLBACK;
