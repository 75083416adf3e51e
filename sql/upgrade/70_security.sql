-- 70_security.sql: a mapping gives only the access of the role it maps
-- (my_counties() reads, my_write_counties() writes), one shared condition in
-- every policy, zones written by the city only, no sequence privileges for
-- county staff, trigger functions not executable by PUBLIC, and a neutral
-- message for a licence number registered in another county.

-- @copy sql/70_security.sql COMMENT ON TABLE role_counties IS
COMMENT ON COLUMN role_counties.role_name IS 'A login role or a group role; its members inherit its counties, with its access (read, or read and write)';

-- @copy sql/70_security.sql COMMENT ON FUNCTION sees_all_counties(

-- Availability: 0.2.0
-- @copy sql/70_security.sql CREATE FUNCTION writes_all_counties(
-- @copy sql/70_security.sql COMMENT ON FUNCTION writes_all_counties(

-- Availability: 0.2.0
-- @copy sql/70_security.sql CREATE FUNCTION mapped_counties(
-- @copy sql/70_security.sql COMMENT ON FUNCTION mapped_counties(

-- @replace sql/70_security.sql CREATE FUNCTION my_counties(
-- @copy sql/70_security.sql COMMENT ON FUNCTION my_counties(

-- Availability: 0.2.0
-- @copy sql/70_security.sql CREATE FUNCTION my_write_counties(
-- @copy sql/70_security.sql COMMENT ON FUNCTION my_write_counties(

-- The one condition every county-scoped policy states.  The policies call it
-- as county_in(county_code, (SELECT sees_all_counties()), (SELECT
-- my_counties())) for reading and with writes_all_counties() and
-- my_write_counties() for writing: a SQL-standard body with each argument
-- used once, so the planner inlines it, and the two sub-selects stay
-- InitPlans, computed once per query rather than once per row.
-- Availability: 0.2.0
-- @copy sql/70_security.sql CREATE FUNCTION county_in(
-- @copy sql/70_security.sql COMMENT ON FUNCTION county_in(

-- The policies, now through county_in() and, for writing, my_write_counties():
-- dropped and made again as the install pieces make them (as 80_results.sql
-- does for its own), so that each condition is written once, there.
DROP POLICY mines_read ON mines;
DROP POLICY mines_write ON mines;
DROP POLICY violations_write ON violations;
DROP POLICY zones_read ON zones;
DROP POLICY zones_write ON zones;
DROP POLICY schemes_read ON schemes;
DROP POLICY schemes_write ON schemes;
DROP POLICY units_read ON units;
DROP POLICY units_write ON units;
DROP POLICY unit_members_write ON unit_members;
DROP POLICY closures_write ON closures;
-- @copy sql/70_security.sql CREATE POLICY mines_read ON mines .. COMMENT ON POLICY mines_write ON mines
-- @copy sql/70_security.sql CREATE POLICY violations_write ON violations .. COMMENT ON POLICY violations_write ON violations
-- @copy sql/70_security.sql CREATE POLICY zones_read ON zones .. COMMENT ON POLICY zones_write ON zones
-- @copy sql/70_security.sql CREATE POLICY schemes_read ON schemes .. COMMENT ON POLICY schemes_write ON schemes
-- @copy sql/70_security.sql CREATE POLICY units_read ON units .. COMMENT ON POLICY units_write ON units
-- @copy sql/70_security.sql CREATE POLICY unit_members_write ON unit_members .. COMMENT ON POLICY unit_members_write ON unit_members
-- @copy sql/70_security.sql CREATE POLICY closures_write ON closures .. COMMENT ON POLICY closures_write ON closures

REVOKE INSERT, UPDATE, DELETE ON zones FROM mineconsol_editor;
REVOKE USAGE ON SEQUENCE mines_id_seq, violations_id_seq, zones_id_seq, schemes_id_seq, units_id_seq
	FROM mineconsol_editor;

-- A licence number is unique across the city (the unique index on
-- mines.license_no is the guard).  When the mine that holds it belongs to a
-- county the writer cannot see, the index's own error is the only thing the
-- writer learns, and it names an index, not a situation; this trigger says
-- it in words, and says no more than the index does: not which county, not
-- which mine.  It runs as the owner to see every county; it reads one index
-- entry and nothing the caller passes but the number.  Two writers racing
-- for one number are still told apart by the index.
-- Availability: 0.2.0
-- @copy sql/70_security.sql CREATE FUNCTION mines_license_no_taken(
-- @copy sql/70_security.sql COMMENT ON FUNCTION mines_license_no_taken(
REVOKE ALL ON FUNCTION mines_license_no_taken() FROM PUBLIC;

-- A new number only: the row being updated holds the old one.
-- @copy sql/70_security.sql CREATE TRIGGER mines_license_no_taken_insert BEFORE INSERT ON mines
-- @copy sql/70_security.sql CREATE TRIGGER mines_license_no_taken_update BEFORE UPDATE OF license_no ON mines
-- @copy sql/70_security.sql COMMENT ON TRIGGER mines_license_no_taken_insert ON mines IS
-- @copy sql/70_security.sql COMMENT ON TRIGGER mines_license_no_taken_update ON mines IS

-- 0.1.0 gave a mapped role's members its counties whatever the role was; now
-- a mapping gives the access of the role it maps.  Say which mappings give
-- less than before: a role in no mineconsol role now gives nothing, and a
-- reader role with editors among its members gives them reading only.
DO $warn$
DECLARE
	m record;
BEGIN
	FOR m IN
		SELECT rc.role_name, pg_catalog.string_agg(rc.county_code, ', ' ORDER BY rc.county_code) AS counties,
			   pg_catalog.bool_or(pg_catalog.pg_has_role(r.oid, 'mineconsol_reader', 'MEMBER')
								  OR pg_catalog.pg_has_role(r.oid, 'mineconsol_inspector', 'MEMBER')) AS reads
		  FROM mineconsol.role_counties rc
		  JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) rc.role_name
		 WHERE NOT pg_catalog.pg_has_role(r.oid, 'mineconsol_editor', 'MEMBER')
		   AND NOT pg_catalog.pg_has_role(r.oid, 'mineconsol_admin', 'MEMBER')
		   AND (NOT pg_catalog.pg_has_role(r.oid, 'mineconsol_reader', 'MEMBER')
				OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles e
							WHERE e.oid OPERATOR(pg_catalog.<>) r.oid
							  AND pg_catalog.pg_has_role(e.oid, r.oid, 'MEMBER')
							  AND pg_catalog.pg_has_role(e.oid, 'mineconsol_editor', 'MEMBER')
							  AND NOT e.rolsuper))
		 GROUP BY rc.role_name
		 ORDER BY rc.role_name
	LOOP
		RAISE WARNING USING
			MESSAGE = pg_catalog.format(
				CASE WHEN m.reads
					 THEN mineconsol.tr('role_counties maps role "%1$s" to %2$s, but "%1$s" is not a member of mineconsol_editor: its members now only read these counties')
					 ELSE mineconsol.tr('role_counties maps role "%1$s" to %2$s, but "%1$s" is not a member of mineconsol_editor: its members now get no access to these counties') END,
				m.role_name, m.counties),
			HINT = pg_catalog.format(mineconsol.tr('If its members edit these counties, GRANT mineconsol_editor TO %s.'), pg_catalog.quote_ident(m.role_name));
	END LOOP;
END
$warn$;
