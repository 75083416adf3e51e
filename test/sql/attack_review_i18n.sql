\i test/setup.psql
BEGIN;
SELECT plan(31);

-- An attacker's review of the messages in the reader's language (tr(),
-- label(), reason_args(), render_reasons()) as the four roles: crafted
-- reason_args, crafted msgids, language switches inside one transaction and
-- in prepared plans, and what the roles may not do.  The attacks that
-- succeeded were fixed: a huge message could not be cancelled while it was
-- parsed and rendered (the last test here).
\i test/lib/helpers.sql

CREATE ROLE mc_ai_reader IN ROLE mineconsol_reader;
CREATE ROLE mc_ai_editor IN ROLE mineconsol_editor;
CREATE ROLE mc_ai_insp IN ROLE mineconsol_inspector;
CREATE ROLE mc_ai_city IN ROLE mineconsol_admin;
INSERT INTO role_counties VALUES ('mc_ai_editor', '140902'), ('mc_ai_reader', '140902');
INSERT INTO schemes (id, county_code) VALUES (9401, '140902');
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
  SELECT md5(concat_ws('|',
    (SELECT string_agg(row(s.*)::text, ',' ORDER BY id) FROM mineconsol.schemes s),
    (SELECT count(*) FROM mineconsol.stage_events),
    (SELECT string_agg(row(r.*)::text, ',' ORDER BY role_name, county_code) FROM mineconsol.role_counties r)))
$$;
SELECT pg_temp.state() AS before \gset
GRANT EXECUTE ON FUNCTION pg_temp.state() TO PUBLIC;

-- ------------------------------------------------------------ render_reasons, crafted
-- lc_messages is a superuser's setting (a role gets its language from
-- apply_role_settings()): set it first, then become the role.
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SET LOCAL ROLE mc_ai_reader;
SELECT throws_ok($$SET lc_messages = 'C'$$, '42501', NULL, 'reader: cannot switch lc_messages itself');
SELECT is(render_reasons('[{"k":"no such key"}, {"k":"L3?","zz":1}, 7, null]', '{a,b,c,d}'),
  ARRAY['a', '无法判定整合后矿山的生产规模（scale_thresholds 中无该矿种及计量单位的标准，或未登记生产能力）：是否达到大中型矿山标准不详', 'c', 'd'],
  'reader: an unknown template key, a number, a null fall back to the stored text; unknown keys beside "k" are ignored');
SELECT is(render_reasons('[{"k":"L3","a":["%s%1$s%2$s%%"]}]', NULL),
  ARRAY['整合后矿山仅为%s%1$s%2$s%%规模，未达到大中型矿山标准'],
  'reader: a literal argument is quoted as it is, its % directives never expanded');
SELECT is(render_reasons('[{"k":"L3","a":[{"c":"scale","v":"%1$s"}]}]', NULL),
  ARRAY['整合后矿山仅为%1$s规模，未达到大中型矿山标准'],
  'reader: an unknown code is quoted as it is, not as a template');
SELECT is(render_reasons('[{"k":"L3","a":[{"c":"scale","v":"small"}]}]', NULL),
  ARRAY['整合后矿山仅为小型规模，未达到大中型矿山标准'], 'reader: a known code is its label');
SELECT is(length(render_reasons(('[' || repeat('{"l":[', 5000) || '"x"' || repeat(']}', 5000) || ']')::jsonb, NULL)::text),
  3, 'reader: lists nested 5000 deep render (one literal), no crash');
SELECT is(length(render_reasons(('[' || repeat('{"k":"C4","a":[', 2000) || '"x"' || repeat(']}', 2000) || ']')::jsonb, '{s}')::text) > 2000,
  true, 'reader: templates nested 2000 deep render, linear in the input');
SELECT is(render_reasons('[{"k":"L3","a":["x","y","z","w"]}]', NULL, true),
  ARRAY['the merged mine reaches only x scale; a merge must yield a large or medium mine'],
  'reader: surplus arguments are ignored');
SELECT is(render_reasons('{"k":"L3"}', '{kept}'), ARRAY['kept'], 'reader: an object, not an array: the stored text');
SELECT is(render_reasons('"L3"', '{kept}'), ARRAY['kept'], 'reader: a scalar: the stored text');
SELECT is(render_reasons('[]', '{a,NULL}'), ARRAY['a', NULL], 'reader: no reason_args, a NULL stored reason stays NULL');
SELECT is(render_reasons(NULL, NULL, NULL), NULL, 'reader: all NULL: NULL');
SELECT is(cardinality(render_reasons('[{"k":"L3?"}]', (SELECT array_agg(g::text) FROM generate_series(1, 100000) g))),
  100000, 'reader: a huge stored array: as many reasons as it has');

-- ------------------------------------------------------------ tr() and label()
SELECT is(tr('%I %L %s'), '%I %L %s', 'reader: an unknown msgid with format directives is returned as it is');
SELECT is(format(tr('unknown mineconsol parameter "%s"'), '%I'' OR 1=1 --'),
  '未知的 mineconsol 参数“%I'' OR 1=1 --”', 'reader: a value quoted by a translated template is not read as a directive');
SELECT is(length(tr(repeat('长', 1000000))), 1000000, 'reader: a msgid of a million characters is returned as it is');
SELECT is(tr(E'survey'), 'survey', 'reader: a code is not a msgid (label() names codes)');
SELECT is(label('stage', 'survey'), '调查摸底', 'reader: label of a stage');
SELECT isnt(label('disposition', 'ban'), 'ban', 'reader: label of a disposition is its Chinese name');
SELECT is((SELECT count(*) FROM unnest(ARRAY['stage', 'track', 'disposition', 'level', 'scale', '', E'stage\u0004', 'STAGE']) k
            WHERE label(k, 'no_such_code') <> 'no_such_code'), 0::bigint,
  'reader: every kind, an empty kind, a kind with the context separator, a kind in capitals: an unknown code is returned as it is');
SELECT is(label('', E'\u0004survey'), E'\u0004survey', 'reader: the separator in the code does not reach another kind''s name');

-- ------------------------------------------------------------ the language inside one transaction, prepared plans
RESET ROLE;
PREPARE mc_ai_tr AS SELECT tr('natural resources') || ' / ' || label('stage', 'survey')
  || ' / ' || (render_reasons('[{"k":"L3?"}]', '{stored}'))[1];
SET LOCAL lc_messages = 'C';
CREATE TEMP TABLE mc_ai_lang (lang text, v text);
GRANT ALL ON mc_ai_lang TO PUBLIC;
INSERT INTO mc_ai_lang SELECT 'C', tr('natural resources') || ' / ' || label('stage', 'survey') || ' / ' || (render_reasons('[{"k":"L3?"}]', '{stored}'))[1];
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SELECT is((SELECT v FROM mc_ai_lang WHERE lang = 'C'), 'natural resources / survey / stored',
  'C: English (the stored text of a reason)');
SELECT alike((SELECT tr('natural resources') || ' / ' || label('stage', 'survey') || ' / ' || (render_reasons('[{"k":"L3?"}]', '{stored}'))[1]),
  '自然资源% / 调查摸底 / 无法判定%', 'zh_CN after C in the same transaction: Chinese');
SELECT results_eq('EXECUTE mc_ai_tr',
  $$SELECT tr('natural resources') || ' / 调查摸底 / ' || (render_reasons('[{"k":"L3?"}]', '{stored}'))[1]$$,
  'a plan prepared before the switch follows the session''s language when executed');
DEALLOCATE mc_ai_tr;

-- ------------------------------------------------------------ the roles
RESET ROLE;
SET LOCAL ROLE mc_ai_reader;
SELECT throws_ok($$SELECT advance('scheme', 9401, 'drafted', '{"date":"2022-10-01","doc_no":"x"}')$$,
  '42501', NULL, 'reader: advance() is refused (42501)');
RESET ROLE;
SET LOCAL ROLE mc_ai_insp;
SELECT throws_ok($$INSERT INTO stage_events (id, track, row_id, from_stage, to_stage, actor, at, prev_hash, hash)
                   VALUES (999999, 'scheme', 9401, 'survey', 'approved', 'x', now(), '\x00', '\x00')$$,
  '42501', NULL, 'inspector: no INSERT on the audit trail');
RESET ROLE;
SET LOCAL ROLE mc_ai_city;
SELECT throws_ok($$CREATE TRIGGER mc_ai_t BEFORE INSERT ON stage_events FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()$$,
  '42501', NULL, 'city admin (not superuser): cannot put a trigger on stage_events');
SELECT throws_ok($$CREATE TRIGGER mc_ai_t BEFORE UPDATE ON schemes FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()$$,
  '42501', NULL, 'city admin: cannot put a trigger on a track''s table (one that could change NEW.stage after the guard)');
RESET ROLE;
SET LOCAL ROLE mc_ai_editor;
SELECT throws_ok($$CREATE FUNCTION mineconsol.format(text, text, text) RETURNS text LANGUAGE sql AS 'SELECT $1'$$,
  '42501', NULL, 'editor: cannot create a function in mineconsol''s schema');
RESET ROLE;
SELECT is(pg_temp.state(), :'before', 'nothing the attacks aimed at changed');

-- ------------------------------------------------------------ cancelling a huge message
-- One reason of a million list items: parsing and rendering it takes
-- seconds, and statement_timeout stops it within the parse or the render.
CREATE TEMP TABLE mc_ai_big AS
  SELECT ('[{"l":[' || repeat('{"k":"L3?"},', 1000000) || '"x"]}]')::jsonb AS j;
GRANT SELECT ON mc_ai_big TO PUBLIC;
GRANT EXECUTE ON FUNCTION pg_temp.cancellation(text, interval) TO PUBLIC;
SET LOCAL lc_messages = 'zh_CN.UTF-8';
SET LOCAL ROLE mc_ai_reader;
SET LOCAL statement_timeout = '100ms';
SELECT pg_temp.cancellation($$SELECT mineconsol.render_reasons(j, NULL) FROM mc_ai_big$$, '1 second') AS cancelled \gset
SET LOCAL statement_timeout = 0;
RESET ROLE;
SELECT is(:'cancelled'::text, 'cancelled promptly',
  'reader: a reason of a million items is cancelled within the parse or the render (statement_timeout 100ms)');

SELECT * FROM finish();
ROLLBACK;
