-- Function comments stay short: one or two sentences, under 300 characters.
-- The long explanations live in docs/ (docs/architecture.md, docs/rules.md,
-- docs/formats.md), where a maintainer reads them; \df+ and tooltips show
-- the short form.
\i test/setup.psql
BEGIN;
SELECT plan(3);

-- Every function of the extension, with its comment.
CREATE TEMP VIEW extension_function_comments AS
SELECT p.oid::regprocedure::text AS fn, obj_description(p.oid, 'pg_proc') AS comment
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mineconsol';

CREATE TEMP VIEW long_function_comments AS
SELECT fn, length(comment) AS chars
  FROM extension_function_comments
 WHERE length(comment) >= 300;

SELECT is(
  ARRAY(SELECT fn FROM extension_function_comments WHERE comment IS NULL OR btrim(comment) = '' ORDER BY fn),
  '{}'::text[], 'every function of the extension has a comment');

SELECT is(
  ARRAY(SELECT fn || ' (' || chars || ' characters)' FROM long_function_comments ORDER BY fn),
  '{}'::text[], 'every function comment is under 300 characters (long explanations are in docs/)');

-- The check itself: a function given a long comment shows up, a short one does not.
CREATE FUNCTION mineconsol.mc_comment_probe_long() RETURNS int LANGUAGE sql RETURN 1;
ALTER EXTENSION mineconsol ADD FUNCTION mineconsol.mc_comment_probe_long();
DO $$BEGIN EXECUTE format('COMMENT ON FUNCTION mineconsol.mc_comment_probe_long() IS %L', repeat('x', 300)); END$$;
CREATE FUNCTION mineconsol.mc_comment_probe_short() RETURNS int LANGUAGE sql RETURN 1;
ALTER EXTENSION mineconsol ADD FUNCTION mineconsol.mc_comment_probe_short();
COMMENT ON FUNCTION mineconsol.mc_comment_probe_short() IS 'Short.';
SELECT is(
  ARRAY(SELECT fn || ' (' || chars || ' characters)' FROM long_function_comments ORDER BY fn),
  ARRAY['mc_comment_probe_long() (300 characters)'],
  'a comment of 300 characters is reported, a short one is not');

SELECT * FROM finish();
ROLLBACK;
