\i test/setup.psql
BEGIN;
SELECT plan(18);
SET LOCAL mineconsol.as_of = '2023-07-15';
CREATE FUNCTION pg_temp.facts(j jsonb) RETURNS mineconsol.mine_facts
  LANGUAGE sql AS $$ SELECT jsonb_populate_record(NULL::mineconsol.mine_facts, j) $$;
CREATE TEMP TABLE cases (code text, j jsonb);
INSERT INTO cases VALUES
 ('S1', '{"id":1,"as_of":"2023-07-15","in_scope":false,"licensed_by":"province"}'),
 ('C1', '{"id":2,"as_of":"2023-07-15","in_scope":true,"c1_act_on":"2022-05-01","c1_penalties":2,"c1_first_penalty":"2021-01-10","c1_last_penalty":"2021-09-01","penalty_window_years":2}'),
 ('C2', '{"id":3,"as_of":"2023-07-15","in_scope":true,"valid_to":"2022-01-21","expiry_cause":"own"}'),
 ('C4', '{"id":4,"as_of":"2023-07-15","in_scope":true,"c4_zones":["五台山景区 (scenic_area)"],"c4_overlap_km2":0.04}'),
 ('C3', '{"id":5,"as_of":"2023-07-15","in_scope":true,"eco_ok":false,"safety_ok":false,"rectify_by":"2023-12-31"}'),
 ('C6', '{"id":6,"as_of":"2023-07-15","in_scope":true,"cluster_id":2,"cluster_size":5,"retained_mine_id":103,"ore_body":"Q1","m1_small":true,"area_km2":0.02,"reserves_t":100000,"small_area_km2":0.1,"small_reserves_t":500000,"merge_distance_m":500}'),
 ('E1', '{"id":7,"as_of":"2023-07-15","in_scope":true,"m1_small":true,"area_km2":0.04,"reserves_t":100000,"backward_process":true,"transfer_mode":"term","valid_to":"2025-12-31"}'),
 ('C5', '{"id":8,"as_of":"2023-07-15","in_scope":true,"m1_small":false,"l2_small":false,"transfer_mode":"reserves","reserves_t":300000}'),
 ('R',  '{"id":9,"as_of":"2023-07-15","in_scope":true,"m1_small":false,"l2_small":false,"transfer_mode":"reserves","reserves_t":0,"planned_zone":"P1"}'),
 ('L4', '{"id":103,"as_of":"2023-07-15","in_scope":true,"cluster_id":2,"cluster_size":5,"retained_mine_id":103,"ore_body":"Q1","m1_small":false,"l2_small":true,"scale_class":"small","concentrated_zone":"东山","safety_distance_m":300,"anchor":true,"group_enterprise":true,"green_listed":true,"reserves_t":900000,"area_km2":0.5,"cluster_scale_class":"small","planned_zone":"P1","eco_fragile_zones":["忻府生态脆弱区"]}'),
 ('L1', '{"id":10,"as_of":"2023-07-15","in_scope":true,"m1_small":false,"l2_small":false,"transfer_mode":"term","valid_to":"2025-12-31","ore_body":"Q2","merge_distance_m":500,"l1_same_holder_ids":[11,12],"planned_zone":"P1"}'),
 ('LX', '{"id":13,"as_of":"2023-07-15","in_scope":true,"licensed_by":"county","m1_small":false,"l2_small":false,"transfer_mode":"reserves","reserves_t":0,"valid_to":"2022-06-30","expiry_cause":"other","planned_zone":"P1"}');

-- ---------------------------------------------------------------- verdicts, one per rule code
SET LOCAL lc_messages = 'C';
SELECT is((SELECT v.reasons[1] FROM cases c, classify(pg_temp.facts(c.j)) v WHERE c.code = 'C2'),
  'licence expired on 2022-01-21 through the holder''s own fault: close', 'C: the C2 reason in English');
SELECT is((SELECT count(*) FROM cases c, classify(pg_temp.facts(c.j)) v, unnest(v.reasons) r
            WHERE r ~ '[一-龥]' AND c.code NOT IN ('C4', 'L4', 'LX')),
  0::bigint, 'C: no reason is in Chinese (but for the names of zones quoted)');
CREATE TEMP TABLE en AS SELECT c.code, v.* FROM cases c, classify(pg_temp.facts(c.j)) v;
SET LOCAL lc_messages = 'zh_CN.UTF-8';
CREATE TEMP TABLE zh AS SELECT c.code, v.* FROM cases c, classify(pg_temp.facts(c.j)) v;
SELECT is((SELECT count(*) FROM en JOIN zh USING (code) WHERE en.disposition = zh.disposition AND en.rules = zh.rules),
  12::bigint, 'zh_CN: the same dispositions and rule codes as in English');
SELECT is((SELECT array_agg(code ORDER BY code) FROM zh, unnest(reasons) r WHERE r !~ '[一-龥]'), NULL,
  'zh_CN: every reason of every rule code is in Chinese');
SELECT is((SELECT reasons[1] FROM zh WHERE code = 'C2'),
  '采矿许可证已于 2022-01-21 到期，属矿业权人自身原因导致过期失效：依法关闭', 'zh_CN: C2 in the plan''s words (依法关闭)');
SELECT is((SELECT reasons[1] FROM zh WHERE code = 'C1'),
  '2022-05-01 又实施非法采矿行为，此前 2 年内（2021-01-10 至 2021-09-01）曾因非法采矿受过 2 次行政处罚：坚决予以取缔关闭',
  'zh_CN: C1 (坚决予以取缔关闭), its values reordered');
SELECT is((SELECT reasons[1] FROM zh WHERE code = 'C3'),
  '生态环境保护、安全生产条件不达标：责令停产限期整顿，整顿期限至 2023-12-31', 'zh_CN: C3 (责令停产限期整顿), a list joined by 、');
SELECT is((SELECT reasons[1] FROM zh WHERE code = 'C5'),
  '未参与整合；采矿权按资源储量出让，剩余资源储量 300000 吨：按设计产能限期开采完毕后关闭退出，不得扩大矿区范围', 'zh_CN: C5');
SELECT is((SELECT r FROM zh, unnest(rules, reasons) u(c, r) WHERE code = 'LX' AND c = 'LX'),
  '采矿许可证已于 2022-06-30 到期，非矿业权人自身原因（expiry_cause 为 other）：不适用 C2（依法关闭）；予以保留的，须由发证机关（县级自然资源部门）办理采矿许可证延续',
  'zh_CN: LX names the renewal (延续) and the issuing level in Chinese');
SELECT is(label('disposition', 'merge_retain') || '/' || label('stage', 'valued') || '/' || label('stage', 'no_such'),
  '整合保留/出让收益评估/no_such', 'zh_CN: label() names codes; an unknown code stays as it is');
SELECT is((SELECT count(*) FROM duties WHERE seeded AND tr(department) = department), 0::bigint,
  'zh_CN: every seeded department has its Chinese name');

-- ---------------------------------------------------------------- errors
SELECT throws_ok($$SELECT 'X123'::license_no$$, '22P02', '类型 license_no 的输入格式无效：“X123”', 'zh_CN: a bad licence number');
SET LOCAL lc_messages = 'C';
SELECT throws_ok($$SELECT 'X123'::license_no$$, '22P02', 'invalid input syntax for type license_no: "X123"', 'C: a bad licence number');

-- ---------------------------------------------------------------- stored verdicts follow the reader
INSERT INTO mineconsol.mines (id, name, county_code, ore_body, reserves_t, valid_from, valid_to, expiry_cause,
                              transfer_mode, mineral, capacity, capacity_unit, geom)
VALUES (9901, '甲矿', '140902', 'Z', 100000, '2015-01-01', '2022-01-21', 'own', 'term', '建筑石料用灰岩', 20000, 'm3/yr',
        ST_Multi(ST_MakeEnvelope(400000, 4250000, 400200, 4250200, 4547)));
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SELECT ok((SELECT mines FROM refresh_results(false)) > 0, 'a refresh in a Chinese session');
SELECT is((SELECT reasons[1] FROM disposition_results WHERE mine_id = 9901),
  'licence expired on 2022-01-21 through the holder''s own fault: close', 'the stored text is English, whoever refreshed');
SELECT is((SELECT split_part(reasons, '；', 1) FROM v_dispositions WHERE id = 9901),
  '采矿许可证已于 2022-01-21 到期，属矿业权人自身原因导致过期失效：依法关闭', 'v_dispositions shows the stored verdict in Chinese to a zh_CN session');
SET LOCAL lc_messages = 'C';
SELECT is((SELECT split_part(reasons, '; ', 1) FROM v_dispositions WHERE id = 9901),
  'licence expired on 2022-01-21 through the holder''s own fault: close', '… and in English to another, for the same row');
-- A verdict stored by 0.1.0 has no reason_args: its stored text is shown.
UPDATE disposition_results SET reason_args = NULL, reasons = '{"stored by 0.1.0"}' WHERE mine_id = 9901;
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SELECT is((SELECT reasons FROM v_dispositions WHERE id = 9901), 'stored by 0.1.0', 'a verdict stored by 0.1.0 reads as stored');

SELECT * FROM finish();
ROLLBACK;
