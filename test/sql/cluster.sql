\i test/setup.psql
-- merge_cluster: every clause of the merge rule (docs/rules.md, M1 and L2), on hand-made layouts.
-- Coordinates are metres in SRID 4547; pg_temp.sq(x0, y0, x1, y1) is a square mine.
BEGIN;
SELECT plan(61);

CREATE FUNCTION pg_temp.sq(x0 float8, y0 float8, x1 float8, y1 float8)
RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_Multi(ST_MakeEnvelope(x0, y0, x1, y1, 4547)) $$;

CREATE TEMP TABLE lay (layout text, id int, geom geometry, ore text, reach float8, anchor boolean);

-- mc(layout): "id=cluster ..." in id order, the window ordered by id (or by id DESC)
CREATE FUNCTION pg_temp.mc(p_layout text, p_desc boolean DEFAULT false)
RETURNS text LANGUAGE sql
AS $$
  SELECT string_agg(id || '=' || coalesce(c::text, '.'), ' ' ORDER BY id)
    FROM (SELECT id, merge_cluster(geom, ore, reach, anchor) OVER (ORDER BY id) AS c
            FROM lay WHERE layout = p_layout AND NOT p_desc
          UNION ALL
          SELECT id, merge_cluster(geom, ore, reach, anchor) OVER (ORDER BY id DESC)
            FROM lay WHERE layout = p_layout AND p_desc) AS s
$$;

-- ---------------------------------------------------------------- the function
SELECT has_function('mineconsol', 'merge_cluster',
                    ARRAY['geometry', 'text', 'double precision', 'boolean'],
                    'merge_cluster(geometry, text, float8, boolean) exists');
SELECT is((SELECT prokind FROM pg_proc WHERE oid = 'mineconsol.merge_cluster(geometry,text,float8,boolean)'::regprocedure),
          'w'::"char", 'merge_cluster is a window function');
SELECT volatility_is('mineconsol', 'merge_cluster',
                     ARRAY['geometry', 'text', 'double precision', 'boolean'], 'immutable',
                     'merge_cluster is IMMUTABLE');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'mineconsol.merge_cluster(geometry,text,float8,boolean)'::regprocedure),
          's'::"char", 'merge_cluster is PARALLEL SAFE');
SELECT isnt_strict('mineconsol', 'merge_cluster',
                   ARRAY['geometry', 'text', 'double precision', 'boolean'],
                   'merge_cluster is not STRICT (NULL reach and anchor have meanings)');
SELECT ok(obj_description('mineconsol.merge_cluster(geometry,text,float8,boolean)'::regprocedure, 'pg_proc') LIKE '%nearest anchor%',
          'merge_cluster has a COMMENT');

-- The layouts below are rows of one table (lay) and each case is one line
-- calling mc(): alike in shape only, the data differ; not shared further.
-- ---------------------------------------------------------------- edges and groups
INSERT INTO lay VALUES
  -- a chain: 500 m gaps are edges (<= reach), 501 m is not; 1 and 3 are 1100 m apart
  ('chain', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('chain', 2, pg_temp.sq(600, 0, 700, 100), 'A', 500, false),
  ('chain', 3, pg_temp.sq(1200, 0, 1300, 100), 'A', 500, false),
  ('chain', 4, pg_temp.sq(1801, 0, 1900, 100), 'A', 500, false),
  -- the edge uses the larger reach of the two rows
  ('reach_max', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, false),
  ('reach_max', 2, pg_temp.sq(500, 0, 600, 100), 'A', 400, false),
  ('reach_max', 3, pg_temp.sq(1050, 0, 1150, 100), 'A', 450, false),
  -- other ore bodies never join, even on top of each other; case matters
  ('ore', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('ore', 2, pg_temp.sq(0, 0, 100, 100), 'B', 500, false),
  ('ore', 3, pg_temp.sq(50, 50, 150, 150), 'a', 500, false),
  ('ore', 4, pg_temp.sq(200, 0, 300, 100), 'B', 500, false);

SELECT is(pg_temp.mc('chain'), '1=1 2=1 3=1 4=.', 'chain: gaps of exactly reach join, 1 m more does not');
SELECT is(pg_temp.mc('reach_max'), '1=1 2=1 3=1', 'edge when the distance is within the larger of the two reaches');
SELECT is(pg_temp.mc('ore'), '1=. 2=1 3=. 4=1', 'only rows of the same ore body join');

-- ---------------------------------------------------------------- touching, overlapping, containing
INSERT INTO lay VALUES
  ('touch', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, false),
  ('touch', 2, pg_temp.sq(100, 0, 200, 100), 'A', 0, false),       -- shares an edge with 1
  ('touch', 3, pg_temp.sq(200, 100, 300, 200), 'A', 0, false),     -- shares a corner with 2
  ('touch', 4, pg_temp.sq(300.001, 100, 400, 200), 'A', 0, false), -- 1 mm from 3
  ('overlap', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, false),
  ('overlap', 2, pg_temp.sq(50, 50, 150, 150), 'A', 0, false),     -- boundaries cross
  ('overlap', 3, pg_temp.sq(1000, 0, 2000, 1000), 'A', 0, false),
  ('overlap', 4, pg_temp.sq(1400, 400, 1600, 600), 'A', 0, false), -- inside 3, no boundary contact
  ('overlap', 5, pg_temp.sq(3000, 0, 3100, 100), 'A', 0, false);
INSERT INTO lay VALUES
  -- a ring with a 400 m hole and a mine in the hole, 100 m from the ring
  ('hole', 1, ST_Multi(ST_MakePolygon(ST_ExteriorRing(ST_MakeEnvelope(0, 0, 1000, 1000, 4547)),
                                      ARRAY[ST_ExteriorRing(ST_MakeEnvelope(300, 300, 700, 700, 4547))])), 'A', 0, false),
  ('hole', 2, pg_temp.sq(400, 400, 600, 600), 'A', 0, false),
  ('hole_reach', 1, ST_Multi(ST_MakePolygon(ST_ExteriorRing(ST_MakeEnvelope(0, 0, 1000, 1000, 4547)),
                                            ARRAY[ST_ExteriorRing(ST_MakeEnvelope(300, 300, 700, 700, 4547))])), 'A', 100, false),
  ('hole_reach', 2, pg_temp.sq(400, 400, 600, 600), 'A', 100, false);

SELECT is(pg_temp.mc('touch'), '1=1 2=1 3=1 4=.', 'reach 0: a shared edge or corner joins, 1 mm apart does not');
SELECT is(pg_temp.mc('overlap'), '1=1 2=1 3=2 4=2 5=.', 'reach 0: overlapping and contained mines join');
SELECT is(pg_temp.mc('hole'), '1=. 2=.', 'a mine in another''s hole is 100 m away, not inside');
SELECT is(pg_temp.mc('hole_reach'), '1=1 2=1', 'and joins it with reach 100');

-- ---------------------------------------------------------------- distance is between areas, not centres or boxes
INSERT INTO lay VALUES
  -- 1 has a far part at x 5000; 2 is 500 m from that part, 5 km from 1's first part
  ('multi', 1, ST_Collect(ST_MakeEnvelope(0, 0, 100, 100, 4547), ST_MakeEnvelope(5000, 0, 5100, 100, 4547)), 'A', 500, false),
  ('multi', 2, pg_temp.sq(5600, 0, 5700, 100), 'A', 500, false),
  -- 3 covers 1's centroid but is 2 km from both of its parts
  ('centroid', 1, ST_Collect(ST_MakeEnvelope(0, 0, 100, 100, 4547), ST_MakeEnvelope(5000, 0, 5100, 100, 4547)), 'A', 500, false),
  ('centroid', 3, pg_temp.sq(2500, 0, 2600, 100), 'A', 500, false),
  -- long thin areas: centroids 20 km apart, the areas 350 m apart
  ('thin', 1, pg_temp.sq(0, 0, 20000, 50), 'A', 500, false),
  ('thin', 2, pg_temp.sq(19900, 400, 39900, 450), 'A', 500, false),
  -- an L-shaped mine whose bounding box covers 2, the area itself 600 m from it
  ('lshape', 1, ST_Multi(ST_GeomFromText('POLYGON((0 0, 2000 0, 2000 100, 100 100, 100 2000, 0 2000, 0 0))', 4547)), 'A', 500, false),
  ('lshape', 2, pg_temp.sq(700, 700, 800, 800), 'A', 500, false),
  -- rotated rectangles whose boxes overlap but whose areas are 600 m apart
  ('rotated', 1, ST_Multi(ST_Rotate(ST_MakeEnvelope(-2000, -25, 2000, 25, 4547), pi() / 4, ST_Point(0, 0, 4547))), 'A', 500, false),
  ('rotated', 2, ST_Multi(ST_Translate(ST_Rotate(ST_MakeEnvelope(-2000, -25, 2000, 25, 4547), pi() / 4, ST_Point(0, 0, 4547)),
                                       325 * sqrt(2), -325 * sqrt(2))), 'A', 500, false);

SELECT is(pg_temp.mc('multi'), '1=1 2=1', 'a multipolygon joins through its far part');
SELECT is(pg_temp.mc('centroid'), '1=. 3=.', 'a mine on another''s centroid but far from its parts does not join');
SELECT is(pg_temp.mc('thin'), '1=1 2=1', 'long thin areas join on their boundary distance, not their centroids');
SELECT is(pg_temp.mc('lshape'), '1=. 2=.', 'a mine in another''s bounding box but 600 m from its area does not join');
SELECT is(pg_temp.mc('rotated'), '1=. 2=.', 'rotated rectangles with overlapping boxes 600 m apart do not join');

-- ---------------------------------------------------------------- anchors
INSERT INTO lay VALUES
  -- two groups, an anchor between them: both groups go to the anchor
  ('between', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('between', 2, pg_temp.sq(400, 0, 500, 100), 'A', 500, false),
  ('between', 3, pg_temp.sq(900, 0, 1900, 100), 'A', 0, true),
  ('between', 4, pg_temp.sq(2300, 0, 2400, 100), 'A', 500, false),
  ('between', 5, pg_temp.sq(2700, 0, 2800, 100), 'A', 500, false),
  -- anchors are never joined: two touching anchors stay apart, each with its own group
  ('anchors_apart', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('anchors_apart', 2, pg_temp.sq(400, 0, 1000, 100), 'A', 0, true),
  ('anchors_apart', 3, pg_temp.sq(1000, 0, 1600, 100), 'A', 0, true),
  ('anchors_apart', 4, pg_temp.sq(1900, 0, 2000, 100), 'A', 500, false),
  ('anchors_apart', 5, pg_temp.sq(5000, 0, 6000, 100), 'A', 0, true),
  ('anchors_apart', 6, pg_temp.sq(6000, 0, 7000, 100), 'A', 0, true),
  -- the group goes to its nearest reachable anchor, measured from any member
  ('nearest', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('nearest', 2, pg_temp.sq(500, 0, 600, 100), 'A', 500, false),
  ('nearest', 3, pg_temp.sq(-400, 0, -300, 100), 'A', 0, true),  -- 300 m from 1
  ('nearest', 4, pg_temp.sq(750, 0, 850, 100), 'A', 0, true),    -- 150 m from 2
  -- a lone mine within reach of two anchors: the nearer one
  ('lone', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('lone', 2, pg_temp.sq(-500, 0, -400, 100), 'A', 0, true),     -- 400 m
  ('lone', 3, pg_temp.sq(400, 0, 500, 100), 'A', 0, true),       -- 300 m
  -- a tie: the anchor first in window order
  ('tie', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('tie', 2, pg_temp.sq(-500, 0, -400, 100), 'A', 0, true),      -- 400 m
  ('tie', 3, pg_temp.sq(500, 0, 600, 100), 'A', 0, true),        -- 400 m
  -- an anchor's own reach counts (the larger of the two)
  ('anchor_reach', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, false),
  ('anchor_reach', 2, pg_temp.sq(400, 0, 500, 100), 'A', 500, true),
  -- an anchor alone, and an anchor out of reach, are in no cluster
  ('anchor_alone', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, true),
  ('anchor_alone', 2, pg_temp.sq(700, 0, 800, 100), 'A', 500, false),
  ('anchor_alone', 3, pg_temp.sq(1300, 0, 1400, 100), 'A', 500, false),
  -- an anchor on another ore body is nobody's anchor
  ('anchor_ore', 1, pg_temp.sq(0, 0, 100, 100), 'B', 0, true),
  ('anchor_ore', 2, pg_temp.sq(200, 0, 300, 100), 'A', 500, false);

SELECT is(pg_temp.mc('between'), '1=1 2=1 3=1 4=1 5=1', 'two groups attach to the anchor between them: one cluster');
SELECT is(pg_temp.mc('anchors_apart'), '1=1 2=1 3=2 4=2 5=. 6=.', 'anchors are never joined to each other');
SELECT is(pg_temp.mc('nearest'), '1=1 2=1 3=. 4=1', 'a group attaches to the nearest anchor reachable from any member');
SELECT is(pg_temp.mc('lone'), '1=1 2=. 3=1', 'a lone mine within reach of two anchors goes to the nearer');
SELECT is(pg_temp.mc('tie'), '1=1 2=1 3=.', 'a tie goes to the anchor first in window order');
SELECT is(pg_temp.mc('tie', true), '1=1 2=. 3=1', 'with the window reversed, the tie goes to the other anchor');
SELECT is(pg_temp.mc('anchor_reach'), '1=1 2=1', 'an anchor''s own reach makes the edge');
SELECT is(pg_temp.mc('anchor_alone'), '1=. 2=1 3=1', 'an anchor nobody reaches is in no cluster');
SELECT is(pg_temp.mc('anchor_ore'), '1=. 2=.', 'an anchor of another ore body is not an anchor here');

-- ---------------------------------------------------------------- numbering
INSERT INTO lay VALUES
  ('numbering', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('numbering', 2, pg_temp.sq(10000, 0, 10100, 100), 'A', 500, false),
  ('numbering', 3, pg_temp.sq(300, 0, 400, 100), 'A', 500, false),
  ('numbering', 4, pg_temp.sq(20000, 0, 20100, 100), 'A', 500, false),
  ('numbering', 5, pg_temp.sq(10300, 0, 10400, 100), 'A', 500, false);

SELECT is(pg_temp.mc('numbering'), '1=1 2=2 3=1 4=. 5=2', 'clusters numbered by their first row in window order');
SELECT is(pg_temp.mc('numbering', true), '1=2 2=1 3=2 4=. 5=1', 'numbering follows a reversed window order');
SELECT is((SELECT string_agg(id || '=' || coalesce(c::text, '.'), ' ' ORDER BY id)
             FROM (SELECT id, merge_cluster(geom, ore, reach, anchor)
                                OVER (ORDER BY CASE id WHEN 4 THEN 0 ELSE id END) AS c
                     FROM lay WHERE layout = 'numbering') s),
          '1=1 2=2 3=1 4=. 5=2', 'a lone row first in the window takes no number');

-- ---------------------------------------------------------------- NULLs and empties
INSERT INTO lay VALUES
  ('nulls', 1, pg_temp.sq(0, 0, 100, 100), 'A', 500, false),
  ('nulls', 2, NULL, 'A', 500, false),
  ('nulls', 3, pg_temp.sq(100, 0, 200, 100), NULL, 500, false),   -- touches 1, but no ore body
  ('nulls', 4, pg_temp.sq(300, 0, 400, 100), 'A', NULL, false),   -- NULL reach is 0, 1 reaches it
  ('nulls', 5, ST_GeomFromText('MULTIPOLYGON EMPTY', 4547), 'A', 500, false),
  ('null_reach', 1, pg_temp.sq(0, 0, 100, 100), 'A', NULL, false),
  ('null_reach', 2, pg_temp.sq(300, 0, 400, 100), 'A', NULL, false),
  ('null_reach', 3, pg_temp.sq(400, 0, 500, 100), 'A', NULL, false),
  ('null_anchor', 1, pg_temp.sq(0, 0, 100, 100), 'A', 0, true),
  ('null_anchor', 2, pg_temp.sq(100, 0, 200, 100), 'A', 0, NULL);  -- NULL anchor is not an anchor

SELECT is(pg_temp.mc('nulls'), '1=1 2=. 3=. 4=1 5=.', 'NULL geometry, NULL ore body, empty geometry: no cluster; NULL reach: 0');
SELECT is(pg_temp.mc('null_reach'), '1=. 2=1 3=1', 'rows with NULL reach join only what touches');
SELECT is(pg_temp.mc('null_anchor'), '1=1 2=1', 'NULL anchor counts as false');
SELECT is((SELECT count(*) FROM (SELECT merge_cluster(geom, ore, reach, anchor) OVER () FROM lay WHERE false) s),
          0::bigint, 'an empty partition returns no rows');
SELECT is((SELECT merge_cluster(pg_temp.sq(0, 0, 1, 1), 'A', 500, false) OVER ()), NULL::int, 'a one-row partition: NULL');
SELECT is((SELECT merge_cluster(NULL::geometry, NULL, NULL, NULL) OVER ()), NULL::int, 'all-NULL arguments: NULL');
SELECT is((SELECT string_agg(id || '=' || coalesce(c::text, '.'), ' ' ORDER BY id)
             FROM (SELECT id, merge_cluster(geom, ore, reach, anchor)
                                OVER (PARTITION BY id <= 2 ORDER BY id) AS c
                     FROM lay WHERE layout = 'chain') s),
          '1=1 2=1 3=. 4=.', 'partitions are clustered apart (3 reaches only 2, in the other partition)');

-- ---------------------------------------------------------------- other geometry types
INSERT INTO lay VALUES
  ('types', 1, ST_Point(0, 0, 4547), 'A', 500, false),
  ('types', 2, ST_Point(400, 300, 4547), 'A', 500, false),                      -- 500 m from 1
  ('types', 3, ST_GeomFromText('LINESTRING(900 300, 900 5000)', 4547), 'A', 500, false), -- 500 m from 2
  ('types', 4, ST_GeomFromText('GEOMETRYCOLLECTION(POINT(5000 5000), POLYGON((1300 4000, 1400 4000, 1400 4100, 1300 4000)))', 4547), 'A', 500, false),
  ('types', 5, ST_GeomFromText('POLYGON Z((20000 0 5, 20100 0 5, 20100 100 5, 20000 0 5))', 4547), 'A', 500, false),
  ('types', 6, ST_GeomFromText('POINT M (20300 0 7)', 4547), 'A', 500, false);

SELECT is(pg_temp.mc('types'), '1=1 2=1 3=1 4=1 5=2 6=2', 'points, lines, collections and Z/M geometries are measured in x/y');

-- ---------------------------------------------------------------- errors
SELECT throws_ok($$ SELECT merge_cluster(geom, ore, -1, anchor) OVER () FROM lay WHERE layout = 'chain' $$,
                 '22023', 'merge_cluster reach must be a finite non-negative number, got -1',
                 'a negative reach raises 22023');
SELECT throws_ok($$ SELECT merge_cluster(geom, ore, 'NaN', anchor) OVER () FROM lay WHERE layout = 'chain' $$,
                 '22023', 'merge_cluster reach must be a finite non-negative number, got NaN',
                 'a NaN reach raises 22023');
SELECT throws_ok($$ SELECT merge_cluster(geom, ore, 'Infinity', anchor) OVER () FROM lay WHERE layout = 'chain' $$,
                 '22023', 'merge_cluster reach must be a finite non-negative number, got Infinity',
                 'an infinite reach raises 22023');
SELECT throws_ok($$ SELECT merge_cluster(geom, ore, CASE WHEN id = 3 THEN -0.5 ELSE 500 END, anchor) OVER (ORDER BY id)
                      FROM lay WHERE layout = 'chain' $$,
                 '22023', 'merge_cluster reach must be a finite non-negative number, got -0.5',
                 'a bad reach on one row raises 22023');
SELECT throws_ok($$ SELECT merge_cluster(g, 'A', 500, false) OVER (ORDER BY i)
                      FROM (VALUES (1, pg_temp.sq(0, 0, 1, 1)), (2, ST_SetSRID(pg_temp.sq(0, 0, 1, 1), 4326))) AS v(i, g) $$,
                 '22023', 'merge_cluster cannot mix SRID 4547 and SRID 4326 in one partition',
                 'two SRIDs in one partition raise 22023');
SELECT is((SELECT count(*) FROM (SELECT merge_cluster(g, 'A', 500, false) OVER (PARTITION BY i)
                                   FROM (VALUES (1, pg_temp.sq(0, 0, 1, 1)), (2, ST_SetSRID(pg_temp.sq(0, 0, 1, 1), 4326))) AS v(i, g)) s),
          2::bigint, 'two SRIDs in different partitions are fine');
SELECT throws_ok($$ SELECT merge_cluster(g, 'A', 500, false) OVER ()
                      FROM (VALUES (pg_temp.sq(0, 0, 1, 1)), (ST_GeomFromText('CIRCULARSTRING(0 0, 1 1, 2 0)', 4547))) AS v(g) $$,
                 '0A000', 'merge_cluster does not support curved geometries (row 2)',
                 'curved geometries raise 0A000');

-- the detail names the row
CREATE FUNCTION pg_temp.error_detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
SELECT is(pg_temp.error_detail($$ SELECT merge_cluster(geom, ore, CASE WHEN id = 3 THEN -0.5 ELSE 500 END, anchor) OVER (ORDER BY id)
                                    FROM lay WHERE layout = 'chain' $$),
          'Row 3 of the window partition has reach -0.5.', 'the reach error names the row');
SELECT is(pg_temp.error_detail($$ SELECT merge_cluster(g, 'A', 500, false) OVER (ORDER BY i)
                                    FROM (VALUES (1, pg_temp.sq(0, 0, 1, 1)), (2, ST_SetSRID(pg_temp.sq(0, 0, 1, 1), 4326))) AS v(i, g) $$),
          'Row 1 has SRID 4547, row 2 has SRID 4326.', 'the SRID error names the rows');

-- ---------------------------------------------------------------- window usage
SELECT is((SELECT string_agg(id || '=' || coalesce(c::text, '.'), ' ' ORDER BY id)
             FROM (SELECT id, merge_cluster(geom, ore, reach, anchor) OVER w AS c,
                          count(*) OVER w AS n
                     FROM lay WHERE layout = 'chain'
                   WINDOW w AS (ORDER BY id ROWS BETWEEN CURRENT ROW AND CURRENT ROW)) s),
          '1=1 2=1 3=1 4=.', 'the frame clause does not matter: the whole partition counts');
SELECT is((SELECT string_agg(id || '=' || coalesce(a::text, '.') || '/' || coalesce(b::text, '.'), ' ' ORDER BY id)
             FROM (SELECT id, merge_cluster(geom, ore, reach, anchor) OVER (ORDER BY id) AS a,
                          merge_cluster(geom, ore, 0, anchor) OVER (ORDER BY id) AS b
                     FROM lay WHERE layout = 'chain') s),
          '1=1/. 2=1/. 3=1/. 4=./.', 'two calls in one window keep their own state');
SELECT is((SELECT string_agg(id || '=' || coalesce(c::text, '.'), ' ' ORDER BY id)
             FROM (SELECT id, merge_cluster(geom, ore, 500, false) OVER (ORDER BY id) AS c
                     FROM lay WHERE layout = 'between') s),
          '1=1 2=1 3=1 4=1 5=1', 'constant reach and anchor arguments are read once');

-- ---------------------------------------------------------------- hostile geometries
-- Each of these crashed the server or hung it (ignoring statement_timeout,
-- pg_cancel_backend and pg_terminate_backend) before: each now answers or
-- raises 22023 well within the statement_timeout set here, which would end a
-- hang with 57014 and fail the test.
SET LOCAL statement_timeout = '5s';
-- mc_of(geoms, reach): the clusters of the geometries in array order, "." for none
CREATE FUNCTION pg_temp.mc_of(gs geometry[], r float8 DEFAULT 20) RETURNS text LANGUAGE sql
AS $$ SELECT string_agg(coalesce(c::text, '.'), ' ' ORDER BY i)
        FROM (SELECT i, merge_cluster(g, 'A', r, false) OVER (ORDER BY i) AS c
                FROM unnest(gs) WITH ORDINALITY AS u(g, i)) s $$;
SELECT is(pg_temp.mc_of(ARRAY['POLYGON((0 0,100 0,100 100,0 100,0 0))',
                              'MULTIPOLYGON(((40 105,60 105,60 120,40 105)),EMPTY)']::geometry[]),
          '1 1', 'a geometry whose last member is EMPTY (a segfault before) is read, 5 m from the square');
SELECT is(pg_temp.mc_of(ARRAY['MULTIPOLYGON(EMPTY,((40 105,60 105,60 120,40 105)),EMPTY,EMPTY)',
                              'POLYGON((0 0,100 0,100 100,0 100,0 0))',
                              'GEOMETRYCOLLECTION(POINT EMPTY,LINESTRING EMPTY,POLYGON EMPTY,MULTIPOINT(EMPTY,50 -10,EMPTY),GEOMETRYCOLLECTION EMPTY)',
                              'GEOMETRYCOLLECTION(POLYGON EMPTY,GEOMETRYCOLLECTION EMPTY)',
                              'MULTILINESTRING ZM(EMPTY,(300 0 1 2,400 0 1 2),EMPTY)',
                              'TRIANGLE((310 5,320 5,315 9,310 5))',
                              'POLYGON EMPTY']::geometry[]),
          '1 1 1 . 2 2 .', 'EMPTY members first, last and nested, of every type and with Z/M: skipped, the rest measured');
SELECT throws_ok($$ SELECT pg_temp.mc_of(ARRAY['POINT(-1e308 -1e308)', 'POINT(1e308 1e308)']::geometry[]) $$,
                 '22023', 'merge_cluster geometry of row 1 has a coordinate that is not finite or out of range',
                 'two points at -1e308 and 1e308 (a hang that ignored every cancel before) raise 22023 at once');
SELECT throws_ok($$ SELECT pg_temp.mc_of(ARRAY[ST_MakeEnvelope(1e307, 1e307, 1e308, 1e308), ST_MakeEnvelope(-1e308, -1e308, -1e307, -1e307)]) $$,
                 '22023', 'merge_cluster geometry of row 1 has a coordinate that is not finite or out of range',
                 'envelopes at 1e307 to 1e308 (a segfault in the grid before) raise 22023');
SELECT throws_ok($$ SELECT pg_temp.mc_of(ARRAY['POLYGON((0 0,100 0,100 100,0 100,0 0))', 'LINESTRING(0 0,NaN 5,10 10)']::geometry[]) $$,
                 '22023', 'merge_cluster geometry of row 2 has a coordinate that is not finite or out of range',
                 'a NaN vertex inside a line (accepted silently before) raises 22023');
SELECT throws_ok($$ SELECT pg_temp.mc_of(ARRAY['POINT(0 0)', ST_GeomFromWKB('\x010200000002000000000000000000f03f000000000000f03f000000000000f07f0000000000000000'::bytea)]) $$,
                 '22023', 'merge_cluster geometry of row 2 has a coordinate that is not finite or out of range',
                 'an infinite vertex raises 22023');
SELECT throws_ok($$ SELECT pg_temp.mc_of(ARRAY['POINT(0 0)', 'POINT(NaN 1)']::geometry[]) $$,
                 '22023', 'merge_cluster geometry of row 2 has a coordinate that is not finite or out of range',
                 'a point with one NaN ordinate is not POINT EMPTY: 22023');
SELECT is(pg_temp.mc_of(ARRAY['POINT(-1e15 -1e15)', 'POINT(1e15 1e15)', 'POINT(0 0)']::geometry[], 1.7976931348623157e308),
          '1 1 1', 'coordinates at the limit (1e15) with the largest finite reach: one cluster');
SELECT is(pg_temp.mc_of(ARRAY[ST_MakeEnvelope(-1e15, -1e15, -1e15 + 1, -1e15 + 1), 'POINT(1e15 1e15)', 'POINT(1e15 1e15)']::geometry[], 0),
          '. 1 1', '… and with reach 0: the grid spans 2e15 and still finds the touching pair');
SELECT is(pg_temp.mc_of(ARRAY['POINT(1e-310 1e-310)', 'POINT(3e-310 3e-310)', 'POINT(1 1)']::geometry[], 1e-309),
          '1 1 .', 'subnormal coordinates and reach: the grid has a sane cell');
SELECT is((SELECT count(c) FROM (SELECT merge_cluster(ST_Point(i, 0), 'A', 0.5, false) OVER () AS c
                                   FROM generate_series(1, 10000) i) s),
          0::bigint, 'ten thousand points 1 m apart with reach 0.5: no cluster');
RESET statement_timeout;

SELECT * FROM finish();
ROLLBACK;
