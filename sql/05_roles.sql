-- The four roles of the extension (README, "Counties, roles and security";
-- docs/architecture.md, "Trust model").  Roles belong to the cluster, not to
-- a database or to the extension: they are created here only when missing
-- (a second database, or CREATE EXTENSION after DROP EXTENSION, finds them
-- in place) and DROP EXTENSION leaves them.  They cannot log in; grant
-- them to login roles.  What each may do: grants and row-level security in
-- 70_security.sql.

-- Availability: 0.1.0
DO $roles$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT * FROM (VALUES
		('mineconsol_admin', 'mineconsol: the city (leadership group office); may revert stages'),
		('mineconsol_editor', 'mineconsol: county staff; write their counties'' rows'),
		('mineconsol_reader', 'mineconsol: reporting tools; read their counties'' rows'),
		('mineconsol_inspector', 'mineconsol: discipline inspection; reads the audit trail'))
		AS v(name, note)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) r.name) THEN
			EXECUTE format('CREATE ROLE %I NOLOGIN', r.name);
			EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.note);
		END IF;
	END LOOP;
END
$roles$;

-- Settings for the login roles of county staff and reporting tools, so that
-- a session a client forgets in the middle of a transaction, or a statement
-- that waits or runs without end, cannot hold up the city.  Settings of a
-- role apply when it logs in (not through SET ROLE, and a group role's do not
-- pass to its members), so they go on each login role, in this database.

-- Availability: 0.2.0
CREATE FUNCTION recommended_role_settings()
RETURNS TABLE (setting text, value text, reason text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $fn$
	VALUES
	('idle_in_transaction_session_timeout', '1min',
	 'A session idle for a minute inside a transaction is ended by the server: its locks and its snapshot go with it, so a forgotten BEGIN cannot hold up other sessions.'),
	('lock_timeout', '10s',
	 'A statement that has waited ten seconds for a lock gives up (55P03) instead of queuing on, so the statements queued behind it are not held up with it.'),
	('statement_timeout', '5min',
	 'A statement is cancelled (57014) after five minutes; a county''s import, adoption or refresh takes seconds.')
$fn$;
COMMENT ON FUNCTION recommended_role_settings() IS
  'The settings apply_role_settings() gives a login role by default, with the value and the reason for each: idle_in_transaction_session_timeout 1min, lock_timeout 10s, statement_timeout 5min.';

-- Availability: 0.2.0
CREATE FUNCTION apply_role_settings(login_role regrole,
									idle_in_transaction_session_timeout text DEFAULT NULL,
									lock_timeout text DEFAULT NULL,
									statement_timeout text DEFAULT NULL)
RETURNS TABLE (setting text, value text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
	target record;
	caller record;
	wanted jsonb;
	s record;
BEGIN
	IF login_role IS NULL THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('login_role must not be NULL'), ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT r.rolname, r.rolcanlogin, r.rolsuper INTO target FROM pg_roles r WHERE r.oid = login_role;
	IF NOT target.rolcanlogin THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('role "%s" cannot log in'), target.rolname),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = mineconsol.tr('A role''s settings apply when it logs in; a group role''s settings do not pass to its members.'),
				  HINT = mineconsol.tr('Apply them to each login role, e.g. SELECT mineconsol.apply_role_settings(r.oid::regrole) FROM pg_roles r WHERE r.rolcanlogin AND pg_has_role(r.oid, ''mineconsol_editor'', ''MEMBER'');');
	END IF;
	SELECT r.rolsuper, r.rolcreaterole INTO caller FROM pg_roles r WHERE r.rolname = current_user;
	IF NOT (caller.rolsuper OR (caller.rolcreaterole AND NOT target.rolsuper)) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('permission denied to change the settings of role "%s"'), target.rolname),
				  ERRCODE = 'insufficient_privilege',
				  DETAIL = mineconsol.tr('ALTER ROLE ... SET needs the CREATEROLE attribute (and, from PostgreSQL 16, ADMIN OPTION on the role), or a superuser for a superuser role.'),
				  HINT = mineconsol.tr('Ask the DBA to run it, or to give the city''s administrator CREATEROLE.');
	END IF;
	-- The recommended values, with the caller's in their place.
	wanted := jsonb_strip_nulls(jsonb_build_object(
		'idle_in_transaction_session_timeout', idle_in_transaction_session_timeout,
		'lock_timeout', lock_timeout,
		'statement_timeout', statement_timeout));
	FOR s IN SELECT r.setting, COALESCE(wanted ->> r.setting, r.value) AS value
			   FROM mineconsol.recommended_role_settings() r
	LOOP
		EXECUTE format('ALTER ROLE %I IN DATABASE %I SET %I = %L',
					   target.rolname, current_database(), s.setting, s.value);
	END LOOP;
	RETURN QUERY
		SELECT split_part(c, '=', 1), substr(c, strpos(c, '=') + 1)
		  FROM pg_db_role_setting d, unnest(d.setconfig) AS c
		 WHERE d.setrole = login_role
		   AND d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
		 ORDER BY 1;
END
$fn$;
COMMENT ON FUNCTION apply_role_settings(regrole, text, text, text) IS
  'Stores recommended_role_settings() (each overridden by a non-NULL argument) on a login role for this database and returns its settings there. Runs with the caller''s rights: CREATEROLE or superuser; for the city''s DBA.';
REVOKE ALL ON FUNCTION apply_role_settings(regrole, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION apply_role_settings(regrole, text, text, text) TO mineconsol_admin;
