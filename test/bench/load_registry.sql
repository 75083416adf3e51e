-- load_registry.sql: fill mineconsol's registry with :n synthetic mines (from
-- synthetic_mines.sql, which must be loaded first), with the attributes,
-- violations and zones the rules look at.  Deterministic (seed 42).
-- Used by the classification benchmark; psql variable n is the number of mines.
--
-- Triggers are skipped for the bulk load (session_replication_role): the
-- generator's geometries are valid MultiPolygons in SRID 4547 already, and
-- mine_zone_relations, which the triggers would keep, is rebuilt at the end.

SET session_replication_role = replica;
INSERT INTO mineconsol.mines
	(id, license_no, name, holder_uscc, county_code, licensed_by, mineral, mineral_group, ore_body, geom,
	 elev_top, elev_bottom, reserves_t, capacity, capacity_unit, valid_from, valid_to, expiry_cause,
	 transfer_mode, eco_ok, safety_ok, product_ok, backward_process, restoration_ok, group_enterprise,
	 downstream_processing, green_listed, fake_consolidation_suspected, rectify_by, area_delineated)
SELECT s.id, NULL, 'mine ' || s.id, NULL, s.county_code,
	   CASE WHEN u1 < 0.03 THEN 'province' WHEN u1 < 0.4 THEN 'city' ELSE 'county' END,
	   '建筑石料用灰岩', 'sand_gravel_clay', s.ore_body, s.geom,
	   1200 + round((100 * u2)::numeric, 1), 1100 - round((100 * u3)::numeric, 1),
	   s.reserves_t,
	   round((1000 + 150000 * u2 * u2)::numeric, -2), 'm3/yr',
	   date '2012-01-01' + (u3 * 3000)::int,
	   date '2012-01-01' + (u3 * 3000)::int + 365 * (3 + (u4 * 8)::int),
	   CASE WHEN u5 < 0.5 THEN 'own' ELSE 'other' END,
	   CASE WHEN u6 < 0.45 THEN 'term' WHEN u6 < 0.9 THEN 'reserves' END,
	   u7 > 0.04, u7 < 0.96 OR u7 > 0.99, u8 > 0.02,
	   u8 > 0.97, u9 > 0.05, u9 > 0.97, u2 > 0.9, u4 > 0.93, u5 > 0.995,
	   CASE WHEN u7 <= 0.04 OR u8 <= 0.02 THEN date '2022-06-30' + (u9 * 400)::int END,
	   u6 > 0.5
  FROM synthetic_mines(:n) s,
	   LATERAL (SELECT synthetic_mines_u(s.id * 16 + 100, 42) AS u1, synthetic_mines_u(s.id * 16 + 101, 42) AS u2,
					   synthetic_mines_u(s.id * 16 + 102, 42) AS u3, synthetic_mines_u(s.id * 16 + 103, 42) AS u4,
					   synthetic_mines_u(s.id * 16 + 104, 42) AS u5, synthetic_mines_u(s.id * 16 + 105, 42) AS u6,
					   synthetic_mines_u(s.id * 16 + 106, 42) AS u7, synthetic_mines_u(s.id * 16 + 107, 42) AS u8,
					   synthetic_mines_u(s.id * 16 + 108, 42) AS u9) u;
SELECT setval('mineconsol.mines_id_seq', (SELECT max(id) FROM mineconsol.mines));

-- 3 % of the mines have a history of illegal mining: three acts, the first
-- two penalised.
INSERT INTO mineconsol.violations (mine_id, kind, occurred_on, penalized_on)
SELECT m.id, 'illegal_mining', date '2020-01-01' + k * 200 + (synthetic_mines_u(m.id, 7) * 100)::int,
	   CASE WHEN k < 2 THEN date '2020-01-01' + k * 200 + (synthetic_mines_u(m.id, 7) * 100)::int + 30 END
  FROM mineconsol.mines m, generate_series(0, 2) k
 WHERE synthetic_mines_u(m.id, 8) < 0.03;

-- Zones: red lines and protected areas, planned and concentrated mining zones,
-- ecologically fragile areas, as circles over the region.
INSERT INTO mineconsol.zones (kind, name, geom)
SELECT kind, kind || ' ' || i,
	   ST_Multi(ST_Buffer(ST_SetSRID(ST_Point(300000 + 260000 * synthetic_mines_u(i * 4 + o, 9),
											  4220000 + 175000 * synthetic_mines_u(i * 4 + o + 1, 9)), 4547),
						  r0 + r1 * synthetic_mines_u(i * 4 + o + 2, 9)))
  FROM (VALUES ('eco_redline', 30, 2000, 3000, 0), ('scenic_area', 5, 3000, 5000, 1000),
			   ('water_source', 10, 1000, 1000, 2000), ('planned_mining', 120, 4000, 8000, 3000),
			   ('concentrated_mining', 60, 3000, 5000, 4000), ('eco_fragile', 10, 5000, 5000, 5000))
	   AS z(kind, cnt, r0, r1, o),
	   generate_series(1, cnt) i;
RESET session_replication_role;
SELECT mineconsol.rebuild_zone_relations() AS zone_relations;
ANALYZE mineconsol.mines;
ANALYZE mineconsol.violations;
ANALYZE mineconsol.zones;
