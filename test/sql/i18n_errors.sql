\i test/setup.psql
BEGIN;
SELECT plan(40);
-- err(sql): 'SQLSTATE: message' and the detail on the next line.
CREATE FUNCTION pg_temp.err(sql text) RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE st text; msg text; det text; hnt text;
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN st || ': ' || msg || CASE WHEN det <> '' THEN E'\n' || det ELSE '' END;
END
$fn$;
CREATE ROLE mc_i18n_xinfu IN ROLE mineconsol_editor;
CREATE ROLE mc_i18n_bi IN ROLE mineconsol_reader;
INSERT INTO role_counties VALUES ('mc_i18n_xinfu', '140902'), ('mc_i18n_bi', '140902');
INSERT INTO schemes (id, county_code) VALUES (901, '140902');
INSERT INTO mines (id, license_no, name, county_code) VALUES (9101, 'C1409212019087110149003', '丙矿', '140921');
CREATE TEMP TABLE reg (row_no int, license_no text, name text, county_code text);
INSERT INTO reg VALUES (1, NULL, NULL, '140902'), (2, NULL, '丁矿', '999999');
CREATE TEMP VIEW reg_view AS SELECT * FROM reg;
CREATE TEMP TABLE t (x int);
CREATE TRIGGER t_wrong AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION mineconsol.mines_zone_relations();
CREATE TEMP TABLE t2 (x int);
CREATE TRIGGER t2_wrong BEFORE INSERT ON t2 FOR EACH ROW EXECUTE FUNCTION mineconsol.stage_guard('scheme');

-- Each error in English ('C') and in Chinese ('zh_CN.UTF-8'), the same SQLSTATE.
-- A Chinese answer that starts with ^ is a pattern: PostgreSQL's own message
-- (row-level security's), whose wording its catalogue changes between minor
-- releases (违反表 "mines" / 违背了表"mines"); the pattern asks for the
-- SQLSTATE, the table, and no English word.
CREATE TEMP TABLE cases (n int, what text, sql text, as_role text, c text, zh text);
-- (Its rows are alike in shape only: each is one case, the data the checks run over.)
INSERT INTO cases VALUES
 (1, 'a skipped stage (23514)',
  $$SELECT mineconsol.advance('scheme', 901, 'hearing_held', '{"date": "2022-08-20", "doc_no": "忻府政〔2022〕31号"}')$$, NULL,
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "hearing_held"\n"hearing_held" is not the next stage. Allowed next stage: "drafted".',
  E'23514: 县（市、区）140902 整合方案 901 不能从“调查摸底”推进到“听证”\n“听证”不是下一阶段。可推进到的下一阶段：“方案编制”。'),
 (2, 'missing evidence (23514)',
  $$SELECT mineconsol.advance('scheme', 901, 'drafted', '{"date": "2022-08-20"}')$$, NULL,
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Missing evidence: doc_no.',
  E'23514: 县（市、区）140902 整合方案 901 不能从“调查摸底”推进到“方案编制”\n可推进到的下一阶段：“方案编制”。缺少依据：doc_no。'),
 (3, 'invalid evidence (23514)',
  $$SELECT mineconsol.advance('scheme', 901, 'drafted', '{"date": "2099-08-20", "doc_no": "x"}')$$, NULL,
  E'23514: scheme 901 (county 140902) cannot move from "survey" to "drafted"\nAllowed next stage: "drafted". Invalid evidence: date 2099-08-20 is in the future (more than a day after today).',
  E'23514: 县（市、区）140902 整合方案 901 不能从“调查摸底”推进到“方案编制”\n可推进到的下一阶段：“方案编制”。依据无效：date 2099-08-20 为将来日期（晚于当日一天以上）。'),
 (4, 'a county clerk''s write into another county (RLS, 42501)',
  $$INSERT INTO mineconsol.mines (name, county_code) VALUES ('elsewhere', '140921')$$, 'mc_i18n_xinfu',
  '42501: new row violates row-level security policy for table "mines"',
  '^42501: [^A-Za-z]*"mines"[^A-Za-z]*$'),
 (5, 'a county clerk registers a licence number another county holds (70_security, 23505)',
  $$INSERT INTO mineconsol.mines (name, license_no, county_code) VALUES ('dup', 'C1409212019087110149003', '140902')$$, 'mc_i18n_xinfu',
  E'23505: licence number C1409212019087110149003 is already registered\nA licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.',
  E'23505: 采矿许可证号 C1409212019087110149003 已登记\n全市范围内一个采矿许可证号只对应一个矿山；持有该证号的矿山可能位于非本人负责的县（市、区）。'),
 (6, 'a refresh refused to a reader (80_results, 42501)',
  $$SELECT mineconsol.refresh_results()$$, 'mc_i18n_bi',
  E'42501: permission denied to refresh stored results\nThe city (mineconsol_admin) and county staff (mineconsol_editor) refresh the results of their counties; other roles read them.',
  E'42501: 无权刷新存储结果\n市级（mineconsol_admin）和县级工作人员（mineconsol_editor）可刷新其负责县（市、区）的存储结果；其他角色只能查阅。'),
 (7, '05_roles: apply_role_settings(NULL) (22004)',
  $$SELECT mineconsol.apply_role_settings(NULL)$$, NULL,
  '22004: login_role must not be NULL', '22004: login_role 不得为空'),
 (8, '10_config: an unknown parameter (42704)',
  $$SELECT mineconsol.param('nope')$$, NULL,
  '42704: unknown mineconsol parameter "nope"', '42704: 未知的 mineconsol 参数“nope”'),
 (9, '20_registry: a geometry without SRID (22023)',
  $$SELECT mineconsol.working_geometry('POLYGON((0 0,1 0,1 1,0 0))'::geometry, 'geom')$$, NULL,
  E'22023: geom has no SRID\nGeometries must say their coordinate system; mineconsol stores them in SRID 4547 (parameter working_srid).',
  E'22023: geom 未指定 SRID\n几何图形须注明所用坐标系；mineconsol 按 SRID 4547（参数 working_srid）存储。'),
 (10, '25_zone_relations: a zone-relations trigger on the wrong table (39P01)',
  $$INSERT INTO t VALUES (1)$$, NULL,
  E'39P01: mines_zone_relations() fires only as an AFTER statement trigger on mineconsol.mines\nIt was fired AFTER STATEMENT on t.',
  E'39P01: mines_zone_relations() 只能作为 mineconsol.mines 的 AFTER 语句级触发器触发\n实际在 t 上以 AFTER STATEMENT 方式触发。'),
 (11, '50_ingest: an import from a view (42809)',
  $$SELECT * FROM mineconsol.import_mines('reg_view')$$, NULL,
  E'42809: staging relation reg_view is not a table\nIt is a view; import_mines reads only plain tables (what COPY and ogr2ogr fill), which run no code when read.',
  E'42809: 暂存关系 reg_view 不是表\n该关系是视图；import_mines 只读取普通表（即 COPY 和 ogr2ogr 写入的表），读取普通表不会执行任何代码。'),
 (12, '66_adopt: an unknown county (23503)',
  $$SELECT mineconsol.adopt_merge_plan('999999')$$, NULL,
  '23503: unknown county "999999"', '23503: 未知的县（市、区）“999999”'),
 (13, '85_simulate: overrides that are no object (22023)',
  $$SELECT mineconsol.simulate('[]')$$, NULL,
  E'22023: simulate() takes a JSON object of parameter values\nIt was given a JSON array.',
  E'22023: simulate() 的参数须为由参数值组成的 JSON 对象\n实际传入的是 JSON array。'),
 (14, 'corner points: a detail composed with its values (22P02)',
  $$SELECT mineconsol.parse_corner_points(E'1 4254511.83')$$, NULL,
  E'22P02: invalid corner-point text at line 1: "1 4254511.83"\nPoint 1 has an X (northing) but no Y (easting).',
  E'22P02: 拐点坐标文本第 1 行无效：“1 4254511.83”\n拐点 1 有 X 坐标（纵坐标），但没有 Y 坐标（横坐标）。'),
 (15, 'corner points: a count in the detail, singular (22P02)',
  $$SELECT mineconsol.parse_corner_points('拐点坐标')$$, NULL,
  E'22P02: invalid corner-point text: no corner points\nThe text has 1 line and no corner point (a point number, X, then Y).',
  E'22P02: 拐点坐标文本无效：没有拐点\n文本共 1 行，未找到拐点（每行应为点号、X 坐标、Y 坐标）。'),
 (16, 'corner points: a count in the detail, plural (22P02)',
  $$SELECT mineconsol.parse_corner_points(E'拐点坐标\n2000国家大地坐标系')$$, NULL,
  E'22P02: invalid corner-point text: no corner points\nThe text has 2 lines and no corner point (a point number, X, then Y).',
  E'22P02: 拐点坐标文本无效：没有拐点\n文本共 2 行，未找到拐点（每行应为点号、X 坐标、Y 坐标）。'),
 (17, 'a stage trigger on the wrong table: the tables listed in the language (39P01)',
  $$INSERT INTO t2 VALUES (1)$$, NULL,
  E'39P01: stage_guard() cannot fire on relation "t2"\nIt is a trigger of mineconsol.schemes, mineconsol.units and mineconsol.closures only, attached by mineconsol.',
  E'39P01: stage_guard() 不能在关系“t2”上触发\n该函数仅用作 mineconsol.schemes、mineconsol.units 和 mineconsol.closures 的触发器，由 mineconsol 创建。');
GRANT SELECT ON cases TO PUBLIC;
GRANT SELECT, INSERT ON t TO PUBLIC;

-- One role per language pass; the statement runs as the real role (SET ROLE).
CREATE FUNCTION pg_temp.run(lang text) RETURNS TABLE (n int, what text, got text)
LANGUAGE plpgsql AS $fn$
DECLARE
	c record;
BEGIN
	PERFORM set_config('lc_messages', lang, true);
	FOR c IN SELECT * FROM pg_temp.cases ORDER BY 1 LOOP
		IF c.as_role IS NOT NULL THEN
			EXECUTE format('SET LOCAL ROLE %I', c.as_role);
		END IF;
		n := c.n; what := c.what; got := pg_temp.err(c.sql);
		RESET ROLE;
		RETURN NEXT;
	END LOOP;
END
$fn$;
CREATE TEMP TABLE got_c AS SELECT * FROM pg_temp.run('C');
CREATE TEMP TABLE got_zh AS SELECT * FROM pg_temp.run('zh_CN.UTF-8');
SELECT is(g.got, c.c, 'C: ' || c.what) FROM cases c JOIN got_c g USING (n) ORDER BY n;
SELECT CASE WHEN c.zh LIKE '^%' THEN matches(g.got, c.zh, 'zh_CN: ' || c.what)
            ELSE is(g.got, c.zh, 'zh_CN: ' || c.what) END
  FROM cases c JOIN got_zh g USING (n) ORDER BY n;

-- The refusals changed nothing.
SELECT is((SELECT array_agg(id ORDER BY id) FROM mines WHERE county_code = '140921'), ARRAY[9101]::bigint[],
  'the refused writes added no mine');
SELECT is((SELECT stage FROM schemes WHERE id = 901), 'survey', 'the refused steps left the scheme where it was');

-- The rows import_mines refuses say why in the reader's language.
SET LOCAL lc_messages = 'C';
SELECT is((SELECT string_agg(row_no || ' ' || error, E'\n' ORDER BY row_no) FROM import_mines('reg')),
  E'1 name: missing — Every mine needs a name.\n2 county_code: unknown county "999999" — A county is given by its GB/T 2260 code or its name as in mineconsol.counties.',
  'C: the import report''s errors');
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SELECT is((SELECT string_agg(row_no || ' ' || error, E'\n' ORDER BY row_no) FROM import_mines('reg')),
  E'1 name：未填写 — 每个矿山均须填写矿山名称。\n2 county_code：未知的县（市、区）“999999” — 县（市、区）须以 GB/T 2260 行政区划代码或 mineconsol.counties 中的名称填写。',
  'zh_CN: the import report''s errors');
-- A throws_ok of each language, as clients see it.
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 901, 'approved', '{}')$$, '23514',
  '县（市、区）140902 整合方案 901 不能从“调查摸底”推进到“市政府核准”', 'zh_CN: throws_ok sees the Chinese message');
SET LOCAL lc_messages = 'C';
SELECT throws_ok($$SELECT mineconsol.advance('scheme', 901, 'approved', '{}')$$, '23514',
  'scheme 901 (county 140902) cannot move from "survey" to "approved"', 'C: … and the English one');

SELECT * FROM finish();
ROLLBACK;
