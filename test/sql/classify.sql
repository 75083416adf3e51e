\i test/setup.psql
BEGIN;
SELECT plan(92);

SET LOCAL mineconsol.as_of = '2023-01-01';

-- A square mining area of side `side` m, x/y metres from a point in Xinfu.
CREATE FUNCTION pg_temp.sq(x float8, y float8, side float8 DEFAULT 200) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(400000 + x, 4250000 + y, 400000 + x + side, 4250000 + y + side, 4547)) $$;
-- A valid, in-scope mine with sensible defaults; every scenario changes what it tests.
CREATE PROCEDURE pg_temp.mine(id bigint, ore text, geom geometry, reserves numeric DEFAULT 100000,
                              county text DEFAULT '140902')
  LANGUAGE sql AS $$
  INSERT INTO mineconsol.mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to,
                                transfer_mode, mineral, capacity, capacity_unit, geom)
  VALUES (id, 'mine ' || id, county, ore, reserves, '2020-01-01', '2025-12-31', 'term',
          '建筑石料用灰岩', 20000, 'm3/yr', geom) $$;
CREATE FUNCTION pg_temp.v(mine bigint) RETURNS mineconsol.dispositions
  LANGUAGE sql AS $$ SELECT * FROM mineconsol.dispositions WHERE id = mine $$;

-- ---------------------------------------------------------------- interface
SELECT has_function('mineconsol', 'classify', ARRAY['mineconsol.mine_facts'], 'classify(mine_facts) exists');
SELECT is(pg_get_function_result('mineconsol.classify(mineconsol.mine_facts)'::regprocedure), 'verdict', 'it returns a verdict');
SELECT is((SELECT provolatile::text || proparallel::text FROM pg_proc WHERE oid = 'mineconsol.classify(mineconsol.mine_facts)'::regprocedure),
  'is', 'classify is IMMUTABLE and PARALLEL SAFE');
SELECT enum_has_labels('mineconsol', 'disposition', ARRAY['ban', 'close', 'refer', 'rectify', 'merge_retain',
  'merge_close', 'exit_at_term', 'mine_out_then_exit', 'retain', 'out_of_scope'], 'the disposition enum of the interface');
SELECT has_view('mineconsol', v, 'view ' || v) FROM unnest(ARRAY['mine_facts', 'dispositions', 'merge_plan', 'overlaps']) v;
SELECT throws_ok($$SELECT mineconsol.classify_row(ROW(1, 2))$$, '42703',
  'classify: the row has no field "id"', 'a row without the facts is refused, naming the field');
SELECT throws_ok($$SELECT mineconsol.classify_row(t) FROM (SELECT 'x'::text AS id) t$$, '42804',
  'classify: field "id" is of type text, expected bigint', 'a field of the wrong type is refused');
SELECT throws_ok($$SET mineconsol.as_of = 'next tuesday'$$, '22023',
  'invalid value for mineconsol.as_of: "next tuesday"', 'as_of must be a date');
SELECT is(mineconsol.as_of(), '2023-01-01'::date, 'as_of() follows the setting');

-- ---------------------------------------------------------------- scope
CALL pg_temp.mine(1, 'S', pg_temp.sq(0, 50000));
UPDATE mines SET licensed_by = 'province' WHERE id = 1;
CALL pg_temp.mine(2, 'S', pg_temp.sq(1000, 50000));
UPDATE mines SET valid_from = '2010-01-01', valid_to = '2020-12-31', expiry_cause = 'other' WHERE id = 2;
CALL pg_temp.mine(3, 'S', pg_temp.sq(2000, 50000));
UPDATE mines SET valid_to = NULL, valid_from = NULL, documents_incomplete = true WHERE id = 3;
SELECT is((pg_temp.v(1)).disposition, 'out_of_scope', 'a province licence is out of scope');
SELECT is((pg_temp.v(1)).reasons[1],
  'out of scope: licensed by the province; only mines licensed by the city or a county take part', 'and says why');
SELECT is((pg_temp.v(2)).disposition, 'exit_at_term', 'an expired licence (not the holder''s fault) stays in scope');
SELECT is((pg_temp.v(3)).rules, ARRAY['C5', 'S2'], 'a mine refused for incomplete documents is in scope by S2');

-- ---------------------------------------------------------------- C1
CALL pg_temp.mine(10, 'C1', pg_temp.sq(0, 60000));
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES
  (10, 'illegal_mining', '2021-02-01', '2021-03-02'),
  (10, 'illegal_mining', '2021-08-01', '2022-11-20'),
  (10, 'illegal_mining', '2022-12-01', NULL);
CALL pg_temp.mine(11, 'C1', pg_temp.sq(5000, 60000));       -- penalties too long ago
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES
  (11, 'illegal_mining', '2018-01-01', '2018-02-01'),
  (11, 'illegal_mining', '2018-06-01', '2018-07-01'),
  (11, 'illegal_mining', '2022-06-01', NULL);
CALL pg_temp.mine(12, 'C1', pg_temp.sq(10000, 60000));      -- other violations do not count
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES
  (12, 'other', '2021-02-01', '2021-03-02'),
  (12, 'illegal_mining', '2021-08-01', '2021-09-01'),
  (12, 'illegal_mining', '2022-06-01', NULL);
SELECT is((pg_temp.v(10)).disposition, 'ban', 'two illegal-mining penalties within two years, then illegal mining again: ban');
SELECT is((pg_temp.v(10)).reasons[1],
  '2 illegal-mining penalties between 2021-03-02 and 2022-11-20, within 2 years before the illegal mining of 2022-12-01: ban',
  'the C1 reason names the penalties and the act');
SELECT isnt((pg_temp.v(11)).disposition, 'ban', 'penalties older than the window do not count');
SELECT isnt((pg_temp.v(12)).disposition, 'ban', 'a penalty for another kind of violation does not count');
SET LOCAL mineconsol.as_of = '2022-11-30';
SELECT isnt((pg_temp.v(10)).disposition, 'ban', 'as_of replay: before the second penalty and the new act there is no ban');
SET LOCAL mineconsol.as_of = '2023-01-01';

-- ---------------------------------------------------------------- C2, C4 and their precedence
INSERT INTO zones (kind, name, geom) VALUES
  ('eco_redline', '滹沱河生态红线', pg_temp.sq(-100, 70000, 400)),
  ('scenic_area', '五台山景区', pg_temp.sq(4900, 70000, 400));
CALL pg_temp.mine(20, 'C2', pg_temp.sq(0, 70000));
UPDATE mines SET valid_from = '2015-01-01', valid_to = '2022-06-30', expiry_cause = 'own' WHERE id = 20;
CALL pg_temp.mine(21, 'C4', pg_temp.sq(5000, 70000));
CALL pg_temp.mine(22, 'C2', pg_temp.sq(10000, 70000));
UPDATE mines SET valid_from = '2015-01-01', valid_to = '2022-06-30', expiry_cause = NULL WHERE id = 22;
CALL pg_temp.mine(23, 'C4', pg_temp.sq(5300, 70000, 100));   -- touches the scenic area only along x = 5300
SELECT is((pg_temp.v(20)).disposition, 'close', 'expired through its own fault and in a red line: C2 close wins');
SELECT is((pg_temp.v(20)).rules[1:2], ARRAY['C2', 'C4'], 'both rules are listed, decisive first');
SELECT is((pg_temp.v(20)).reasons[1], 'licence expired on 2022-06-30 through the holder''s own fault: close', 'C2 reason');
SELECT is((pg_temp.v(21)).disposition, 'refer', 'inside a scenic area: refer');
SELECT is((pg_temp.v(21)).reasons[1], 'overlaps 五台山景区 (scenic_area) (0.0400 km² in all): refer to the area''s authority',
  'the C4 reason names the zone and the overlap');
SELECT ok('C2?' = ANY((pg_temp.v(22)).rules), 'an expired licence without a recorded cause is flagged C2?, not passed silently');
SELECT isnt((pg_temp.v(23)).disposition, 'refer', 'touching a protected area without overlap is not C4');

-- ---------------------------------------------------------------- C3
CALL pg_temp.mine(30, 'C3', pg_temp.sq(0, 80000));
UPDATE mines SET safety_ok = false, eco_ok = false, rectify_by = '2023-03-31' WHERE id = 30;
SELECT is((pg_temp.v(30)).disposition, 'rectify', 'failing safety and ecology before the deadline: rectify');
SELECT is((pg_temp.v(30)).reasons[1], 'fails ecological protection, safety conditions: stop and rectify by 2023-03-31', 'C3 reason');
SET LOCAL mineconsol.as_of = '2023-06-30';
SELECT is((pg_temp.v(30)).disposition, 'close', 'still failing after the deadline: close');
SET LOCAL mineconsol.as_of = '2023-01-01';

-- ---------------------------------------------------------------- C5 and E1 (no merge)
CALL pg_temp.mine(40, 'C5a', pg_temp.sq(0, 90000, 400), 500000);
CALL pg_temp.mine(41, 'C5b', pg_temp.sq(5000, 90000, 400), 500000);
UPDATE mines SET transfer_mode = 'reserves' WHERE id = 41;
CALL pg_temp.mine(42, 'C5c', pg_temp.sq(10000, 90000, 400), 500000);
UPDATE mines SET transfer_mode = NULL WHERE id = 42;
CALL pg_temp.mine(43, 'E1', pg_temp.sq(15000, 90000), 100000);
UPDATE mines SET backward_process = true WHERE id = 43;
SELECT is((pg_temp.v(40)).disposition, 'exit_at_term', 'sold for a term, in no merge: exit at term');
SELECT is((pg_temp.v(41)).disposition, 'mine_out_then_exit', 'sold by reserves with reserves left: mine out, then exit');
SELECT is((pg_temp.v(42)).disposition, 'retain', 'transfer mode unknown: retain');
SELECT ok('C5?' = ANY((pg_temp.v(42)).rules), '… with C5? saying the fact is missing');
SELECT is((pg_temp.v(43)).disposition, 'close', 'isolated small backward mine: close');
SELECT is((pg_temp.v(43)).rules[1], 'E1', 'by E1');
SELECT is((pg_temp.v(43)).reasons[1],
  'isolated small mine (0.0400 km², 100000 t) with a backward process, which cannot join a merge: close', 'E1 reason');

-- ---------------------------------------------------------------- C6: a chain of small mines and an anchor
-- 100, 101, 102 small and 300 m apart; 103 a larger mine 300 m from 102; 104 banned, in the chain.
CALL pg_temp.mine(100, 'Q1', pg_temp.sq(0, 0));
CALL pg_temp.mine(101, 'Q1', pg_temp.sq(500, 0));
CALL pg_temp.mine(102, 'Q1', pg_temp.sq(1000, 0));
CALL pg_temp.mine(103, 'Q1', pg_temp.sq(1500, 0, 500), 900000);
UPDATE mines SET capacity = 60000 WHERE id = 103;
CALL pg_temp.mine(104, 'Q1', pg_temp.sq(0, 500));
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on) VALUES
  (104, 'illegal_mining', '2021-02-01', '2021-03-02'),
  (104, 'illegal_mining', '2021-08-01', '2021-09-01'),
  (104, 'illegal_mining', '2022-06-01', NULL);
CALL pg_temp.mine(105, 'Q2', pg_temp.sq(500, 300));          -- another ore body: not joined
SELECT is((pg_temp.v(103)).disposition, 'merge_retain', 'the anchor is the retained mine');
SELECT is((pg_temp.v(103)).rules[1:2], ARRAY['C6', 'L4'], '… by C6, chosen by L4');
SELECT is((pg_temp.v(101)).disposition, 'merge_close', 'a small member closes into the retained mine');
SELECT is((pg_temp.v(101)).rules[1:2], ARRAY['C6', 'M1'], '… by C6, merged under M1');
SELECT is((pg_temp.v(101)).reasons[1],
  'member of merge cluster 2 (5 mines) on ore body Q1, merging into mine 103: close once property rights are settled', 'C6 reason');
SELECT is((pg_temp.v(104)).disposition, 'ban', 'a banned mine inside a cluster is banned');
SELECT is((pg_temp.v(104)).rules[1:2], ARRAY['C1', 'C6'], '… and its membership is listed');
SELECT is((pg_temp.v(105)).disposition, 'exit_at_term', 'a mine on another ore body is not merged');
SELECT is((SELECT member_ids FROM merge_plan WHERE county_code = '140902' AND retained_mine_id = 103),
  ARRAY[100, 101, 102, 103, 104]::bigint[], 'the merge plan lists every member');
SELECT is((SELECT reaches_medium FROM merge_plan WHERE retained_mine_id = 103), true,
  'the merged mine reaches medium scale (L3)');

-- ---------------------------------------------------------------- L4 tie-breaks and disqualified members
-- Clusters of two small mines with no anchor, 300 m apart, in county 140921.
CALL pg_temp.mine(200, 'P', pg_temp.sq(0, 0), 100000, '140921');
CALL pg_temp.mine(201, 'P', pg_temp.sq(500, 0), 200000, '140921');
UPDATE mines SET green_listed = true WHERE id = 200;
CALL pg_temp.mine(210, 'R', pg_temp.sq(0, 5000), 100000, '140921');
CALL pg_temp.mine(211, 'R', pg_temp.sq(500, 5000), 200000, '140921');
CALL pg_temp.mine(220, 'A', pg_temp.sq(0, 10000, 200), 100000, '140921');
CALL pg_temp.mine(221, 'A', pg_temp.sq(500, 10000, 250), 100000, '140921');
CALL pg_temp.mine(230, 'I', pg_temp.sq(0, 15000), 100000, '140921');
CALL pg_temp.mine(231, 'I', pg_temp.sq(500, 15000), 100000, '140921');
CALL pg_temp.mine(240, 'X', pg_temp.sq(0, 20000), 100000, '140921');
CALL pg_temp.mine(241, 'X', pg_temp.sq(500, 20000), 100000, '140921');
UPDATE mines SET valid_from = '2015-01-01', valid_to = '2022-06-30', expiry_cause = 'own' WHERE id IN (240, 241);
CALL pg_temp.mine(250, 'Y', pg_temp.sq(0, 25000), 100000, '140921');
CALL pg_temp.mine(251, 'Y', pg_temp.sq(500, 25000), 200000, '140921');
UPDATE mines SET safety_ok = false, rectify_by = '2022-06-30' WHERE id = 251;
SELECT is((pg_temp.v(200)).disposition, 'merge_retain', 'L4: more of the preferences wins over larger reserves');
SELECT is((pg_temp.v(211)).disposition, 'merge_retain', 'L4: then the larger reserves');
SELECT is((pg_temp.v(221)).disposition, 'merge_retain', 'L4: then the larger area');
SELECT is((pg_temp.v(230)).disposition, 'merge_retain', 'L4: then the lower id');
SELECT is((pg_temp.v(250)).disposition, 'merge_retain', 'a member closed under C3 is never retained, however large');
SELECT is((pg_temp.v(251)).rules[1:2], ARRAY['C3', 'C6'], '… it closes under C3 and is listed in the merge');
SELECT is((SELECT retained_mine_id FROM merge_plan WHERE county_code = '140921' AND ore_body = 'X'), NULL,
  'every member disqualified: no retained mine');
SELECT is((SELECT note FROM merge_plan WHERE county_code = '140921' AND ore_body = 'X'),
  'every member is banned, closed or referred: no mine can be retained', '… and the plan says why');
SELECT is((pg_temp.v(240)).disposition, 'close', 'the disqualified members keep their own verdict');

-- ---------------------------------------------------------------- L2: concentrated zone, safety distance
-- Two mines too large for M1 (0.16 km²) but of small production scale, 250 m apart.
INSERT INTO zones (kind, name, geom) VALUES ('concentrated_mining', '豆罗集中开采区', pg_temp.sq(-1000, 30000, 3000));
CALL pg_temp.mine(300, 'L', pg_temp.sq(0, 30000, 400), 500000, '140921');
CALL pg_temp.mine(301, 'L', pg_temp.sq(650, 30000, 400), 400000, '140921');
SELECT is((SELECT array_agg(l2_small ORDER BY id) FROM mine_facts WHERE id IN (300, 301)), ARRAY[true, true],
  'small-scale mines inside a concentrated zone are L2-small');
SELECT is((pg_temp.v(301)).rules[1:2], ARRAY['C6', 'L2'], 'closer than the safety distance: merged under L2');
SELECT is((pg_temp.v(300)).disposition, 'merge_retain', '… into the one with the larger reserves');

-- ---------------------------------------------------------------- L1, S4, A1
CALL pg_temp.mine(400, 'H', pg_temp.sq(0, 40000, 400), 500000, '140921');
CALL pg_temp.mine(401, 'H', pg_temp.sq(600, 40000, 400), 500000, '140921');
UPDATE mines SET holder_uscc = '91350200776049653A' WHERE id IN (400, 401);
CALL pg_temp.mine(402, 'H2', pg_temp.sq(5000, 40000, 400), 500000, '140921');
UPDATE mines SET fake_consolidation_suspected = true, transfer_mode = NULL WHERE id = 402;
INSERT INTO zones (kind, name, geom) VALUES
  ('planned_mining', '规划开采区一', pg_temp.sq(4000, 39000, 3000)),
  ('eco_fragile', '芦芽山生态脆弱区', pg_temp.sq(5300, 40300, 500));
SELECT ok('L1' = ANY((pg_temp.v(400)).rules), 'L1 by the same holder on one ore body');
SELECT is((pg_temp.v(400)).reasons[array_position((pg_temp.v(400)).rules, 'L1')],
  'the same holder holds 1 other licence on ore body H within 500 m (mine 401): one ore body worked by several licences, refer to discipline inspection',
  'the L1 reason names the other licence');
SELECT is((pg_temp.v(402)).rules, ARRAY['R', 'L1', 'A1', 'C5?', 'S1'], 'L1 by flag; kept in a fragile zone: A1, inside a planned zone: no S4');
SELECT is((pg_temp.v(402)).disposition, 'retain', 'L1 does not change the disposition by itself');
SELECT ok('S4' = ANY((pg_temp.v(103)).rules), 'a retained mine outside every planned zone carries the S4 warning');

-- ---------------------------------------------------------------- merge plan geometry and overlaps
SELECT ok((SELECT NOT ST_IsEmpty(gap_geom) FROM merge_plan WHERE retained_mine_id = 103), 'the cluster has gap resources');
SELECT ok((SELECT bool_and(NOT ST_Relate(p.gap_geom, m.geom, 'T********'))
             FROM merge_plan p JOIN mines m ON m.id = ANY(p.member_ids) WHERE p.retained_mine_id = 103),
  'the gap lies inside no member');
SELECT ok((SELECT ST_Within(ST_PointOnSurface(gap_geom), ST_ConvexHull(geom)) FROM merge_plan WHERE retained_mine_id = 103),
  'the gap lies between the members');
SELECT is((SELECT round(total_area_km2::numeric, 4) FROM merge_plan WHERE retained_mine_id = 103), 0.4100,
  'total area of the merged mine');
CALL pg_temp.mine(500, 'O', pg_temp.sq(0, 110000, 300));
CALL pg_temp.mine(501, 'O', pg_temp.sq(200, 110000, 300));
CALL pg_temp.mine(502, 'O', pg_temp.sq(100, 110100, 300));
UPDATE mines SET elev_top = 1200, elev_bottom = 1100 WHERE id = 500;
UPDATE mines SET elev_top = 1150, elev_bottom = 1000 WHERE id = 501;
UPDATE mines SET elev_top = 1000, elev_bottom = 900 WHERE id = 502;
SELECT set_eq($$SELECT mine_id_a, mine_id_b FROM mineconsol.overlaps WHERE mine_id_a >= 500$$,
  $$VALUES (500::bigint, 501::bigint), (501, 502)$$,
  'overlapping rights with intersecting elevation ranges are listed, disjoint ranges are not');
SELECT is((SELECT round(overlap_km2::numeric, 4) FROM mineconsol.overlaps WHERE mine_id_a = 500), 0.0300,
  'with the overlap area');

-- ---------------------------------------------------------------- missing facts
-- classify() must never crash nor print a value it does not have, whatever
-- facts are missing: a mine_facts row built from JSON leaves the others NULL.
CREATE FUNCTION pg_temp.facts(j jsonb) RETURNS mineconsol.mine_facts
  LANGUAGE sql AS $$ SELECT jsonb_populate_record(NULL::mineconsol.mine_facts, j) $$;
SELECT is((SELECT row(v.disposition, v.rules)::text
             FROM classify(pg_temp.facts('{"id":1,"as_of":"2023-07-15","in_scope":true,"licence_valid":true,"cluster_id":1,"cluster_size":2,"m1_small":true}')) v),
          '(merge_close,"{C6,M1?,L2?}")',
          'the crash of the review (m1_small with no area, reserves or thresholds): C6, with M1? and L2? for the missing facts');
SELECT is((SELECT reasons[2] FROM classify(pg_temp.facts('{"id":1,"as_of":"2023-07-15","in_scope":true,"licence_valid":true,"cluster_id":1,"cluster_size":2,"m1_small":true}'))),
          'marked small under M1, but the area, the retained reserves, small_area_km2, small_reserves_t are not recorded: whether M1 applies cannot be checked',
          '… and M1? names what is missing');
-- Four full rows that take different paths (in a cluster as the retained mine
-- and as a member, alone and small, alone under L2), then every one of them
-- with each fact taken out in turn, and with random sets of facts taken out.
CREATE TEMP TABLE full_facts (k int, j jsonb);
INSERT INTO full_facts VALUES
  (1, '{"id":7,"as_of":"2023-07-15","in_scope":true,"licensed_by":"county","licence_valid":true,"valid_to":"2023-01-01",
        "reserves_t":1000,"area_km2":0.05,"documents_incomplete":true,"area_delineated":true,"c1_act_on":"2023-01-02",
        "c1_penalties":2,"c1_first_penalty":"2022-01-01","c1_last_penalty":"2022-06-01","expiry_cause":"own","eco_ok":false,
        "safety_ok":false,"product_ok":false,"rectify_by":"2023-02-01","c4_zones":["红线",null],"c4_overlap_km2":0.01,
        "ore_body":"A","cluster_id":3,"cluster_size":4,"retained_mine_id":7,"cluster_scale_class":"small","anchor":true,
        "m1_small":true,"l2_small":true,"scale_class":"small","concentrated_zone":"集中区","backward_process":true,
        "restoration_ok":false,"transfer_mode":"reserves","fake_consolidation_suspected":true,"l1_same_holder_ids":[8,null,9],
        "planned_zone":null,"eco_fragile_zones":["脆弱区"],"group_enterprise":true,"downstream_processing":true,"green_listed":true,
        "merge_distance_m":500,"safety_distance_m":300,"small_area_km2":0.1,"small_reserves_t":300000,"penalty_count":2,
        "penalty_window_years":2}'),
  (2, '{"id":8,"as_of":"2023-07-15","in_scope":true,"licensed_by":"city","licence_valid":true,"valid_to":"2030-01-01",
        "reserves_t":0,"area_km2":0.05,"ore_body":"A","cluster_id":3,"cluster_size":4,"retained_mine_id":7,"m1_small":false,
        "l2_small":true,"scale_class":"very_small","concentrated_zone":"集中区","transfer_mode":"term",
        "merge_distance_m":500,"safety_distance_m":300,"small_area_km2":0.1,"small_reserves_t":300000,"penalty_count":2,
        "penalty_window_years":2}'),
  (3, '{"id":9,"as_of":"2023-07-15","in_scope":true,"licensed_by":"county","licence_valid":true,"valid_to":"2030-01-01",
        "reserves_t":0,"area_km2":0.05,"m1_small":true,"l2_small":null,"backward_process":true,"restoration_ok":false,
        "transfer_mode":"reserves","concentrated_zone":"集中区","eco_fragile_zones":[],"l1_same_holder_ids":[],
        "merge_distance_m":500,"safety_distance_m":300,"small_area_km2":0.1,"small_reserves_t":300000,"penalty_count":2,
        "penalty_window_years":2}'),
  (4, '{"id":10,"as_of":"2023-07-15","in_scope":false,"licensed_by":"county","licence_valid":false,"valid_to":"2022-01-01"}');
CREATE TEMP TABLE missing_facts AS
  SELECT f.k, f.j - key AS j FROM full_facts f, jsonb_object_keys(f.j) AS key WHERE key NOT IN ('id', 'as_of')
  UNION ALL
  SELECT f.k, (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(f.j) e
                WHERE e.key IN ('id', 'as_of') OR hashtext(e.key || n) % 3 <> 0)
    FROM full_facts f, generate_series(1, 100) n;
SELECT is((SELECT count(*) FROM missing_facts m, classify(pg_temp.facts(m.j)) v
            WHERE v.disposition IS NOT NULL AND cardinality(v.rules) = cardinality(v.reasons)
              AND cardinality(v.rules) > 0),
          (SELECT count(*) FROM missing_facts),
          'every row with facts missing gets a verdict, one reason per rule');
SELECT is((SELECT count(*) FROM missing_facts m, classify(pg_temp.facts(m.j)) v, unnest(v.reasons) r
            WHERE r LIKE '%(null)%' OR r ~ '(^|\s)0\.0000 km²'),
          0::bigint, '… and no reason prints a missing fact as "(null)" or as 0');
SELECT is((SELECT string_agg(DISTINCT code, ',' ORDER BY code) FROM missing_facts m, classify(pg_temp.facts(m.j)) v,
                  unnest(v.rules) code WHERE code LIKE '%?'),
          'C2?,C5?,L2?,L3?,M1?', 'the missing facts show as C2?, C5?, L2?, L3? and M1?');
SELECT throws_ok($$SELECT classify(pg_temp.facts('{"id":1}'))$$, '22004',
  'classify: the row''s id and as_of must not be NULL', 'without id or as_of there is nothing to judge: 22004');

-- ---------------------------------------------------------------- a licence expired for another reason (LX)
SET LOCAL mineconsol.as_of = '2023-01-01';
CALL pg_temp.mine(2401, 'LXa', pg_temp.sq(0, 990000));
UPDATE mines SET valid_from = '2015-01-01', valid_to = '2022-06-30', expiry_cause = 'other' WHERE id = 2401;
CALL pg_temp.mine(2402, 'LXb', pg_temp.sq(5000, 990000));
UPDATE mines SET valid_from = '2015-01-01', valid_to = '2022-06-30', expiry_cause = 'other', transfer_mode = NULL WHERE id = 2402;
SELECT is((pg_temp.v(2401)).disposition, 'exit_at_term', 'a term licence that expired for another reason is not C2: C5 exit at term');
SELECT is((pg_temp.v(2401)).reasons[1], 'not in a merge; the licence was sold for a term, which ended on 2022-06-30: close and exit now',
  '… whose reason says the term has ended and it exits now');
SELECT is((SELECT r FROM pg_temp.v(2401) v, unnest(v.rules, v.reasons) AS u(c, r) WHERE c = 'LX'),
  'licence expired on 2022-06-30, not through the holder''s fault (expiry_cause other): not C2 (close); its term has ended, so it exits now (C5)',
  'LX says the licence expired on that day through no fault of the holder, and what follows');
SELECT is((pg_temp.v(2402)).disposition, 'retain', 'a kept mine whose licence expired for another reason …');
SELECT is((SELECT r FROM pg_temp.v(2402) v, unnest(v.rules, v.reasons) AS u(c, r) WHERE c = 'LX'),
  'licence expired on 2022-06-30, not through the holder''s fault (expiry_cause other): not C2 (close); kept, it needs its licence renewed (延续) by the issuing authority (county)',
  '… needs its licence renewed by the issuing authority');
SELECT ok(NOT ('LX' = ANY ((pg_temp.v(20)).rules)), 'a licence expired through the holder''s fault has no LX note');
INSERT INTO results_as_of VALUES ('2023-01-01');
SELECT lives_ok($$SELECT refresh_results(false)$$, 'results stored');
SELECT is(ARRAY(SELECT department || ': ' || task FROM v_department_tasks WHERE mine_id IN (2401, 2402) ORDER BY mine_id, task),
  ARRAY['natural resources: licence term ended: close the mine and see it exit now (C5)',
        'natural resources: renew the expired licence (延续): issued by the county'],
  'v_department_tasks routes the exit to natural resources and the renewal to the issuing authority');

-- Gap resources of a ragged area are bounded in time: a 10 000-vertex comb
-- (teeth 0.18 m apart, as many vertices as max_vertices allows) once made
-- GEOS's buffer run for hours, deaf to cancellation.  Under statement_timeout
-- a regression fails with 57014 instead of hanging the suite.
CREATE FUNCTION pg_temp.comb(n int, width float8) RETURNS geometry LANGUAGE sql AS $$
SELECT ST_SetSRID(ST_Multi(ST_MakePolygon(ST_MakeLine(p ORDER BY k))), 4547)
  FROM (SELECT i AS k, ST_MakePoint(400000 + i * width / (n - 3), 4250000 + CASE WHEN i % 2 = 0 THEN 0 ELSE 100 END) AS p
          FROM generate_series(0, n - 4) i
        UNION ALL SELECT n, ST_MakePoint(400000 + width, 4250000 - 10)
        UNION ALL SELECT n + 1, ST_MakePoint(400000, 4250000 - 10)
        UNION ALL SELECT n + 2, ST_MakePoint(400000, 4250000)) s $$;
SELECT is(ST_NPoints(pg_temp.comb(10000, 900)), 10000, 'the comb has 10 000 vertices');
SET LOCAL statement_timeout = '5s';
SELECT lives_ok($$SELECT gap_resources(pg_temp.comb(10000, 900), 500)$$,
  'gap resources of a 10 000-vertex comb 900 m wide finish within the statement timeout');
SELECT lives_ok($$SELECT gap_resources(pg_temp.comb(10000, 3000000), 0.001)$$,
  '… and of a 3 000 km comb at a merge distance of 1 mm');
SELECT ok((SELECT ST_IsValid(g) AND GeometryType(g) = 'MULTIPOLYGON'
                   AND (ST_IsEmpty(g) OR ST_Within(g, ST_Expand(pg_temp.comb(10000, 900), 100)))
              FROM gap_resources(pg_temp.comb(10000, 900), 500) g),
  '… a valid MultiPolygon near the area');
SELECT is((SELECT ST_NumGeometries(gap_resources(ST_Collect(ST_MakeEnvelope(400000 + i * 300, 4250000, 400000 + i * 300 + 200, 4250200, 4547)), 500))
             FROM generate_series(1, 100) i), 99,
  '… and of a cluster of 100 separate squares (400 vertices in all): one gap between each two');
SELECT is((SELECT ST_NumGeometries(gap_resources(ST_Collect(ST_MakeEnvelope(400000 + i * 30, 4250000 + j * 30, 400025 + i * 30, 4250025 + j * 30, 4547)), 500))
             FROM generate_series(0, 99) i, generate_series(0, 99) j), 1,
  '… and of a cluster of 10 000 squares 5 m apart (its parts buffered one by one): one gap between them all');
RESET statement_timeout;
-- Two 250-vertex members: at most 256 vertices are computed exactly (a
-- buffer of the union, then its inverse, minus the union).
SELECT is(round(ST_Area(gap_resources(pg_temp.comb(250, 900), 500))::numeric, 3),
          round(ST_Area(ST_Difference(ST_Buffer(ST_Buffer(pg_temp.comb(250, 900), 250), -250), pg_temp.comb(250, 900)))::numeric, 3),
          'up to 256 vertices the gap is exact: the closing minus the area');

SELECT * FROM finish();
ROLLBACK;
