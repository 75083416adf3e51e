-- Security (五(二), 五(五)): the city and its counties share one database.
-- County staff (mineconsol_editor) read and write only their counties' rows,
-- reporting tools (mineconsol_reader) read only their counties' rows, the
-- city (mineconsol_admin) and the discipline inspectors
-- (mineconsol_inspector) see everything; only they read the audit trail.
-- role_counties maps login roles (directly or through membership) to
-- counties.  The roles themselves come from 05_roles.sql.
--
-- A mapping gives the access of the role it maps, no more: a row (r, county)
-- lets the members of r read the county when r is itself a member of a
-- mineconsol role, and write it only when r is a member of mineconsol_editor
-- or mineconsol_admin.  A reader group mapped to a county and granted to a
-- clerk of another county lets the clerk read that county, never write it.

-- Availability: 0.1.0
CREATE TABLE role_counties (
	role_name   name NOT NULL,
	county_code text NOT NULL REFERENCES counties (code),
	PRIMARY KEY (role_name, county_code)
);
COMMENT ON TABLE role_counties IS
  'Which counties a role works for. A row (role, county) gives the role and its members the access of that role in the county: read when the role is a member of any mineconsol role, write only when it is a member of mineconsol_editor or mineconsol_admin (my_counties(), my_write_counties()). Maintained by mineconsol_admin.';
COMMENT ON COLUMN role_counties.role_name IS 'A login role or a group role; its members inherit its counties, with its access (read, or read and write)';
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
  'true when the current role reads every county: a member of mineconsol_admin or mineconsol_inspector, or a role that bypasses row-level security.';

-- Availability: 0.2.0
CREATE FUNCTION writes_all_counties() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT pg_catalog.pg_has_role(current_user, 'mineconsol_admin', 'MEMBER')
		OR (SELECT r.rolbypassrls OR r.rolsuper FROM pg_catalog.pg_roles r
			 WHERE r.rolname OPERATOR(pg_catalog.=) current_user)
$fn$;
COMMENT ON FUNCTION writes_all_counties() IS
  'true when the current role writes every county: a member of mineconsol_admin (the city), or a role that bypasses row-level security. An inspector reads every county but writes none.';

-- The counties the current role reaches through mappings of roles that are
-- members of one of group_roles: what my_counties() and my_write_counties()
-- share.  It runs as the caller and reads role_counties under its policy
-- (the rows that concern the caller), so it tells nobody more than those.
-- Availability: 0.2.0
CREATE FUNCTION mapped_counties(VARIADIC group_roles name[]) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT COALESCE(pg_catalog.array_agg(DISTINCT rc.county_code), '{}')
	  FROM mineconsol.role_counties rc
	  JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) rc.role_name
	 WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')
	   AND EXISTS (SELECT FROM pg_catalog.unnest(group_roles) g
				    WHERE pg_catalog.pg_has_role(r.oid, g, 'MEMBER'))
$fn$;
COMMENT ON FUNCTION mapped_counties(name[]) IS
  'The counties of the role_counties rows of the current role, or of any role it is a member of, whose mapped role is a member of one of group_roles.';

-- Availability: 0.1.0
CREATE FUNCTION my_counties() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT mineconsol.mapped_counties('mineconsol_reader', 'mineconsol_editor',
									  'mineconsol_admin', 'mineconsol_inspector')
$fn$;
COMMENT ON FUNCTION my_counties() IS
  'The counties the current role reads: role_counties rows of the role itself or of any role it is a member of, where the mapped role is a member of a mineconsol role.';

-- Availability: 0.2.0
CREATE FUNCTION my_write_counties() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
	SELECT mineconsol.mapped_counties('mineconsol_editor', 'mineconsol_admin')
$fn$;
COMMENT ON FUNCTION my_write_counties() IS
  'The counties the current role writes: role_counties rows of the role itself or of any role it is a member of, where the mapped role is a member of mineconsol_editor or mineconsol_admin. A subset of my_counties().';

-- The one condition every county-scoped policy states.  The policies call it
-- as county_in(county_code, (SELECT sees_all_counties()), (SELECT
-- my_counties())) for reading and with writes_all_counties() and
-- my_write_counties() for writing: a SQL-standard body with each argument
-- used once, so the planner inlines it, and the two sub-selects stay
-- InitPlans, computed once per query rather than once per row.
-- Availability: 0.2.0
CREATE FUNCTION county_in(county_code text, every_county boolean, counties text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN every_county OR county_code OPERATOR(pg_catalog.=) ANY (counties);
COMMENT ON FUNCTION county_in(text, boolean, text[]) IS
  'Row-level security''s test: true when every_county, or when county_code is one of counties. Policies pass (SELECT sees_all_counties()) and (SELECT my_counties()) to read, (SELECT writes_all_counties()) and (SELECT my_write_counties()) to write.';

-- Row-level security.  Reading compares county_code with my_counties(),
-- writing (USING of the write policies, and WITH CHECK) with
-- my_write_counties().
ALTER TABLE mines ENABLE ROW LEVEL SECURITY;
ALTER TABLE violations ENABLE ROW LEVEL SECURITY;
ALTER TABLE zones ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_counties ENABLE ROW LEVEL SECURITY;

-- @template sql/templates/county_policies.sql TABLE=mines READ_NOTE="Everyone reads the mines of their counties (role_counties); the city and the inspectors read all" WRITE_NOTE="County staff write only the mines of the counties an editor mapping gives them (my_write_counties()); the city writes all"

-- A violation belongs to the county of its mine.  The subqueries see only the
-- mines the role may read; writing also needs the mine's county writable.
CREATE POLICY violations_read ON violations FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id));
COMMENT ON POLICY violations_read ON violations IS 'A violation is visible with its mine';
CREATE POLICY violations_write ON violations FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id
				   AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = violations.mine_id
						AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))));
COMMENT ON POLICY violations_write ON violations IS 'A violation is written with its mine''s county';

-- Zones are the city's and its departments' data: red lines, reserves,
-- scenic areas and water sources decide C4, planned and concentrated mining
-- zones S4 and L2, and eco-fragile zones A1.  Every kind judges mines: a
-- county that could write zones, even only its own county's eco-fragile
-- ones, could move or delete the zone that flags its own mines, and a zone
-- has no county boundary in the registry to keep it off its neighbours'.  So
-- only the city writes zones, of every kind (counties send theirs to the
-- city); everyone reads the city-wide ones (county_code NULL) and their
-- counties'.
CREATE POLICY zones_read ON zones FOR SELECT
	USING (county_code IS NULL OR county_in(county_code, (SELECT sees_all_counties()), (SELECT my_counties())));
COMMENT ON POLICY zones_read ON zones IS 'City-wide zones for everyone; county zones for their counties; all for the city and the inspectors';
CREATE POLICY zones_write ON zones FOR ALL TO mineconsol_admin
	USING (true) WITH CHECK (true);
COMMENT ON POLICY zones_write ON zones IS 'Only the city writes zones, of every kind: they decide the verdicts of every county''s mines';

-- Everyone reads the mappings that concern them (my_counties() runs as the
-- caller); the city maintains them.
CREATE POLICY role_counties_read ON role_counties FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
					   WHERE r.rolname = role_counties.role_name
						 AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')));
COMMENT ON POLICY role_counties_read ON role_counties IS 'A role reads the mappings that concern it (my_counties() runs as the caller)';
CREATE POLICY role_counties_admin ON role_counties FOR ALL TO mineconsol_admin
	USING (true) WITH CHECK (true);
COMMENT ON POLICY role_counties_admin ON role_counties IS 'The city maintains the mappings';

-- The workflow tables follow their county: schemes and units directly,
-- members through their unit, closures through their mine.  A row written
-- may point only at rows the writer may write too (a unit's retained mine, a
-- member's mine, a closure's unit): foreign keys are checked without
-- row-level security, so without this a county could tie its rows to
-- another county's, and learn from the error which ids exist there.
ALTER TABLE schemes ENABLE ROW LEVEL SECURITY;
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE closures ENABLE ROW LEVEL SECURITY;
ALTER TABLE stage_events ENABLE ROW LEVEL SECURITY;

-- @template sql/templates/county_policies.sql TABLE=schemes READ_NOTE="A county''s scheme for its county; all for the city and the inspectors" WRITE_NOTE="County staff write their counties'' schemes; the city writes all"
CREATE POLICY units_read ON units FOR SELECT
	USING (county_in(county_code, (SELECT sees_all_counties()), (SELECT my_counties())));
COMMENT ON POLICY units_read ON units IS 'A county''s units for its county; all for the city and the inspectors';
CREATE POLICY units_write ON units FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))
	WITH CHECK (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))
				AND (retained_mine_id IS NULL
					 OR EXISTS (SELECT 1 FROM mines m WHERE m.id = units.retained_mine_id
								AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))));
COMMENT ON POLICY units_write ON units IS 'County staff write their counties'' units; the city writes all';
CREATE POLICY unit_members_read ON unit_members FOR SELECT
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id));
COMMENT ON POLICY unit_members_read ON unit_members IS 'A member is visible with its unit';
CREATE POLICY unit_members_write ON unit_members FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id
				   AND county_in(u.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))))
	WITH CHECK (EXISTS (SELECT 1 FROM units u WHERE u.id = unit_members.unit_id
						AND county_in(u.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))
				AND EXISTS (SELECT 1 FROM mines m WHERE m.id = unit_members.mine_id
							AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))));
COMMENT ON POLICY unit_members_write ON unit_members IS 'A member is written with its unit and its mine';
CREATE POLICY closures_read ON closures FOR SELECT
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id));
COMMENT ON POLICY closures_read ON closures IS 'A closure is visible with its mine';
CREATE POLICY closures_write ON closures FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id
				   AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties()))))
	WITH CHECK (EXISTS (SELECT 1 FROM mines m WHERE m.id = closures.mine_id
						AND county_in(m.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))
				AND (unit_id IS NULL
					 OR EXISTS (SELECT 1 FROM units u WHERE u.id = closures.unit_id
								AND county_in(u.county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))));
COMMENT ON POLICY closures_write ON closures IS 'A closure is written with its mine''s county';
-- Mine-zone relations show with their mine and their zone: one index probe
-- each, which the city skips (the InitPlan is evaluated once).
ALTER TABLE mine_zone_relations ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine_zone_relations_read ON mine_zone_relations FOR SELECT
	USING ((SELECT sees_all_counties())
		   OR (EXISTS (SELECT 1 FROM mines m WHERE m.id = mine_zone_relations.mine_id)
			   AND EXISTS (SELECT 1 FROM zones z WHERE z.id = mine_zone_relations.zone_id)));
COMMENT ON POLICY mine_zone_relations_read ON mine_zone_relations IS 'A relation shows with its mine and its zone; all for the city and the inspectors';
-- The audit trail: read by the city and the inspectors only; written by the
-- stage trigger as the table's owner (src/audit.c), never by county staff.
CREATE POLICY stage_events_read ON stage_events FOR SELECT TO mineconsol_admin, mineconsol_inspector
	USING (true);
COMMENT ON POLICY stage_events_read ON stage_events IS 'Only the city and the inspectors read the audit trail';

-- Privileges: the least each role needs.  Row-level security narrows them
-- to counties.
GRANT USAGE ON SCHEMA mineconsol
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON counties, parameters, scale_thresholds, milestones, stage_transitions,
				mines, violations, zones, schemes, units, unit_members, closures, role_counties
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON mine_facts, dispositions, merge_plan, "overlaps"
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
-- Zones are written by the city only (see zones_write).  Identity columns
-- take their next value without any privilege on their sequence, so county
-- staff get none: nextval() and pg_sequences would tell them how many rows
-- the other counties have added.
GRANT INSERT, UPDATE, DELETE ON mines, violations, schemes, units, unit_members, closures
	TO mineconsol_editor, mineconsol_admin;
GRANT INSERT, UPDATE, DELETE ON zones TO mineconsol_admin;
GRANT USAGE ON SEQUENCE mines_id_seq, violations_id_seq, zones_id_seq, schemes_id_seq, units_id_seq
	TO mineconsol_admin;
GRANT INSERT, UPDATE, DELETE ON counties, parameters, scale_thresholds, milestones,
				stage_transitions, role_counties
	TO mineconsol_admin;
GRANT SELECT ON stage_events TO mineconsol_admin, mineconsol_inspector;
GRANT SELECT ON mine_zone_relations
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
REVOKE ALL ON FUNCTION rebuild_zone_relations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rebuild_zone_relations() TO mineconsol_admin;

-- Functions nobody calls directly.  A trigger function is called by its
-- triggers whatever its ACL (EXECUTE is checked when a trigger is created),
-- so each piece revokes its trigger functions from PUBLIC where it defines
-- them (test/sql/function_privileges.sql checks every one): no role can
-- attach them to a table of its own.

-- Views run with the caller's rights, so row-level security applies through them.
ALTER VIEW mine_facts SET (security_invoker = true);
ALTER VIEW dispositions SET (security_invoker = true);
ALTER VIEW merge_plan SET (security_invoker = true);
ALTER VIEW "overlaps" SET (security_invoker = true);

-- A licence number is unique across the city (the unique index on
-- mines.license_no is the guard).  When the mine that holds it belongs to a
-- county the writer cannot see, the index's own error is the only thing the
-- writer learns, and it names an index, not a situation; this trigger says
-- it in words, and says no more than the index does: not which county, not
-- which mine.  It runs as the owner to see every county; it reads one index
-- entry and nothing the caller passes but the number.  Two writers racing
-- for one number are still told apart by the index.
-- Availability: 0.2.0
CREATE FUNCTION mines_license_no_taken() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF TG_RELID <> 'mineconsol.mines'::regclass OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW'
	   OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('mines_license_no_taken() fires only BEFORE INSERT OR UPDATE FOR EACH ROW on mineconsol.mines'::text),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	IF NEW.license_no IS NOT NULL
	   AND EXISTS (SELECT 1 FROM mineconsol.mines m
				    WHERE m.license_no OPERATOR(mineconsol.=) NEW.license_no) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('licence number %s is already registered'::text), NEW.license_no),
				  ERRCODE = 'unique_violation',
				  DETAIL = mineconsol.tr('A licence number belongs to one mine in the whole city; the mine that holds it may be in a county you do not work for.'::text),
				  HINT = mineconsol.tr('Check the number against the licence. If no mine you can see holds it, ask the city (mineconsol_admin) which county registered it.'::text);
	END IF;
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION mines_license_no_taken() IS
  'Trigger on mines: refuses (23505) a licence number another mine already holds with a message that names neither that mine nor its county, which the writer may not be allowed to see. Runs as the owner to look in every county; the unique index stays the guard.';
REVOKE ALL ON FUNCTION mines_license_no_taken() FROM PUBLIC;

-- A new number only: the row being updated holds the old one.
CREATE TRIGGER mines_license_no_taken_insert BEFORE INSERT ON mines
	FOR EACH ROW WHEN (NEW.license_no IS NOT NULL) EXECUTE FUNCTION mines_license_no_taken();
CREATE TRIGGER mines_license_no_taken_update BEFORE UPDATE OF license_no ON mines
	FOR EACH ROW WHEN (NEW.license_no IS NOT NULL AND NEW.license_no IS DISTINCT FROM OLD.license_no)
	EXECUTE FUNCTION mines_license_no_taken();
COMMENT ON TRIGGER mines_license_no_taken_insert ON mines IS
  'Refuses a licence number already registered (23505) without naming the mine or county that holds it';
COMMENT ON TRIGGER mines_license_no_taken_update ON mines IS
  'Refuses a licence number already registered (23505) without naming the mine or county that holds it';
