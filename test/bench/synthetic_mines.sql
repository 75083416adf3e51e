-- synthetic_mines(n, seed, n_ore_bodies, n_districts): N deterministic synthetic
-- mines around Xinzhou, for tests, benchmarks and demos.
--
--   \i test/bench/synthetic_mines.sql
--   CREATE TABLE m AS SELECT * FROM synthetic_mines(100000);          -- seed 42
--   SELECT * FROM synthetic_mines(2000, seed => 7, n_districts => 12);
--
-- Creates two functions in the first schema of search_path:
--   synthetic_mines_u(key, seed)  uniform [0,1) from hashint8extended (no
--                                 random(): the same rows come out under any
--                                 plan, parallel or not, on any machine);
--   synthetic_mines(...)          the generator.
--
-- What comes out (SRID 4547, CGCS2000 3-degree Gauss-Kruger CM 114E without
-- zone prefix: eastings 300 000-560 000, northings 4 220 000-4 395 000):
--   id            1..n
--   county_code   one of Xinzhou's 14 county codes, by position
--   ore_body      'OB01'.. : a quarry district's ore body (80 %, else the next
--                 one), or, in open country, one of the two ore bodies of its
--                 10 km cell
--   geom          valid MultiPolygon: 45 % ellipses from buffers with 5-197
--                 vertices, 35 % rotated rectangles (aspect 1-12, some long and
--                 thin), 20 % two or three separate parts
--   area_km2      ~0.005-2 km2, skewed to small (about 3/4 below 0.1 km2)
--   npoints       vertices of geom
--   reserves_t    retained reserves, roughly proportional to area
--   in_district   60 % of the mines lie in n_districts dense quarry districts
--                 (1.5-6 km radius), the rest scattered over the region
--
-- Generating 1 000 000 mines takes about a minute on 2 cores.

CREATE OR REPLACE FUNCTION synthetic_mines_u(key bigint, seed bigint)
RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT (hashint8extended(key, seed) & 4503599627370495)::float8 / 4503599627370496.0 $$;

COMMENT ON FUNCTION synthetic_mines_u(bigint, bigint) IS
  'Uniform pseudo-random number in [0,1) for (key, seed); deterministic under any plan (test data generator)';

CREATE OR REPLACE FUNCTION synthetic_mines(
	n integer,
	seed bigint DEFAULT 42,
	n_ore_bodies integer DEFAULT 40,
	n_districts integer DEFAULT 60)
RETURNS TABLE (id bigint, county_code text, ore_body text, geom geometry(MultiPolygon, 4547),
			   area_km2 float8, npoints integer, reserves_t numeric, in_district boolean)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET jit = off	-- compiling this big expression costs seconds and saves nothing
AS $fn$
WITH districts AS (
	SELECT d,
		   320000 + 220000 * synthetic_mines_u(-1000 - d * 8, seed) AS cx,
		   4235000 + 145000 * synthetic_mines_u(-1001 - d * 8, seed) AS cy,
		   1500 + 4500 * synthetic_mines_u(-1002 - d * 8, seed) AS radius,
		   floor(n_ore_bodies * synthetic_mines_u(-1003 - d * 8, seed))::int AS ore
	  FROM generate_series(0, n_districts - 1) AS d
-- draws: one named uniform draw per property, each from its own slot of
-- the row's 16 (i * 16 + k): a list read by name below, not a repetition.
), draws AS (
	SELECT i,
		   synthetic_mines_u(i * 16 + 0, seed) AS u_place,
		   synthetic_mines_u(i * 16 + 1, seed) AS u_district,
		   synthetic_mines_u(i * 16 + 2, seed) AS u_r,
		   synthetic_mines_u(i * 16 + 3, seed) AS u_t,
		   synthetic_mines_u(i * 16 + 4, seed) AS u_x,
		   synthetic_mines_u(i * 16 + 5, seed) AS u_y,
		   synthetic_mines_u(i * 16 + 6, seed) AS u_area,
		   synthetic_mines_u(i * 16 + 7, seed) AS u_kind,
		   synthetic_mines_u(i * 16 + 8, seed) AS u_verts,
		   synthetic_mines_u(i * 16 + 9, seed) AS u_aspect,
		   synthetic_mines_u(i * 16 + 10, seed) AS u_rot,
		   synthetic_mines_u(i * 16 + 11, seed) AS u_ore,
		   synthetic_mines_u(i * 16 + 12, seed) AS u_parts,
		   synthetic_mines_u(i * 16 + 13, seed) AS u_res
	  FROM generate_series(1, n) AS i
), placed AS (
	SELECT dr.*,
		   dr.u_place < 0.6 AS in_district,
		   CASE WHEN dr.u_place < 0.6
				THEN ds.cx + ds.radius * sqrt(dr.u_r) * cos(2 * pi() * dr.u_t)
				ELSE 300000 + 260000 * dr.u_x END AS x,
		   CASE WHEN dr.u_place < 0.6
				THEN ds.cy + ds.radius * sqrt(dr.u_r) * sin(2 * pi() * dr.u_t)
				ELSE 4220000 + 175000 * dr.u_y END AS y,
		   ds.ore AS district_ore,
		   -- area in m2: 0.005 km2 * 400^(u^2.5), i.e. 0.005-2 km2, mostly small
		   1e6 * 0.005 * power(400, power(dr.u_area, 2.5)) AS area_m2,
		   -- 4 * quad_segs + 1 vertices per ellipse; multipart mines share out 50
		   1 + floor(power(dr.u_verts, 2) * CASE WHEN dr.u_kind >= 0.8
												THEN 49 / (2 + (dr.u_parts < 0.5)::int)
												ELSE 49 END)::int AS quad_segs,
		   CASE WHEN dr.u_aspect < 0.1 THEN 6 + 6 * dr.u_aspect * 10	-- long and thin
				ELSE 1 + 2 * dr.u_aspect END AS aspect,
		   pi() * dr.u_rot AS rot,
		   2 + (dr.u_parts < 0.5)::int AS nparts
	  FROM draws AS dr
	  JOIN districts AS ds ON ds.d = least(floor(dr.u_district * n_districts)::int, n_districts - 1)
), sized AS (
	-- area of the unit-radius buffer polygon with 4 * quad_segs sides
	SELECT p.*, 2 * p.quad_segs * sin(pi() / (2 * p.quad_segs)) AS unit_area
	  FROM placed AS p
), shaped AS (
	SELECT p.*,
		   CASE
			 WHEN p.u_kind < 0.45 THEN	-- ellipse (the buffer's polygon is scaled to the area)
				ST_Scale(ST_Buffer(ST_Point(0, 0), 1, 'quad_segs=' || p.quad_segs),
						 sqrt(p.area_m2 * least(p.aspect, 4) / p.unit_area),
						 sqrt(p.area_m2 / (p.unit_area * least(p.aspect, 4))))
			 WHEN p.u_kind < 0.8 THEN	-- rectangle
				ST_MakeEnvelope(-sqrt(p.area_m2 * p.aspect) / 2, -sqrt(p.area_m2 / p.aspect) / 2,
								sqrt(p.area_m2 * p.aspect) / 2, sqrt(p.area_m2 / p.aspect) / 2)
			 ELSE	-- two or three separate parts in a row, alternating ellipse and square
				(SELECT ST_Collect(CASE WHEN k % 2 = 0
						   THEN ST_Translate(ST_Buffer(ST_Point(0, 0), sqrt(p.area_m2 / p.nparts / p.unit_area),
													   'quad_segs=' || p.quad_segs),
											 k * 2.5 * sqrt(p.area_m2 / p.nparts), 0)
						   ELSE ST_Translate(ST_Expand(ST_Point(0, 0), sqrt(p.area_m2 / p.nparts) / 2),
											 k * 2.5 * sqrt(p.area_m2 / p.nparts), 0) END)
				   FROM generate_series(0, p.nparts - 1) AS k)
		   END AS shape
	  FROM sized AS p
)
SELECT s.i::bigint AS id,
	   (ARRAY['140902','140921','140922','140923','140924','140925','140926',
			  '140927','140928','140929','140930','140931','140932','140981'])
		 [1 + (floor((s.x - 300000) / 52000)::int + 5 * floor((s.y - 4220000) / 58334)::int) % 14]
		 AS county_code,
	   'OB' || lpad((1 + CASE WHEN s.in_district
							  THEN (s.district_ore + (s.u_ore < 0.2)::int) % n_ore_bodies
							  ELSE floor(n_ore_bodies * synthetic_mines_u(
									   floor((s.x - 300000) / 10000)::bigint * 1000
									   + floor((s.y - 4220000) / 10000)::bigint * 10
									   + (s.u_ore < 0.5)::int, seed + 1))::int
						 END)::text, 2, '0') AS ore_body,
	   g.geom,
	   ST_Area(g.geom) / 1e6 AS area_km2,
	   ST_NPoints(g.geom) AS npoints,
	   round((ST_Area(g.geom) * (20 + 60 * s.u_res))::numeric, -2) AS reserves_t,
	   s.in_district
  FROM shaped AS s,
	   LATERAL (SELECT ST_SetSRID(ST_Multi(ST_Translate(ST_Rotate(s.shape, s.rot), s.x, s.y)), 4547)::geometry(MultiPolygon, 4547) AS geom) AS g
$fn$;

COMMENT ON FUNCTION synthetic_mines(integer, bigint, integer, integer) IS
  'N deterministic synthetic mines around Xinzhou (SRID 4547): mixed shapes and sizes, dense quarry districts and sparse country (test/bench/synthetic_mines.sql)';
