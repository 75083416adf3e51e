-- A deterministic sample of a Xinzhou-like city for `make demo`: the registers
-- of its 14 county-level units as a county would hand them in (licence
-- numbers, credit codes, corner-point text of each mining area), their
-- illegal-mining records, and the zones the rules look at.
--
--   psql -v seed=2022 -f test/demo/sample.sql
--
-- Creates schema demo with:
--   demo.register    one row per mining right, every column text, as COPY from
--                    a county's CSV would leave it (import_mines reads it);
--   demo.violations  illegal-mining acts and penalties, keyed by licence number;
--   demo.zones       planned and concentrated mining zones, red lines, the
--                    Wutaishan scenic area, a nature reserve, a water source and
--                    an ecologically fragile area (geometries in EPSG 4490).
-- County seats are approximate: the sample is shaped like Xinzhou, it is not
-- its real register.  Same seed, same sample, on any machine.

\set ON_ERROR_STOP on
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;

-- Uniform [0,1) from (key, salt) and the seed, deterministic under any plan.
SELECT set_config('demo.seed', :'seed', false);
CREATE FUNCTION demo.u(key bigint, salt int) RETURNS float8
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$ SELECT (hashint8extended(key * 64 + salt, current_setting('demo.seed')::bigint) & 4503599627370495)::float8 / 4503599627370496.0 $$;

-- The check character of a unified social credit code (GB 32100-2015).
CREATE FUNCTION demo.uscc_with_check(first17 text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
	SELECT first17 || substr(a, (31 - (sum((strpos(a, substr(first17, i, 1)) - 1)
									   * ((3 ^ (i - 1))::bigint % 31)) % 31)::int) % 31 + 1, 1)
	  FROM (SELECT '0123456789ABCDEFGHJKLMNPQRTUWXY'::text AS a) alphabet,
		   generate_series(1, 17) AS i
	 GROUP BY a
$$;

-- County seats (approximate) and the zone of their corner points.
CREATE TABLE demo.county (code text PRIMARY KEY, name text, lon float8, lat float8, zone int);
INSERT INTO demo.county VALUES
	('140902', '忻府区', 112.73, 38.42, 38), ('140921', '定襄县', 112.96, 38.47, 38),
	('140922', '五台县', 113.25, 38.73, 38), ('140923', '代县', 112.96, 39.07, 38),
	('140924', '繁峙县', 113.26, 39.19, 38), ('140925', '宁武县', 112.30, 39.00, 37),
	('140926', '静乐县', 111.94, 38.36, 37), ('140927', '神池县', 112.21, 39.09, 37),
	('140928', '五寨县', 111.85, 38.91, 37), ('140929', '岢岚县', 111.57, 38.70, 37),
	('140930', '河曲县', 111.14, 39.38, 37), ('140931', '保德县', 111.09, 39.02, 37),
	('140932', '偏关县', 111.50, 39.44, 37), ('140981', '原平市', 112.71, 38.73, 38);
UPDATE demo.county SET zone = 37 WHERE lon < 112.5;
UPDATE demo.county SET zone = 38 WHERE lon >= 112.5;

-- Quarry districts: 2-4 per county, each on its own ore body, some with a
-- large mine the small ones can merge into.
CREATE TABLE demo.district AS
SELECT c.code, c.zone, d,
	   c.code || '-' || chr(64 + d) AS ore_body,
	   ST_Transform(ST_SetSRID(ST_Point(c.lon + 0.16 * (demo.u(k, 1) - 0.5), c.lat + 0.10 * (demo.u(k, 2) - 0.5)), 4490),
					4513 + c.zone - 25) AS centre,
	   4 + floor(7 * demo.u(k, 3))::int AS n_small,
	   demo.u(k, 4) < 0.6 AS has_anchor,
	   demo.u(k, 5) < 0.75 AS planned,
	   demo.u(k, 6) < 0.5 AS concentrated
  FROM demo.county c,
	   generate_series(1, 4) AS d,
	   LATERAL (SELECT (c.code::bigint * 10 + d) AS k) key
 WHERE d <= 2 + floor(3 * demo.u(c.code::bigint, 7))::int;

-- Mines: small ones on a jittered grid in each district (700 m pitch, so some
-- neighbours are within 500 m and some are not), the district's large
-- mine, and isolated mines scattered over each county.
CREATE TABLE demo.mine AS
WITH small AS (
	SELECT d.code, d.zone, d.ore_body, 'small' AS kind, d.planned,
		   ST_Translate(d.centre, (i % 4) * 700 + 360 * (demo.u(key, 8) - 0.5), (i / 4) * 700 + 360 * (demo.u(key, 9) - 0.5)) AS at,
		   120 + 160 * demo.u(key, 10) AS w, 120 + 160 * demo.u(key, 11) AS h, key
	  FROM demo.district d, generate_series(0, 11) AS i,
		   LATERAL (SELECT d.code::bigint * 1000 + d.d * 50 + i AS key) k
	 WHERE i < d.n_small
), anchor AS (
	SELECT d.code, d.zone, d.ore_body, 'large' AS kind, d.planned,
		   ST_Translate(d.centre, -900, 300 * demo.u(key, 8)) AS at,
		   600 + 300 * demo.u(key, 10) AS w, 600 + 300 * demo.u(key, 11) AS h, key
	  FROM demo.district d, LATERAL (SELECT d.code::bigint * 1000 + d.d * 50 + 49 AS key) k
	 WHERE d.has_anchor
), isolated AS (
	SELECT c.code, c.zone, c.code || '-I' || i AS ore_body, 'isolated' AS kind, false AS planned,
		   ST_Transform(ST_SetSRID(ST_Point(c.lon + 0.5 * (demo.u(key, 8) - 0.5), c.lat + 0.3 * (demo.u(key, 9) - 0.5)), 4490),
						4513 + c.zone - 25) AS at,
		   150 + 350 * demo.u(key, 10) AS w, 150 + 350 * demo.u(key, 11) AS h, key
	  FROM demo.county c, generate_series(1, 8) AS i,
		   LATERAL (SELECT c.code::bigint * 1000 + 900 + i AS key) k
	 WHERE i <= 3 + floor(6 * demo.u(c.code::bigint, 12))::int
)
SELECT row_number() OVER (ORDER BY code, key) AS n, *
  FROM (SELECT * FROM small UNION ALL SELECT * FROM anchor UNION ALL SELECT * FROM isolated) m;

-- The register as a county hands it in: text columns, corner points as text.
CREATE TABLE demo.register AS
WITH shaped AS (
	SELECT m.*,
		   -- a rectangle turned by up to 30 degrees about its centre
		   ST_Rotate(ST_MakeEnvelope(ST_X(m.at) - m.w / 2, ST_Y(m.at) - m.h / 2,
									 ST_X(m.at) + m.w / 2, ST_Y(m.at) + m.h / 2, 4513 + m.zone - 25),
					 radians(60 * (demo.u(m.key, 13) - 0.5)), m.at) AS area,
		   1100 + round((300 * demo.u(m.key, 14))::numeric, 1) AS top,
		   demo.u(m.key, 15) AS u_issue, demo.u(m.key, 16) AS u_term, demo.u(m.key, 17) AS u_fate,
		   demo.u(m.key, 18) AS u_mode, demo.u(m.key, 19) AS u_flags, demo.u(m.key, 20) AS u_level
	  FROM demo.mine m
), dated AS (
	SELECT s.*,
		   (date '2014-01-01' + (3000 * s.u_issue)::int) AS issued,
		   CASE WHEN s.kind = 'large' THEN 10 + floor(10 * s.u_term)::int ELSE 5 + floor(6 * s.u_term)::int END AS years
	  FROM shaped s
), texts AS (
	SELECT d.*,
		   (SELECT string_agg(format(E'%s\t%s\t%s', p.path[2],
									 to_char(ST_Y(p.geom), 'FM9999999.00'), to_char(ST_X(p.geom), 'FM99999999.00')),
							  E'\n' ORDER BY p.path[2])
			  FROM ST_DumpPoints(d.area) p WHERE p.path[2] < ST_NPoints(d.area)) AS points
	  FROM dated d
)
SELECT t.n AS row_no,
	   'C' || t.code || to_char(t.issued, 'YYYYMM') || lpad((t.n * 7919 % 9999999999)::text, 10, '0') AS license_no,
	   c.name || CASE t.kind WHEN 'isolated' THEN '散点' ELSE right(t.ore_body, 1) || '区' END || t.n || '号采石场' AS name,
	   CASE WHEN t.kind = 'large' THEN '山西' || c.name || '建材集团有限公司'
			ELSE c.name || '第' || t.n || '石料有限公司' END AS holder,
	   demo.uscc_with_check('91' || t.code || lpad(upper(to_hex((t.n * 104729) % 268435455)), 9, '0')) AS holder_uscc,
	   t.code AS county_code,
	   CASE WHEN t.u_level < 0.02 THEN 'province' WHEN t.u_level < 0.12 THEN 'city' ELSE 'county' END AS licensed_by,
	   CASE WHEN t.u_flags < 0.12 THEN '建筑用砂' WHEN t.u_flags > 0.94 THEN '砖瓦用粘土' ELSE '建筑石料用灰岩' END AS mineral,
	   'sand_gravel_clay' AS mineral_group,
	   t.ore_body,
	   E'拐点编号\tX坐标\tY坐标\n' || t.points || E'\n开采标高：+' || t.top || '米至+' || round((t.top - 60 - 40 * t.u_term::numeric), 1) || '米' AS corner_points,
	   round((ST_Area(t.area) * CASE WHEN t.kind = 'large' THEN 4 + 4 * t.u_mode ELSE 1 + 2.5 * t.u_mode END)::numeric, -3)::text AS reserves_t,
	   (CASE WHEN t.kind = 'large' THEN round((60000 + 120000 * t.u_fate)::numeric, -3)
			 ELSE round((8000 + 36000 * t.u_fate)::numeric, -3) END)::text AS capacity,
	   'm3/yr' AS capacity_unit,
	   t.issued::text AS valid_from,
	   (t.issued + make_interval(years => t.years) - interval '1 day')::date::text AS valid_to,
	   CASE WHEN t.u_fate < 0.35 THEN 'own' ELSE 'other' END AS expiry_cause,
	   CASE WHEN t.u_mode < 0.5 THEN 'term' WHEN t.u_mode < 0.92 THEN 'reserves' END AS transfer_mode,
	   CASE WHEN t.u_flags BETWEEN 0.30 AND 0.36 THEN 'false' ELSE 'true' END AS eco_ok,
	   CASE WHEN t.u_flags BETWEEN 0.40 AND 0.44 THEN 'false' ELSE 'true' END AS safety_ok,
	   'true' AS product_ok,
	   CASE WHEN t.u_flags BETWEEN 0.30 AND 0.44
			THEN (date '2023-03-31' + (450 * t.u_term)::int)::text END AS rectify_by,
	   (t.kind <> 'large' AND t.u_flags BETWEEN 0.50 AND 0.58)::text AS backward_process,
	   (NOT (t.u_flags BETWEEN 0.55 AND 0.62))::text AS restoration_ok,
	   (t.kind = 'large')::text AS group_enterprise,
	   (t.kind = 'large' AND t.u_term > 0.3)::text AS downstream_processing,
	   (t.u_flags > 0.9)::text AS green_listed,
	   'true' AS area_delineated
  FROM texts t
  JOIN demo.county c ON c.code = t.code
 ORDER BY t.n;

-- One ore body worked by two licences of the same holder (L1): the second
-- small mine of each county's first district takes the first one's holder.
UPDATE demo.register r
   SET holder = f.holder, holder_uscc = f.holder_uscc
  FROM (SELECT DISTINCT ON (county_code) county_code, ore_body, holder, holder_uscc, row_no
		  FROM demo.register WHERE ore_body LIKE '%-A' ORDER BY county_code, row_no) f
 WHERE r.ore_body = f.ore_body
   AND r.row_no = f.row_no + 1;

-- Illegal mining: a few mines penalised twice within two years that mined
-- illegally again (C1), a few penalised once.
CREATE TABLE demo.violations AS
SELECT r.license_no, 'illegal_mining' AS kind,
	   (date '2020-09-01' + k * 210 + (90 * demo.u(r.row_no, 21))::int) AS occurred_on,
	   CASE WHEN k < 2 THEN (date '2020-09-01' + k * 210 + (90 * demo.u(r.row_no, 21))::int + 25) END AS penalized_on,
	   CASE WHEN k < 2 THEN '忻' || left(r.county_code, 6) || '罚〔' || (2020 + k) || '〕' || (r.row_no * 3 + k) || '号' END AS doc_no
  FROM demo.register r, generate_series(0, 2) AS k
 WHERE demo.u(r.row_no, 22) < 0.05
   AND (k < 2 OR demo.u(r.row_no, 23) < 0.8);

-- Zones (EPSG 4490 or a zone SRID; mineconsol transforms them).
CREATE TABLE demo.zones AS
SELECT 'planned_mining' AS kind, c.name || right(d.ore_body, 1) || '区规划开采区' AS name, d.code AS county_code,
	   ST_Buffer(d.centre, 2600) AS geom
  FROM demo.district d JOIN demo.county c ON c.code = d.code WHERE d.planned
UNION ALL
SELECT 'concentrated_mining', c.name || right(d.ore_body, 1) || '区集中开采区', d.code, ST_Buffer(d.centre, 2200)
  FROM demo.district d JOIN demo.county c ON c.code = d.code WHERE d.concentrated
UNION ALL
SELECT 'scenic_area', '五台山风景名胜区', NULL, ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(113.58, 39.02), 4490), 4526), 14000)
UNION ALL
SELECT 'nature_reserve', '芦芽山国家级自然保护区', NULL, ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(111.95, 38.73), 4490), 4525), 9000)
UNION ALL
SELECT 'water_source', '忻府区滹沱河饮用水水源保护区', '140902', ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(112.78, 38.45), 4490), 4526), 2500)
UNION ALL
SELECT 'eco_redline', '生态保护红线 ' || i, NULL,
	   ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(111.2 + 2.6 * demo.u(i, 24), 38.2 + 1.3 * demo.u(i, 25)), 4490), 4525),
				 1500 + 2500 * demo.u(i, 26))
  FROM generate_series(1, 6) AS i
UNION ALL
SELECT 'eco_fragile', '河曲黄土丘陵生态脆弱区', '140930', ST_Buffer(ST_Transform(ST_SetSRID(ST_Point(111.2, 39.35), 4490), 4525), 12000);
