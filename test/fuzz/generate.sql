-- Statements for test/shell/fuzz.sh: random and adversarial input for every C
-- entry point of mineconsol, one statement per row, in batches.  Deterministic
-- (setseed), so a failure can be replayed.  Geometries are written as hex
-- EWKB that PostGIS itself accepts, so that any error comes from mineconsol.
SELECT setseed(:seed) \gset

-- Adversarial geometries: EMPTY parts anywhere, every type, Z/M, NaN and
-- infinite ordinates, huge and tiny magnitudes, large vertex counts.
CREATE TEMP TABLE fz_base (g geometry);
INSERT INTO fz_base SELECT ST_GeomFromEWKT(t) FROM unnest(ARRAY[
	'MULTIPOLYGON(((40 105,60 105,60 120,40 105)),EMPTY)',
	'MULTIPOLYGON(EMPTY,((0 0,1 0,1 1,0 0)),EMPTY)',
	'POLYGON((0 0,100 0,100 100,0 100,0 0),(10 10,20 10,20 20,10 10))',
	'GEOMETRYCOLLECTION(POINT EMPTY,LINESTRING EMPTY,POLYGON EMPTY,MULTIPOINT(EMPTY,3 3),GEOMETRYCOLLECTION EMPTY)',
	'GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 1),LINESTRING EMPTY)),POLYGON EMPTY)',
	'MULTILINESTRING ZM((0 0 1 2,1 1 1 2),EMPTY)',
	'MULTIPOINT Z(EMPTY,1 2 3,EMPTY)',
	'TIN(((0 0 0,0 0 1,0 1 0,0 0 0)))',
	'POLYHEDRALSURFACE(((0 0 0,0 1 0,1 1 0,0 0 0)))',
	'TRIANGLE((0 0,0 9,9 0,0 0))',
	'POINT M (1 2 3)',
	'POINT EMPTY',
	'LINESTRING(0 0,NaN 5,10 10)',
	'POINT(NaN 1)',
	'POLYGON((0 0,1e308 0,1e308 1e308,0 0))',
	'MULTIPOINT(-1e308 -1e308,1e308 1e308)',
	'LINESTRING(-1e15 -1e15,1e15 1e15)',
	'POINT(1e-310 -1e-310)',
	'LINESTRING(1e307 1e307,-1e307 -1e307)',
	'CIRCULARSTRING(0 0,1 1,2 0)'
]) t;
INSERT INTO fz_base SELECT ST_GeomFromWKB(b) FROM unnest(ARRAY[
	-- LINESTRING(1 1, Infinity 0) and POLYGON with -Infinity
	'\x010200000002000000000000000000f03f000000000000f03f000000000000f07f0000000000000000'::bytea,
	'\x0103000000010000000400000000000000000000000000000000000000000000000000f0ff0000000000000000000000000000f03f000000000000f03f00000000000000000000000000000000'::bytea]) b;
-- big ones: a 20 000-vertex ring, a 5 000-part multipoint, a 10 000-vertex comb
INSERT INTO fz_base
SELECT ST_MakePolygon(ST_AddPoint(ST_MakeLine(ARRAY(SELECT ST_MakePoint(cos(i / 20000.0 * 2 * pi()) * 1000, sin(i / 20000.0 * 2 * pi()) * 1000)
                                                  FROM generate_series(0, 19998) i)), ST_MakePoint(1000, 0)));
INSERT INTO fz_base SELECT ST_Collect(ST_MakePoint(i % 70, i / 70)) FROM generate_series(1, 5000) i;
INSERT INTO fz_base
SELECT ST_MakePolygon(ST_MakeLine(p ORDER BY k))
  FROM (SELECT i AS k, ST_MakePoint(i * 0.1, CASE WHEN i % 2 = 0 THEN 0 ELSE 100 END) AS p FROM generate_series(0, 9996) i
        UNION ALL SELECT 10000, ST_MakePoint(9996 * 0.1, -10) UNION ALL SELECT 10001, ST_MakePoint(0, -10)
        UNION ALL SELECT 10002, ST_MakePoint(0, 0)) s;

-- Mutations: random bytes of the EWKB of a base geometry changed; only those
-- PostGIS still reads are kept.
CREATE TEMP TABLE fz_geom (n serial, g geometry);
INSERT INTO fz_geom (g) SELECT g FROM fz_base;
DO $$
DECLARE
	b bytea;
	g geometry;
BEGIN
	FOR i IN 1 .. 3000 LOOP
		SELECT ST_AsEWKB(x.g) INTO b FROM fz_base x WHERE ST_NPoints(x.g) < 100 ORDER BY random() LIMIT 1;
		FOR k IN 1 .. 1 + (random() * 3)::int LOOP
			b := set_byte(b, (random() * (length(b) - 1))::int, (random() * 255)::int);
		END LOOP;
		BEGIN
			g := ST_GeomFromEWKB(b);
			INSERT INTO fz_geom (g) VALUES (g);
		EXCEPTION WHEN OTHERS THEN
			NULL;
		END;
	END LOOP;
END $$;

CREATE TEMP TABLE fz_out (batch int, k serial, stmt text);

-- merge_cluster: windows of 2-6 geometries, reach random (huge, tiny, 0, NULL)
INSERT INTO fz_out (batch, stmt)
SELECT 1, format('SELECT count(c) FROM (SELECT mineconsol.merge_cluster(g, o, r, a) OVER (ORDER BY i) AS c FROM (VALUES %s) v(i, g, o, r, a)) s;',
                 string_agg(format('(%s, %L::geometry, %L, %s::float8, %s)', j,
                                   encode(ST_AsEWKB(ST_SetSRID(g.g, 0)), 'hex'), CASE WHEN random() < 0.9 THEN 'A' END,
                                   (ARRAY['0', '1', '500', '1e-300', '1e15', '1.7976931348623157e308', 'NULL'])[1 + (random() * 6)::int],
                                   (random() < 0.3)::text), ', '))
  FROM generate_series(1, 400) w
  CROSS JOIN LATERAL (SELECT j, 1 + floor(random() * (SELECT count(*) FROM fz_geom))::int + w * 0 AS pick
                        FROM generate_series(1, 2 + (random() * 4)::int + w * 0) j) p
  JOIN fz_geom g ON g.n = p.pick
 GROUP BY w;

-- working_geometry on the same geometries, in the working SRID
INSERT INTO fz_out (batch, stmt)
SELECT 2, format('SELECT ST_NPoints(mineconsol.working_geometry(%L::geometry));', encode(ST_AsEWKB(ST_SetSRID(g, 4547)), 'hex'))
  FROM fz_geom WHERE n % 7 = 0;

-- classify: random facts, any of them missing
INSERT INTO fz_out (batch, stmt)
SELECT 3, format('SELECT (mineconsol.classify(jsonb_populate_record(NULL::mineconsol.mine_facts, %L))).disposition;',
                 jsonb_strip_nulls(jsonb_build_object(
                   'id', 1, 'as_of', '2023-07-15',
                   'in_scope', CASE WHEN random() < 0.8 THEN random() < 0.8 END,
                   'licensed_by', (ARRAY['city', 'county', 'province', NULL])[1 + (random() * 3)::int],
                   'licence_valid', CASE WHEN random() < 0.8 THEN random() < 0.8 END,
                   'valid_to', CASE WHEN random() < 0.7 THEN (date '2022-01-01' + (random() * 1000)::int)::text END,
                   'reserves_t', CASE WHEN random() < 0.7 THEN (ARRAY['0', '1000', '1e30', '-5', '0.000001'])[1 + (random() * 4)::int]::numeric END,
                   'area_km2', CASE WHEN random() < 0.7 THEN random() END,
                   'c1_act_on', CASE WHEN random() < 0.2 THEN '2023-01-01' END,
                   'c1_penalties', CASE WHEN random() < 0.5 THEN (random() * 5)::int END,
                   'expiry_cause', (ARRAY['own', 'other', NULL])[1 + (random() * 2)::int],
                   'eco_ok', CASE WHEN random() < 0.8 THEN random() < 0.8 END,
                   'rectify_by', CASE WHEN random() < 0.5 THEN '2023-03-01' END,
                   'c4_zones', CASE WHEN random() < 0.2 THEN '["z", null]'::jsonb END,
                   'c4_overlap_km2', CASE WHEN random() < 0.5 THEN random() END,
                   'ore_body', CASE WHEN random() < 0.7 THEN 'A' END,
                   'cluster_id', CASE WHEN random() < 0.5 THEN 1 END,
                   'cluster_size', CASE WHEN random() < 0.5 THEN 3 END,
                   'retained_mine_id', CASE WHEN random() < 0.5 THEN (ARRAY[1, 2])[1 + (random())::int] END,
                   'cluster_scale_class', (ARRAY['small', 'medium', 'unknown', NULL])[1 + (random() * 3)::int],
                   'anchor', CASE WHEN random() < 0.7 THEN random() < 0.5 END,
                   'm1_small', CASE WHEN random() < 0.8 THEN random() < 0.5 END,
                   'l2_small', CASE WHEN random() < 0.8 THEN random() < 0.5 END,
                   'scale_class', (ARRAY['small', 'large', 'unknown', NULL])[1 + (random() * 3)::int],
                   'concentrated_zone', CASE WHEN random() < 0.5 THEN 'cz' END,
                   'backward_process', CASE WHEN random() < 0.7 THEN random() < 0.5 END,
                   'restoration_ok', CASE WHEN random() < 0.7 THEN random() < 0.5 END,
                   'transfer_mode', (ARRAY['term', 'reserves', NULL])[1 + (random() * 2)::int],
                   'fake_consolidation_suspected', CASE WHEN random() < 0.7 THEN random() < 0.2 END,
                   'l1_same_holder_ids', CASE WHEN random() < 0.3 THEN '[2, null, 3]'::jsonb END,
                   'planned_zone', CASE WHEN random() < 0.5 THEN 'pz' END,
                   'eco_fragile_zones', CASE WHEN random() < 0.3 THEN '["f"]'::jsonb END,
                   'merge_distance_m', CASE WHEN random() < 0.8 THEN 500 END,
                   'safety_distance_m', CASE WHEN random() < 0.8 THEN 300 END,
                   'small_area_km2', CASE WHEN random() < 0.8 THEN 0.1 END,
                   'small_reserves_t', CASE WHEN random() < 0.8 THEN 300000 END,
                   'penalty_window_years', CASE WHEN random() < 0.8 THEN 2 END))::text)
  FROM generate_series(1, 400);

-- corner points: a valid licence with random damage, runaway numbers, many lines
CREATE TEMP TABLE fz_cp (t text);
INSERT INTO fz_cp VALUES
	(E'拐点编号 X坐标 Y坐标\n1 4254511.83 38389373.04\n2 4254511.83 38389673.04\n3 4254811.83 38389673.04\n4 4254811.83 38389373.04\n开采标高：1280米至1150米\n1 4255511.83 38389373.04\n2 4255511.83 38389673.04\n3 4255811.83 38389673.04\n开采深度：+124.9米至+12.3米');
INSERT INTO fz_out (batch, stmt)
SELECT 4, format('SELECT %s(%L%s);',
                 (ARRAY['mineconsol.parse_corner_points_raw', 'mineconsol.parse_corner_points', '(SELECT count(*) FROM mineconsol.corner_point_elevations'])[1 + (i % 3)],
                 t, CASE WHEN i % 3 = 2 THEN ')' ELSE '' END)
  FROM (SELECT i, CASE i % 6
                    WHEN 0 THEN overlay(c.t PLACING repeat(chr(48 + (random() * 9)::int), (random() * 300)::int) FROM 1 + (random() * 150)::int FOR 0)
                    WHEN 1 THEN overlay(c.t PLACING (ARRAY[E'\n', '标高', '号', '.', '-', '１', '　', E'\r', '*', 'J', '米至', '西安'])[1 + (random() * 11)::int]
                                FROM 1 + (random() * 150)::int FOR (random() * 3)::int)
                    WHEN 2 THEN repeat(E'1 4254511.83 38389373.04\n', CASE WHEN i % 50 = 2 THEN 40000 ELSE (random() * 100)::int END)
                    WHEN 3 THEN c.t || E'\n开采标高：' || repeat('9', CASE WHEN i % 50 = 3 THEN 200000 ELSE (random() * 12)::int END) || '米至-' || repeat('1', (random() * 10)::int) || '米'
                    WHEN 4 THEN (SELECT string_agg(format('%s %s %s', k % 9999 + 1, 4254511 + round((random() * 1000)::numeric, 2),
                                                          38389373 + round((random() * 1000)::numeric, 2)), E'\n')
                                   FROM generate_series(1, CASE WHEN i % 50 = 4 THEN 3000 ELSE (random() * 30)::int END + i * 0) k)
                    ELSE substr(c.t, 1 + (random() * 100)::int, (random() * 200)::int)
                  END AS t
          FROM generate_series(1, 300) i, fz_cp c) s;

-- licence numbers and credit codes: random strings near the real forms,
-- through the try_ functions and the types' input functions
INSERT INTO fz_out (batch, stmt)
SELECT 5, format((ARRAY['SELECT mineconsol.try_license_no(%L);', 'SELECT mineconsol.try_uscc(%L);',
                         'SELECT %L::mineconsol.license_no;', 'SELECT %L::mineconsol.uscc;'])[1 + i % 4], t)
  FROM (SELECT i, CASE i % 5
                    WHEN 0 THEN 'C1409022010087110012345'
                    WHEN 1 THEN '91140900MA0K1234X5'
                    ELSE '' END
               || CASE (i / 5) % 4
                    WHEN 0 THEN substr(md5(i::text) || md5((i + 1)::text), 1, (random() * 40)::int)
                    WHEN 1 THEN repeat(chr(65 + (random() * 25)::int), (random() * 100)::int)
                    WHEN 2 THEN repeat('０１２３４５６７８９', (random() * 5)::int)
                    ELSE repeat(' ', (random() * 3)::int) || chr(1 + (random() * 1000)::int)
                  END AS t
          FROM generate_series(1, 400) i) s;

\pset format unaligned
\pset tuples_only on
\o :outfile
SELECT format(E'-- batch %s\n%s', batch, string_agg(stmt, E'\n' ORDER BY k)) FROM fz_out GROUP BY batch ORDER BY batch;
\o
