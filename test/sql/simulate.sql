\i test/setup.psql
BEGIN;
SELECT plan(16);

-- What-if plans: simulate() against a real change of the parameters and a
-- refresh, as the real roles: a clerk of Xinfu (140902) and the city.
\i test/lib/helpers.sql
SELECT pg_temp.county_roles('mc_sim') \gset
INSERT INTO results_as_of VALUES ('2023-07-15');
-- The stored-results tests start alike (roles, the city's day: helpers.sql);
-- their maps are alike in shape only: each test lays out its own mines and
-- places (here as in freshness.sql).
CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(700000 + x, 4450000 + y, 700200 + x, 4450200 + y, 4547)) $$;
-- Small mines (0.04 km², 100 000 t: M1) 600 m apart in Xinfu (a merge at
-- 800 m, not at 500 m), 300 m apart in Dingxiang (a merge either way), and
-- one large mine alone.
INSERT INTO mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, transfer_mode,
                   mineral, capacity, capacity_unit, geom) VALUES
  (9101, 'a', '140902', 'S', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 0)),
  (9102, 'b', '140902', 'S', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(800, 0)),
  (9103, 'c', '140902', 'S', 900000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 900000, 'm3/yr', pg_temp.sq(9000, 0)),
  (9104, 'd', '140921', 'S', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(0, 5000)),
  (9105, 'e', '140921', 'S', 100000, '2020-01-01', '2026-12-31', 'term', '建筑石料用灰岩', 20000, 'm3/yr', pg_temp.sq(500, 5000));
CREATE TEMP VIEW progress WITH (security_invoker = true) AS
  SELECT county_code, mines_before, mines_after, mines_exiting, reduction_ratio, meets_target, large_medium_share
    FROM mineconsol.v_county_progress WHERE county_code IN ('140902', '140921');
GRANT SELECT ON progress TO PUBLIC;

SET LOCAL ROLE mc_sim_city;
SELECT lives_ok($$SELECT refresh_results(false)$$, 'the city''s results at 500 m');
CREATE TEMP TABLE stored_before AS SELECT * FROM disposition_results;
CREATE TEMP TABLE changes_before AS SELECT count(*) AS n FROM result_changes;
CREATE TEMP TABLE what_if AS SELECT * FROM simulate('{"merge_distance_m": 800}') WHERE county_code IN ('140902', '140921');
SELECT is((SELECT mines_after FROM what_if WHERE county_code = '140902'), 1::bigint,
  'at 800 m Xinfu''s two small mines would merge and one be kept');
SELECT is((SELECT mines_after FROM progress WHERE county_code = '140902'), 0::bigint,
  '… while at 500 m none is kept (each exits at term, C5)');
SELECT results_eq($$SELECT * FROM simulate('{}') WHERE county_code IN ('140902', '140921')$$,
  $$SELECT * FROM progress ORDER BY county_code$$, 'simulate() without overrides gives the stored counts');
SELECT is(param('merge_distance_m'), 500::numeric, 'after simulate() the parameter is its own again');
SELECT is(current_setting('mineconsol.simulate_parameters'), '', '… and no override is left in the session');
SELECT is((SELECT count(*) FROM (SELECT * FROM disposition_results EXCEPT SELECT * FROM stored_before) x), 0::bigint,
  'simulate() wrote no stored result');
SELECT is((SELECT count(*) FROM result_changes), (SELECT n FROM changes_before), '… and marked nothing stale');
-- The real change, and a refresh: what simulate() said.
UPDATE parameters SET value = 800 WHERE name = 'merge_distance_m';
SELECT lives_ok($$SELECT refresh_results()$$, 'the city moves to 800 m and refreshes');
SELECT results_eq($$SELECT * FROM progress ORDER BY county_code$$, $$SELECT * FROM what_if ORDER BY county_code$$,
  'the stored counts are exactly what simulate() predicted');
UPDATE parameters SET value = 500 WHERE name = 'merge_distance_m';
-- A session that sets the overrides itself does not reach stored results.
SET LOCAL mineconsol.simulate_parameters = '{"merge_distance_m": 800}';
SELECT lives_ok($$SELECT refresh_results()$$, 'a refresh with overrides set in the session');
RESET mineconsol.simulate_parameters;
SELECT is((SELECT mines_after FROM progress WHERE county_code = '140902'), 0::bigint, '… stores the results of the real parameters');
-- Bad overrides.
SELECT throws_ok($$SELECT * FROM simulate('{"merge_distnace_m": 800}')$$, '22023',
  'unknown parameter "merge_distnace_m" in simulate()''s overrides', 'an unknown key is refused with its name');
SELECT throws_ok($$SELECT * FROM simulate('{"small_reserves_t": "500000"}')$$, '22023',
  'parameter "small_reserves_t" in simulate()''s overrides must be a non-negative number', 'a key that is not a number is refused');
SELECT throws_ok($$SELECT * FROM simulate('[800]')$$, '22023', NULL, 'overrides that are not a JSON object are refused');
RESET ROLE;
SET LOCAL ROLE mc_sim_xinfu;
SELECT is((SELECT array_agg(county_code) FROM simulate('{"merge_distance_m": 800}')), '{140902}',
  'a county clerk simulates its own county only');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
