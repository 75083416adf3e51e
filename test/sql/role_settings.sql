\i test/setup.psql
BEGIN;
SELECT plan(17);

-- The per-role settings that keep a forgotten session from holding up the
-- city: recommended_role_settings() says them, apply_role_settings() stores
-- them on a login role for this database.  (test/shell/role_settings.sh
-- shows the server ending an idle county transaction.)

-- role_settings(role): the role's settings in this database, as text.
CREATE FUNCTION pg_temp.role_settings(r text) RETURNS text LANGUAGE sql AS $$
  SELECT coalesce(string_agg(c, ', ' ORDER BY c), '(none)')
    FROM pg_db_role_setting d, unnest(d.setconfig) c
   WHERE d.setrole = r::regrole AND d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
$$;
GRANT EXECUTE ON FUNCTION pg_temp.role_settings(text) TO PUBLIC;

CREATE ROLE mc_rs_clerk LOGIN IN ROLE mineconsol_editor;
CREATE ROLE mc_rs_bi LOGIN IN ROLE mineconsol_reader;
CREATE ROLE mc_rs_staff NOLOGIN IN ROLE mineconsol_editor;
CREATE ROLE mc_rs_root LOGIN SUPERUSER;
-- The city's DBA: CREATEROLE, and (PostgreSQL 16 and later need it) ADMIN
-- OPTION on the roles it manages.  Another city officer has neither.
CREATE ROLE mc_rs_dba LOGIN CREATEROLE IN ROLE mineconsol_admin;
GRANT mc_rs_clerk, mc_rs_bi TO mc_rs_dba WITH ADMIN OPTION;
CREATE ROLE mc_rs_officer LOGIN IN ROLE mineconsol_admin;

SELECT results_eq($$SELECT setting, value FROM mineconsol.recommended_role_settings() ORDER BY setting$$,
  $$VALUES ('idle_in_transaction_session_timeout', '1min'), ('lock_timeout', '10s'), ('statement_timeout', '5min')$$,
  'the recommended settings');
SELECT is((SELECT count(*)::int FROM mineconsol.recommended_role_settings() WHERE length(reason) > 40), 3,
  'each with its reason');

SELECT results_eq($$SELECT setting, value FROM mineconsol.apply_role_settings('mc_rs_clerk')$$,
  $$VALUES ('idle_in_transaction_session_timeout', '1min'), ('lock_timeout', '10s'), ('statement_timeout', '5min')$$,
  'apply_role_settings() returns the settings it stored');
SELECT is(pg_temp.role_settings('mc_rs_clerk'),
  'idle_in_transaction_session_timeout=1min, lock_timeout=10s, statement_timeout=5min',
  '… which pg_db_role_setting holds for the role in this database');
SELECT is((SELECT count(*)::int FROM pg_db_role_setting WHERE setrole = 'mc_rs_clerk'::regrole AND setdatabase = 0), 0,
  '… and not for every database');
SELECT results_eq($$SELECT setting, value FROM mineconsol.apply_role_settings('mc_rs_clerk', lock_timeout => '3s', statement_timeout => '0')$$,
  $$VALUES ('idle_in_transaction_session_timeout', '1min'), ('lock_timeout', '3s'), ('statement_timeout', '0')$$,
  'a value given by name replaces the recommended one; applying again replaces the stored ones');

SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_staff')$$, '22023',
  'role "mc_rs_staff" cannot log in', 'a group role is refused: its settings would not reach its members');
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_bi', lock_timeout => 'soon')$$, '22023',
  NULL, 'a value the server does not take is refused');
SELECT is(pg_temp.role_settings('mc_rs_bi'), '(none)', '… and nothing of it is stored');
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_nobody')$$, '42704',
  NULL, 'an unknown role is refused');

-- Who may run it.
SET LOCAL ROLE mc_rs_clerk;
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_clerk', statement_timeout => '0')$$, '42501',
  'permission denied for function apply_role_settings', 'a county clerk cannot run it, not even on itself');
RESET ROLE;
SET LOCAL ROLE mc_rs_officer;
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_bi')$$, '42501',
  'permission denied to change the settings of role "mc_rs_bi"', 'a city officer without CREATEROLE is refused');
RESET ROLE;
SELECT is(pg_temp.role_settings('mc_rs_bi'), '(none)', '… and nothing is stored');
SET LOCAL ROLE mc_rs_dba;
SELECT results_eq($$SELECT setting, value FROM mineconsol.apply_role_settings('mc_rs_bi', statement_timeout => '15min')$$,
  $$VALUES ('idle_in_transaction_session_timeout', '1min'), ('lock_timeout', '10s'), ('statement_timeout', '15min')$$,
  'the city''s DBA (CREATEROLE) sets a reporting tool''s settings, with a longer statement_timeout');
SELECT throws_ok($$SELECT mineconsol.apply_role_settings('mc_rs_root')$$, '42501',
  'permission denied to change the settings of role "mc_rs_root"', '… but not a superuser''s');
RESET ROLE;
SELECT is(pg_temp.role_settings('mc_rs_root'), '(none)', '… which keeps none');
SELECT ok(NOT has_function_privilege('public', 'mineconsol.apply_role_settings(regrole, text, text, text)', 'EXECUTE'),
  'PUBLIC cannot execute apply_role_settings()');

SELECT * FROM finish();
ROLLBACK;
