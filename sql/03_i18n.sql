-- Messages in the reader's language.  The language is the session's
-- lc_messages: zh_CN.UTF-8 gives Chinese, anything else English (the
-- catalogue is po/zh_CN.po, installed as mineconsol-NN.mo).  The C functions'
-- errors translate by themselves; these two functions serve SQL: the
-- messages of the plpgsql functions and the texts views show.

-- Availability: 0.2.0
CREATE FUNCTION tr(msgid text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_tr'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tr(text) IS
  'The text in the session''s language (lc_messages) from mineconsol''s message catalogue, or the text itself when the catalogue has none. Messages with values are format() templates: format(tr(''… %s …''), value).';

-- Availability: 0.2.0
-- This script, and every upgrade script, runs as a superuser with the
-- extension's and PostGIS's schemas on its search path, binding the names
-- its views and functions call.  A function, operator or cast that any role
-- may create there (PUBLIC holds CREATE on public in databases created
-- before PostgreSQL 15) and that matches a call better than the built-in one
-- (pg_catalog's format() takes VARIADIC "any") would be bound instead, or run
-- at once as the installing superuser.  So the script refuses,
-- right after tr() exists (the pieces before it create only C functions,
-- types and operators on them, which bind no such name), to run while
-- PUBLIC, or a role that is not a superuser, has been granted CREATE on one
-- of those schemas, or while a function or operator there belongs to a role
-- that is not a superuser (planted before the privilege was revoked).  (A
-- schema's owner may create there; for public that is the database's owner,
-- whom the DBA trusts with the database anyway.)
DO $guard$
DECLARE
	bad record;
BEGIN
	SELECT n.nspname, a.grantee INTO bad
	  FROM pg_catalog.pg_namespace n
	 CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
	 WHERE n.nspname OPERATOR(pg_catalog.=) ANY (pg_catalog.current_schemas(false))
	   AND a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
	   AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
	   AND (a.grantee OPERATOR(pg_catalog.=) 0
			OR NOT EXISTS (SELECT FROM pg_catalog.pg_roles r
							WHERE r.oid OPERATOR(pg_catalog.=) a.grantee AND r.rolsuper))
	 ORDER BY n.nspname, a.grantee
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('schema "%1$s" is writable by %2$s'::pg_catalog.text), bad.nspname,
				CASE WHEN bad.grantee OPERATOR(pg_catalog.=) 0 THEN mineconsol.tr('every role (PUBLIC)'::pg_catalog.text)
					 ELSE pg_catalog.format(mineconsol.tr('role "%s"'::pg_catalog.text), bad.grantee::pg_catalog.regrole) END),
			ERRCODE = 'object_not_in_prerequisite_state',
			DETAIL = mineconsol.tr('Installing or updating mineconsol binds the functions and operators it calls by name on this search path, as a superuser: an object created there could be bound instead, or run with the superuser''s rights.'::pg_catalog.text),
			HINT = pg_catalog.format(mineconsol.tr('REVOKE CREATE ON SCHEMA %1$s FROM %2$s; then install or update again.'::pg_catalog.text),
									 pg_catalog.quote_ident(bad.nspname),
										   CASE WHEN bad.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
												ELSE pg_catalog.quote_ident(bad.grantee::pg_catalog.regrole::pg_catalog.text) END);
	END IF;
	-- What such a role created before it lost the privilege is still there.
	SELECT o.what, n.nspname, o.owner INTO bad
	  FROM (SELECT p.oid::pg_catalog.regprocedure::pg_catalog.text AS what, p.proowner AS owner, p.pronamespace AS nsp
			  FROM pg_catalog.pg_proc p
			UNION ALL
			SELECT o.oid::pg_catalog.regoperator::pg_catalog.text, o.oprowner, o.oprnamespace
			  FROM pg_catalog.pg_operator o) o
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) o.nsp
	 WHERE n.nspname OPERATOR(pg_catalog.=) ANY (pg_catalog.current_schemas(false))
	   AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r
						WHERE r.oid OPERATOR(pg_catalog.=) o.owner AND r.rolsuper)
	 ORDER BY 1
	 LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = pg_catalog.format(mineconsol.tr('%1$s in schema "%2$s" belongs to role "%3$s", which is not a superuser'::pg_catalog.text),
												   bad.what, bad.nspname, bad.owner::pg_catalog.regrole),
			ERRCODE = 'object_not_in_prerequisite_state',
			DETAIL = mineconsol.tr('Installing or updating mineconsol binds the functions and operators it calls by name on this search path, as a superuser: an object created there could be bound instead, or run with the superuser''s rights.'::pg_catalog.text),
			HINT = mineconsol.tr('Drop it, or move it to a schema of its own, then install or update again.'::pg_catalog.text);
	END IF;
END
$guard$;

-- Availability: 0.2.0
CREATE FUNCTION label(kind text, code text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_label'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION label(text, text) IS
  'A code as people read it in the session''s language: kind ''stage'', ''track'', ''disposition'', ''level'' or ''scale''. In English the code itself; an unknown code is returned as it is.';
