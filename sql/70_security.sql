-- Security (五(二), 五(五)): the city and its counties share one database.
-- County staff (mineconsol_editor) read and write only their counties' rows,
-- reporting tools (mineconsol_reader) read only their counties' rows, the
-- city (mineconsol_admin) and the discipline inspectors
-- (mineconsol_inspector) see everything; only they read the audit trail.
-- role_counties maps login roles (directly or through membership) to
-- counties.  The roles themselves come from 05_roles.sql.

-- Availability: 0.1.0
CREATE TABLE role_counties (
	role_name   name NOT NULL,
	county_code text NOT NULL REFERENCES counties (code),
	PRIMARY KEY (role_name, county_code)
);
COMMENT ON TABLE role_counties IS
  'Which counties a role works for: a role sees (reader) or edits (editor) the rows of the counties mapped to it or to any role it is a member of. Maintained by mineconsol_admin.';
COMMENT ON COLUMN role_counties.role_name IS 'A login role or a group role; members inherit its counties';
COMMENT ON COLUMN role_counties.county_code IS 'A county (mineconsol.counties)';

-- Availability: 0.1.0
CREATE FUNCTION sees_all_counties() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT pg_catalog.pg_has_role(current_user, 'mineconsol_admin', 'MEMBER')
		OR pg_catalog.pg_has_role(current_user, 'mineconsol_inspector', 'MEMBER')
		OR (SELECT r.rolbypassrls OR r.rolsuper FROM pg_catalog.pg_roles r
			 WHERE r.rolname OPERATOR(pg_catalog.=) current_user)
$fn$;
COMMENT ON FUNCTION sees_all_counties() IS
  'true when the current role sees every county: a member of mineconsol_admin or mineconsol_inspector, or a role that bypasses row-level security.';

-- Availability: 0.1.0
CREATE FUNCTION my_counties() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT COALESCE(pg_catalog.array_agg(DISTINCT rc.county_code), '{}')
	  FROM mineconsol.role_counties rc
	  JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) rc.role_name
	 WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
$fn$;
COMMENT ON FUNCTION my_counties() IS
  'The counties the current role works for: role_counties rows of the role itself or of any role it is a member of.';

-- Row-level security.  The policies compare county_code with the result of
-- (SELECT my_counties()), an InitPlan computed once per query.
ALTER TABLE mines ENABLE ROW LEVEL SECURITY;
ALTER TABLE violations ENABLE ROW LEVEL SECURITY;
ALTER TABLE zones ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_counties ENABLE ROW LEVEL SECURITY;

CREATE POLICY mines_read ON mines FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY mines_write ON mines FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

-- A violation belongs to the county of its mine (the subquery sees only the
-- mines the role may see).
CREATE POLICY violations_read ON violations FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id));
CREATE POLICY violations_write ON violations FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id));

-- City-wide zones (county_code NULL) are everyone's to read, the city's to edit.
CREATE POLICY zones_read ON zones FOR SELECT
	USING (county_code IS NULL OR (SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY zones_write ON zones FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

-- Everyone reads the mappings that concern them (my_counties() runs as the
-- caller); the city maintains them.
CREATE POLICY role_counties_read ON role_counties FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
					   WHERE r.rolname = role_counties.role_name
						 AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')));
CREATE POLICY role_counties_admin ON role_counties FOR ALL TO mineconsol_admin
	USING (true) WITH CHECK (true);

-- The workflow tables follow their county: schemes and units directly,
-- members through their unit, closures through their mine.
ALTER TABLE schemes ENABLE ROW LEVEL SECURITY;
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE closures ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_events ENABLE ROW LEVEL SECURITY;

CREATE POLICY schemes_read ON schemes FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY schemes_write ON schemes FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY units_read ON units FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY units_write ON units FOR ALL TO mineconsol_editor, mineconsol_admin
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]))
	WITH CHECK ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY unit_members_read ON unit_members FOR SELECT
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id));
CREATE POLICY unit_members_write ON unit_members FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id))
	WITH CHECK (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id)
				AND EXISTS (SELECT 1 FROM mines m WHERE m.id = unit_members.mine_id));
CREATE POLICY closures_read ON closures FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id));
CREATE POLICY closures_write ON closures FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id));
-- Mine-zone relations show with their mine and their zone: one index probe
-- each, which the city skips (the InitPlan is evaluated once).
ALTER TABLE mine_zone_relations ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine_zone_relations_read ON mine_zone_relations FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR (EXISTS (SELECT 1 FROM mines m WHERE m.id = mine_zone_relations.mine_id)
			   AND EXISTS (SELECT 1 FROM zones z WHERE z.id = mine_zone_relations.zone_id)));
-- The audit trail: read by the city and the inspectors only; written by the
-- stage trigger as the table's owner (src/audit.c), never by county staff.
CREATE POLICY stage_events_read ON stage_events FOR SELECT TO mineconsol_admin, mineconsol_inspector
	USING (true);

-- Privileges: the least each role needs.  Row-level security narrows them
-- to counties.
GRANT USAGE ON SCHEMA mineconsol
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON counties, parameters, scale_thresholds, milestones, stage_transitions,
				mines, violations, zones, schemes, units, unit_members, closures, role_counties
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON mine_facts, dispositions, merge_plan, "overlaps"
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT, UPDATE, DELETE ON mines, violations, zones, schemes, units, unit_members, closures
	TO mineconsol_editor, mineconsol_admin;
GRANT USAGE ON SEQUENCE mines_id_seq, violations_id_seq, zones_id_seq, schemes_id_seq, units_id_seq
	TO mineconsol_editor, mineconsol_admin;
GRANT INSERT, UPDATE, DELETE ON counties, parameters, scale_thresholds, milestones,
				stage_transitions, role_counties
	TO mineconsol_admin;
GRANT SELECT ON stage_events TO mineconsol_admin, mineconsol_inspector;
GRANT SELECT ON mine_zone_relations
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
REVOKE ALL ON FUNCTION rebuild_zone_relations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rebuild_zone_relations() TO mineconsol_admin;

-- Views run with the caller's rights, so row-level security applies through them.
ALTER VIEW mine_facts SET (security_invoker = true);
ALTER VIEW dispositions SET (security_invoker = true);
ALTER VIEW merge_plan SET (security_invoker = true);
ALTER VIEW "overlaps" SET (security_invoker = true);
