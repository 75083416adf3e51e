-- The C functions' names (all of 0.1.0's C functions), 0.1.0 -> 0.2.0.
-- First of the pieces: nothing before it calls a function.
--
-- 0.1.0's definitions name the C functions by their 0.1.0 names, in the
-- legacy library $libdir/mineconsol-0.1 (mineconsol--0.1.0.control), or in
-- $libdir/mineconsol for a database the released 0.1.0 created: since 0.2.0
-- the module exports each as mc_<SQL name> and nothing else, so those calls
-- fail with 42883 until this runs.  Each definition is replaced by itself
-- (pg_get_functiondef: the same signature, attributes, owner, grants and
-- comment) with the module and the new name; a function already named mc_
-- only changes library.  Afterwards nothing refers to the legacy library or
-- to an old name, and the block refuses to finish otherwise.
--
-- The script's search path holds PostGIS's schema (often public), where
-- other roles may be able to create functions: a format(text, text, text)
-- there would match the call better than pg_catalog's variadic one and run
-- as the superuser updating the extension.  So every function this block
-- calls is qualified.
-- The same guard as the install script: no role but superusers may create
-- objects where this script looks names up.  tr() first, for its messages.
-- Availability: 0.2.0
-- @copy sql/03_i18n.sql CREATE FUNCTION tr(
-- @copy sql/03_i18n.sql COMMENT ON FUNCTION tr(
-- @copy sql/03_i18n.sql DO $guard$

DO $symbols$
DECLARE
	f record;
BEGIN
	FOR f IN
		SELECT p.oid, coalesce(r.new_name, p.prosrc) AS symbol
		  FROM pg_proc p
		  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mineconsol'
		  LEFT JOIN (VALUES
				('license_no_in', 'mc_license_no_in'),
				('license_no_out', 'mc_license_no_out'),
				('license_no_recv', 'mc_license_no_recv'),
				('license_no_send', 'mc_license_no_send'),
				('license_no_eq', 'mc_license_no_eq'),
				('license_no_ne', 'mc_license_no_ne'),
				('license_no_lt', 'mc_license_no_lt'),
				('license_no_le', 'mc_license_no_le'),
				('license_no_gt', 'mc_license_no_gt'),
				('license_no_ge', 'mc_license_no_ge'),
				('license_no_cmp', 'mc_license_no_cmp'),
				('license_no_hash', 'mc_license_no_hash'),
				('license_no_hash_extended', 'mc_license_no_hash_extended'),
				('try_license_no', 'mc_try_license_no'),
				('license_authority', 'mc_license_authority'),
				('license_issued', 'mc_license_issued'),
				('license_kind', 'mc_license_kind'),
				('uscc_in', 'mc_uscc_in'),
				('uscc_out', 'mc_uscc_out'),
				('uscc_recv', 'mc_uscc_recv'),
				('uscc_send', 'mc_uscc_send'),
				('uscc_eq', 'mc_uscc_eq'),
				('uscc_ne', 'mc_uscc_ne'),
				('uscc_lt', 'mc_uscc_lt'),
				('uscc_le', 'mc_uscc_le'),
				('uscc_gt', 'mc_uscc_gt'),
				('uscc_ge', 'mc_uscc_ge'),
				('uscc_cmp', 'mc_uscc_cmp'),
				('uscc_hash', 'mc_uscc_hash'),
				('uscc_hash_extended', 'mc_uscc_hash_extended'),
				('try_uscc', 'mc_try_uscc'),
				('uscc_region', 'mc_uscc_region'),
				('mineconsol_merge_cluster', 'mc_merge_cluster'),
				('stage_cache_invalidate', 'mc_stage_cache_invalidate'),
				('stage_guard', 'mc_stage_guard'),
				('stage_events_append', 'mc_stage_events_append'),
				('stage_events_append_only', 'mc_stage_events_append_only'),
				('stage_advance', 'mc_advance'),
				('stage_revert', 'mc_revert_stage'),
				('verify_audit', 'mc_verify_audit'),
				('audit_canonical', 'mc_audit_canonical'),
				('mineconsol_as_of', 'mc_as_of'),
				('mineconsol_classify', 'mc_classify')
		       ) AS r(old_name, new_name) ON r.old_name = p.prosrc
		 WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
		 ORDER BY p.oid
	LOOP
		EXECUTE pg_catalog.regexp_replace(pg_catalog.pg_get_functiondef(f.oid), '\nAS .*$',
										  pg_catalog.format(E'\nAS %L, %L', 'MODULE_PATHNAME', f.symbol::text));
	END LOOP;
	PERFORM 1
	   FROM pg_proc p
	   JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	   JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'mineconsol'
	  WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
	    AND (p.probin <> 'MODULE_PATHNAME' OR p.prosrc NOT LIKE 'mc\_%');
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('a C function of mineconsol still names the legacy library or an old symbol'),
			  ERRCODE = 'internal_error';
	END IF;
END
$symbols$;
