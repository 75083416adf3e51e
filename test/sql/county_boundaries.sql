\i test/setup.psql
BEGIN;
SELECT plan(77);

-- What a county may reach past its county: through a mapping that gives more
-- than the mapped role has, through the city's zones, through the trigger
-- functions, through the errors of shared constraints.  Every attack runs as
-- the real role and is followed by a check, as the owner, that nothing moved.

-- changed_rows(), plan_of(), error_fields(), …
\i test/lib/helpers.sql
-- error_of(sql): 'SQLSTATE: message', then the detail and the hint on lines
-- of their own, or 'no error'.
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS text LANGUAGE sql AS $$
  SELECT COALESCE(e.code || ': ' || e.message || E'\nDETAIL: ' || e.detail || E'\nHINT: ' || e.hint, 'no error')
    FROM pg_temp.error_fields(sql) e
$$;
GRANT EXECUTE ON FUNCTION pg_temp.error_of(text), pg_temp.error_fields(text), pg_temp.changed_rows(text) TO PUBLIC;

-- Xinfu's clerk (editor, 140902) is also a member of a reader group mapped
-- to Dingxiang (140921), and of a group that is in no mineconsol role,
-- mapped to Wutai (140922).  Dingxiang's clerk is an editor of 140921.  An
-- inspector is also mapped, as an editor, to Xinfu.
CREATE ROLE mc_cb_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_cb_dingxiang IN ROLE mineconsol_editor;
CREATE ROLE mc_cb_ding_readers IN ROLE mineconsol_reader;
CREATE ROLE mc_cb_wutai_nobody;
CREATE ROLE mc_cb_city IN ROLE mineconsol_admin;
CREATE ROLE mc_cb_inspector IN ROLE mineconsol_inspector, mineconsol_editor;
GRANT mc_cb_ding_readers, mc_cb_wutai_nobody TO mc_cb_xinfu;
INSERT INTO role_counties VALUES
  ('mc_cb_xinfu', '140902'), ('mc_cb_dingxiang', '140921'), ('mc_cb_ding_readers', '140921'),
  ('mc_cb_wutai_nobody', '140922'), ('mc_cb_inspector', '140902');

CREATE FUNCTION pg_temp.sq(x float8, y float8) RETURNS geometry
  LANGUAGE sql AS $$ SELECT ST_Multi(ST_MakeEnvelope(500000 + x, 4250000 + y, 500200 + x, 4250200 + y, 4547)) $$;
INSERT INTO mines (id, license_no, name, county_code, ore_body, reserves_t, valid_from, valid_to, geom) VALUES
  (9101, 'C1409022019087110149001', 'xinfu-1', '140902', 'A', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0, 0)),
  (9102, NULL, 'xinfu-2', '140902', 'A', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(400, 0)),
  (9103, 'C1409212019087110149003', 'dingxiang-1', '140921', 'B', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0, 5000)),
  (9104, NULL, 'dingxiang-2', '140921', 'B', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(400, 5000)),
  (9105, NULL, 'wutai-1', '140922', 'C', 100000, '2020-01-01', '2026-12-31', pg_temp.sq(0, 9000));
SELECT setval('mineconsol.mines_id_seq', greatest((SELECT max(id) FROM mines), nextval('mineconsol.mines_id_seq'))) AS moved \gset
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on, doc_no)
  VALUES (9103, 'illegal_mining', '2021-05-01', '2021-06-01', 'd-v-1');
INSERT INTO schemes (county_code) VALUES ('140902'), ('140921');
SELECT count(advance('scheme', id, 'drafted', '{"date": "2022-09-01", "doc_no": "draft"}')) AS drafted FROM schemes \gset
INSERT INTO units (county_code, retained_mine_id) VALUES ('140921', 9103);
INSERT INTO unit_members (unit_id, mine_id) SELECT id, 9103 FROM units WHERE county_code = '140921';
INSERT INTO closures (mine_id) VALUES (9104);
-- The city's planned zone over all of them.
INSERT INTO zones (kind, name, geom) VALUES
  ('planned_mining', '全市规划区', ST_Multi(ST_MakeEnvelope(499000, 4249000, 502000, 4260000, 4547)));

-- A fingerprint of everything the attacks below aim at.
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(row(id, license_no, name, county_code, note)::text, ',' ORDER BY id) FROM mineconsol.mines),
    (SELECT string_agg(row(v.*)::text, ',' ORDER BY id) FROM mineconsol.violations v),
    (SELECT string_agg(row(id, kind, name, county_code, note)::text, ',' ORDER BY id) FROM mineconsol.zones),
    (SELECT string_agg(row(id, county_code, stage)::text, ',' ORDER BY id) FROM mineconsol.schemes),
    (SELECT string_agg(row(id, county_code, retained_mine_id, stage)::text, ',' ORDER BY id) FROM mineconsol.units),
    (SELECT string_agg(row(m.*)::text, ',' ORDER BY unit_id, mine_id) FROM mineconsol.unit_members m),
    (SELECT string_agg(row(mine_id, unit_id, stage)::text, ',' ORDER BY mine_id) FROM mineconsol.closures),
    (SELECT string_agg(row(r.*)::text, ',' ORDER BY mine_id, zone_id) FROM mineconsol.mine_zone_relations r),
    (SELECT count(*) FROM mineconsol.stage_events)))
$$;
SELECT pg_temp.state() AS before \gset

-- ---------------------------------------------------------------- a reader mapping reads, never writes
SET LOCAL ROLE mc_cb_xinfu;
SELECT is(my_counties(), ARRAY['140902', '140921'],
  'the clerk reads its county and the county of the reader group it belongs to');
SELECT is(my_write_counties(), ARRAY['140902'], '… and writes only its own');
SELECT is(mapped_counties('mineconsol_reader', 'mineconsol_editor', 'mineconsol_admin', 'mineconsol_inspector', 'mc_cb_wutai_nobody')
          <@ (SELECT array_agg(county_code) FROM mineconsol.role_counties), true,
  '… and mapped_counties() for any roles tells it no more than the mappings it reads anyway');
SELECT is(mapped_counties(VARIADIC NULL::name[]), '{}'::text[], '… no group roles: no counties');
SELECT is(pg_temp.error_of($$SELECT mineconsol.mapped_counties('mc_cb_no_such_role')$$),
  E'42704: role "mc_cb_no_such_role" does not exist\nDETAIL: \nHINT: ', '… a group role that does not exist is refused (42704)');
SELECT is((SELECT array_agg(id ORDER BY id) FROM mines), ARRAY[9101, 9102, 9103, 9104]::bigint[],
  'a group in no mineconsol role gives no county (Wutai''s mine stays hidden)');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET name = 'hijacked' WHERE id = 9103$$), 0::bigint,
  'UPDATE of a mine of the read-only county changes no row');
SELECT is(pg_temp.changed_rows($$DELETE FROM mineconsol.mines WHERE county_code = '140921'$$), 0::bigint,
  'DELETE of its mines changes no row');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.mines (name, county_code) VALUES ('planted', '140921')$$),
  E'42501: new row violates row-level security policy for table "mines"\nDETAIL: \nHINT: ',
  'INSERT of a mine into it is refused');
SELECT is(pg_temp.error_of($$UPDATE mineconsol.mines SET county_code = '140921' WHERE id = 9102$$),
  E'42501: new row violates row-level security policy for table "mines"\nDETAIL: \nHINT: ',
  'moving an own mine into it is refused');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.violations (mine_id, kind, occurred_on) VALUES (9103, 'illegal_mining', '2022-01-01')$$),
  E'42501: new row violates row-level security policy for table "violations"\nDETAIL: \nHINT: ',
  'a violation for its mine is refused');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.violations SET doc_no = 'forged' WHERE mine_id = 9103$$), 0::bigint,
  '… and its violations cannot be changed');
SELECT is(pg_temp.changed_rows($$DELETE FROM mineconsol.violations$$), 0::bigint,
  '… nor deleted');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.schemes SET county_code = county_code WHERE county_code = '140921'$$), 0::bigint,
  'its scheme cannot be changed');
SELECT isnt(pg_temp.error_of(format($$SELECT mineconsol.advance('scheme', %s, 'hearing_held', '{"date": "2022-09-10", "doc_no": "x"}')$$,
  (SELECT id FROM schemes WHERE county_code = '140921'))), 'no error', 'its scheme cannot be advanced');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.units SET retained_mine_id = 9104 WHERE county_code = '140921'$$), 0::bigint,
  'its units cannot be changed');
SELECT is(pg_temp.error_of(format($$INSERT INTO mineconsol.unit_members VALUES (%s, 9104)$$,
  (SELECT id FROM units WHERE county_code = '140921'))),
  E'42501: new row violates row-level security policy for table "unit_members"\nDETAIL: \nHINT: ',
  'no member can be added to its units');
SELECT is(pg_temp.changed_rows($$DELETE FROM mineconsol.unit_members$$), 0::bigint, '… nor removed');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.closures SET unit_id = NULL$$), 0::bigint,
  'its closures cannot be changed');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.closures (mine_id) VALUES (9103)$$),
  E'42501: new row violates row-level security policy for table "closures"\nDETAIL: \nHINT: ',
  'no closure can be opened for its mines');
SELECT isnt(pg_temp.error_of($$SELECT mineconsol.adopt_merge_plan('140921')$$), 'no error', 'its merge plan cannot be adopted');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.units (county_code, retained_mine_id) VALUES ('140902', 9103)$$),
  E'42501: new row violates row-level security policy for table "units"\nDETAIL: \nHINT: ',
  'an own unit cannot retain a mine of the read-only county');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.units (county_code, retained_mine_id) VALUES ('140902', 9105)$$),
  E'42501: new row violates row-level security policy for table "units"\nDETAIL: \nHINT: ',
  '… nor of a hidden one (the same error whether the id exists or not)');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.units (county_code, retained_mine_id) VALUES ('140902', 99999)$$),
  E'42501: new row violates row-level security policy for table "units"\nDETAIL: \nHINT: ',
  '… nor of no mine at all');
SELECT is(pg_temp.error_of(format($$INSERT INTO mineconsol.closures (mine_id, unit_id) VALUES (9102, %s)$$,
  (SELECT id FROM units WHERE county_code = '140921'))),
  E'42501: new row violates row-level security policy for table "closures"\nDETAIL: \nHINT: ',
  'an own mine''s closure cannot be tied to a unit of the read-only county');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.unit_members SELECT u.id, 9103 FROM mineconsol.units u WHERE false$$),
  'no error', '(a statement that writes no row is not refused)');
CREATE TEMP TABLE mc_cb_register (license_no text, name text, county_code text);
INSERT INTO mc_cb_register VALUES ('C1409212019087110149009', 'planted', '140921');
SELECT is((SELECT array_agg(ok) FROM mineconsol.import_mines('mc_cb_register')), ARRAY[false],
  'a register row for the read-only county is refused by import_mines()');
RESET ROLE;
SELECT is(pg_temp.state(), :'before', 'none of it changed anything');
SET LOCAL ROLE mc_cb_dingxiang;
SELECT lives_ok(format($$SELECT mineconsol.advance('scheme', %s, 'hearing_held', '{"date": "2022-09-10", "doc_no": "x"}')$$,
  (SELECT id FROM schemes WHERE county_code = '140921')), 'the step refused above is Dingxiang''s own clerk''s to record');
RESET ROLE;

SET LOCAL ROLE mc_cb_xinfu;
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET note = 'checked' WHERE id IN (9101, 9103)$$), 1::bigint,
  'the same clerk still writes its own county');
RESET ROLE;
SELECT is((SELECT array_agg(id ORDER BY id) FROM mines WHERE note = 'checked'), ARRAY[9101]::bigint[],
  '… and only there');
SET LOCAL ROLE mc_cb_xinfu;
UPDATE mc_cb_register SET county_code = '140902', name = 'imported';
SELECT is((SELECT array_agg(ok) FROM mineconsol.import_mines('mc_cb_register')), ARRAY[true],
  '… and imported when it is the clerk''s own county''s');
RESET ROLE;
SELECT is((SELECT county_code FROM mines WHERE license_no = 'C1409212019087110149009'), '140902', '… into its own county');
DELETE FROM mines WHERE license_no = 'C1409212019087110149009';
UPDATE mines SET note = NULL WHERE id = 9101;

-- An inspector reads every county; an editor mapping gives it one to write.
SET LOCAL ROLE mc_cb_inspector;
SELECT is((SELECT count(*)::int FROM mines), 5, 'an inspector reads every county');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET note = 'inspected' WHERE true$$), 2::bigint,
  'an inspector who is also a Xinfu editor writes Xinfu''s two mines, not every county''s');
RESET ROLE;
SELECT is((SELECT array_agg(id ORDER BY id) FROM mines WHERE note = 'inspected'), ARRAY[9101, 9102]::bigint[],
  '… as the owner sees');
UPDATE mines SET note = NULL WHERE note = 'inspected';

-- The policies' condition is inlined, and the sets it compares with are
-- computed once per query (InitPlans), not once per row.
GRANT EXECUTE ON FUNCTION pg_temp.plan_of(text, boolean) TO PUBLIC;
SET LOCAL ROLE mc_cb_xinfu;
SELECT pg_temp.plan_of('UPDATE mineconsol.mines SET note = note WHERE county_code = ''140902''', true) AS update_plan \gset
RESET ROLE;
SELECT is(regexp_count(:'update_plan', 'county_in'), 0, 'the policies'' county_in() is inlined into the plan');
SELECT ok(regexp_count(:'update_plan', 'InitPlan') >= 4
          AND regexp_count(:'update_plan', 'my_write_counties\(\)') = regexp_count(:'update_plan', 'Output: my_write_counties\(\)'),
  '… and my_counties() / my_write_counties() run only in InitPlans, once per query');

-- ---------------------------------------------------------------- zones are the city's
SELECT pg_temp.state() AS before \gset
SET LOCAL ROLE mc_cb_xinfu;
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.zones (kind, name, county_code, geom)
  VALUES ('nature_reserve', '假保护区', '140902', ST_Multi(ST_MakeEnvelope(499900, 4254900, 500700, 4255300, 4547)))$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  'a clerk cannot draw a nature reserve over another county''s mines');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.zones (kind, name, county_code, geom)
  VALUES ('eco_fragile', '本县脆弱区', '140902', pg_temp.sq(0, 0))$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  '… nor an eco-fragile zone in its own county');
SELECT is(pg_temp.error_of($$UPDATE mineconsol.zones SET kind = 'nature_reserve'$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  '… nor turn the city''s planned zone into a reserve');
SELECT is(pg_temp.error_of($$UPDATE mineconsol.zones SET note = note WHERE false$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  '… nor take the zones'' write lock with an update of no row');
SELECT is(pg_temp.error_of($$DELETE FROM mineconsol.zones$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  '… nor delete it');
SELECT is(pg_temp.error_of($$LOCK TABLE mineconsol.zones IN SHARE ROW EXCLUSIVE MODE$$),
  E'42501: permission denied for table zones\nDETAIL: \nHINT: ',
  '… nor lock the zones');
SELECT is((SELECT count(*)::int FROM zones), 1, 'the clerk still reads the city''s zone');
RESET ROLE;
SELECT is(pg_temp.state(), :'before', 'no zone, and no relation of any mine to a zone, changed');

SET LOCAL ROLE mc_cb_city;
SELECT lives_ok($$INSERT INTO mineconsol.zones (kind, name, county_code, geom)
  VALUES ('nature_reserve', '市保护区', NULL, ST_Multi(ST_MakeEnvelope(499900, 4254900, 500700, 4255300, 4547)))$$,
  'the city draws the nature reserve');
SELECT is((SELECT array_agg(r.mine_id ORDER BY r.mine_id) FROM mine_zone_relations r JOIN zones z ON z.id = r.zone_id
            WHERE z.kind = 'nature_reserve'), ARRAY[9103, 9104]::bigint[], '… and it relates to the mines under it');
SELECT lives_ok($$UPDATE mineconsol.zones SET note = 'checked' WHERE kind = 'nature_reserve'$$, 'the city edits zones');
SELECT lives_ok($$DELETE FROM mineconsol.zones WHERE kind = 'nature_reserve'$$, '… and deletes them');
RESET ROLE;

-- ---------------------------------------------------------------- trigger functions stay where they belong
SET LOCAL ROLE mc_cb_xinfu;
CREATE TEMP TABLE mc_cb_fake (id bigint, name text, geom geometry, seeded boolean, license_no mineconsol.license_no);
SELECT is(pg_temp.error_of(format($$CREATE TRIGGER t BEFORE INSERT ON mc_cb_fake FOR EACH ROW EXECUTE FUNCTION mineconsol.%s()$$, f)),
  format(E'42501: permission denied for function mineconsol.%s\nDETAIL: \nHINT: ', f),
  format('a clerk cannot attach %s() to a table of its own', f))
  FROM unnest(ARRAY['normalize_geom', 'config_row_replaces_seed', 'parameters_check_working_srid',
                    'mines_license_no_taken', 'mines_zone_relations', 'zones_zone_relations',
                    'stage_guard', 'stage_events_append', 'stage_events_append_only', 'stage_cache_invalidate']) AS f;
RESET ROLE;
-- Even attached by the owner, they refuse any table or event but their own.
CREATE TEMP TABLE mc_cb_owned (id bigint, name text, geom geometry, seeded boolean, license_no mineconsol.license_no);
CREATE TRIGGER a BEFORE INSERT ON mc_cb_owned FOR EACH ROW EXECUTE FUNCTION mineconsol.normalize_geom();
SELECT is(pg_temp.error_of($$INSERT INTO mc_cb_owned VALUES (1, 'x', NULL, false, NULL)$$),
  E'39P01: normalize_geom() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines or mineconsol.zones\nDETAIL: \nHINT: ',
  'normalize_geom() refuses another table');
DROP TRIGGER a ON mc_cb_owned;
CREATE TRIGGER a BEFORE INSERT ON mc_cb_owned FOR EACH ROW EXECUTE FUNCTION mineconsol.config_row_replaces_seed('id');
SELECT is(pg_temp.error_of($$INSERT INTO mc_cb_owned VALUES (1, 'x', NULL, false, NULL)$$),
  E'39P01: config_row_replaces_seed() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on a table of mineconsol\nDETAIL: \nHINT: ',
  'config_row_replaces_seed() refuses a table outside the extension''s schema');
DROP TRIGGER a ON mc_cb_owned;
CREATE TRIGGER a BEFORE INSERT ON mc_cb_owned FOR EACH ROW EXECUTE FUNCTION mineconsol.parameters_check_working_srid();
SELECT is(pg_temp.error_of($$INSERT INTO mc_cb_owned VALUES (1, 'x', NULL, false, NULL)$$),
  E'39P01: parameters_check_working_srid() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.parameters\nDETAIL: \nHINT: ',
  'parameters_check_working_srid() refuses another table');
DROP TRIGGER a ON mc_cb_owned;
CREATE TRIGGER a BEFORE INSERT ON mc_cb_owned FOR EACH ROW EXECUTE FUNCTION mineconsol.mines_license_no_taken();
SELECT is(pg_temp.error_of($$INSERT INTO mc_cb_owned VALUES (1, 'x', NULL, false, 'C1409212019087110149003')$$),
  E'39P01: mines_license_no_taken() fires only BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines\nDETAIL: \nHINT: ',
  'mines_license_no_taken() refuses another table (and says nothing about the number)');
DROP TRIGGER a ON mc_cb_owned;
CREATE TRIGGER a AFTER INSERT ON mineconsol.mines FOR EACH ROW EXECUTE FUNCTION mineconsol.normalize_geom();
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.mines (name, county_code) VALUES ('after', '140902')$$),
  E'39P01: normalize_geom() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines or mineconsol.zones\nDETAIL: \nHINT: ',
  '… and the wrong timing on its own table');
DROP TRIGGER a ON mineconsol.mines;
CREATE TRIGGER a BEFORE DELETE ON mineconsol.parameters FOR EACH ROW EXECUTE FUNCTION mineconsol.config_row_replaces_seed('name');
SELECT is(pg_temp.error_of($$DELETE FROM mineconsol.parameters WHERE name = 'merge_distance_m'$$),
  E'39P01: config_row_replaces_seed() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW on a table of mineconsol\nDETAIL: \nHINT: ',
  '… and the wrong event');
DROP TRIGGER a ON mineconsol.parameters;

-- ---------------------------------------------------------------- what shared constraints tell
SELECT pg_temp.state() AS before \gset
SET LOCAL ROLE mc_cb_xinfu;
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.mines (license_no, name, county_code) VALUES ('C1409212019087110149003', 'copy', '140902')$$),
  E'23505: licence number C1409212019087110149003 is already registered\n'
  'DETAIL: A licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.\n'
  'HINT: Check the number against the licence. If no mine you can see holds it, ask the city (mineconsol_admin) which county registered it.',
  'a licence number registered in another county: refused without naming the county, the mine or an index');
SELECT is(pg_temp.error_of($$UPDATE mineconsol.mines SET license_no = 'C1409212019087110149003' WHERE id = 9102$$),
  E'23505: licence number C1409212019087110149003 is already registered\n'
  'DETAIL: A licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.\n'
  'HINT: Check the number against the licence. If no mine you can see holds it, ask the city (mineconsol_admin) which county registered it.',
  '… the same when an update gives a mine that number');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.mines (license_no, name, county_code) VALUES ('C1409212019087110149003', 'copy', '140921')$$),
  E'23505: licence number C1409212019087110149003 is already registered\n'
  'DETAIL: A licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.\n'
  'HINT: Check the number against the licence. If no mine you can see holds it, ask the city (mineconsol_admin) which county registered it.',
  '… and the same when the row names the county that holds it: the message does not tell one county from another');
SELECT is(pg_temp.error_of($$INSERT INTO mineconsol.mines (license_no, name, county_code) VALUES ('C1409022019087110149001', 'copy', '140902')$$),
  E'23505: licence number C1409022019087110149001 is already registered\n'
  'DETAIL: A licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.\n'
  'HINT: Check the number against the licence. If no mine you can see holds it, ask the city (mineconsol_admin) which county registered it.',
  '… or from the own county');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET license_no = license_no, name = name WHERE id = 9101$$), 1::bigint,
  'an update that keeps a mine''s own number is not refused');
SELECT is(pg_temp.changed_rows($$UPDATE mineconsol.mines SET license_no = 'C1409022019087110149002' WHERE id = 9102$$), 1::bigint,
  'a new number that nobody holds is taken');
SELECT is(pg_temp.error_of($$SELECT nextval('mineconsol.mines_id_seq')$$),
  E'42501: permission denied for sequence mines_id_seq\nDETAIL: \nHINT: ',
  'a clerk cannot draw from the shared id sequences');
SELECT is((SELECT last_value FROM pg_sequences WHERE schemaname = 'mineconsol' AND sequencename = 'mines_id_seq'), NULL,
  '… nor read how far they are');
WITH i AS (INSERT INTO mineconsol.mines (name, county_code) VALUES ('numbered', '140902') RETURNING id)
SELECT isnt((SELECT id FROM i), NULL, '… yet its inserts are numbered');
RESET ROLE;
SELECT is((SELECT count(*)::int FROM mines WHERE license_no = 'C1409212019087110149003'), 1,
  'the number is still held once, by Dingxiang''s mine');
-- The unique index stays the guard: with the trigger off, the index refuses.
ALTER TABLE mines DISABLE TRIGGER mines_license_no_taken_insert;
SELECT throws_ok($$INSERT INTO mineconsol.mines (license_no, name, county_code) VALUES ('C1409212019087110149003', 'copy', '140902')$$,
  '23505', 'duplicate key value violates unique constraint "mines_license_no_key"', 'the unique index remains the guard');
ALTER TABLE mines ENABLE TRIGGER mines_license_no_taken_insert;

SELECT * FROM finish();
ROLLBACK;
