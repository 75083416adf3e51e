-- The four roles of DESIGN.md "Security".  Roles belong to the cluster, not
-- to a database or to the extension: they are created here only when
-- missing (a second database, or CREATE EXTENSION after DROP EXTENSION, finds
-- them in place) and DROP EXTENSION leaves them.  They cannot log in; grant
-- them to login roles.  Grants and row-level security come with the
-- security release; for now only revert_stage() looks at mineconsol_admin.

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
