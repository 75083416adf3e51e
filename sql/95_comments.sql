-- Comments that follow from others.  The views mine_facts and dispositions
-- repeat the columns of mines: they carry the same comments.
DO $comments$
DECLARE
	c record;
BEGIN
	FOR c IN
		SELECT v.relname AS view_name, a.attname, col_description('mineconsol.mines'::regclass, ma.attnum) AS note
		  FROM pg_catalog.pg_class v
		  JOIN pg_catalog.pg_attribute a ON a.attrelid = v.oid AND a.attnum > 0 AND NOT a.attisdropped
		  JOIN pg_catalog.pg_attribute ma ON ma.attrelid = 'mineconsol.mines'::regclass AND ma.attname = a.attname
		 WHERE v.relnamespace = 'mineconsol'::regnamespace
		   AND v.relname IN ('mine_facts', 'dispositions')
		   AND col_description(v.oid, a.attnum) IS NULL
	LOOP
		EXECUTE format('COMMENT ON COLUMN mineconsol.%I.%I IS %L', c.view_name, c.attname, c.note);
	END LOOP;
END
$comments$;

-- Triggers.  Those that do the same on several tables (TABLE_SUFFIX): one
-- comment for each kind, set on each of its triggers.
DO $trigger_comments$
DECLARE
	k record;
	t text;
BEGIN
	FOR k IN SELECT * FROM (VALUES
		('replaces_seed', ARRAY['counties', 'parameters', 'scale_thresholds', 'milestones', 'stage_transitions', 'duties'],
		 'An edited row stops being a seed row; an inserted row replaces an untouched seed row with the same key (keeps DBA edits across pg_dump/pg_restore)'),
		('normalize_geom', ARRAY['mines', 'zones'],
		 'Stores geom through working_geometry(): MultiPolygon in the working SRID, refused with the reason when it has no SRID, is empty, not an area or invalid'),
		('stage_guard', ARRAY['schemes', 'units', 'closures'],
		 'Checks every change of stage: one step forward, the evidence it needs, cross-track prerequisites; records the event in the row''s audit chain and keeps a row with a history from being deleted')) AS v(suffix, tables, note)
	LOOP
		FOREACH t IN ARRAY k.tables LOOP
			EXECUTE pg_catalog.format('COMMENT ON TRIGGER %I ON mineconsol.%I IS %L', t || '_' || k.suffix, t, k.note);
		END LOOP;
	END LOOP;
END
$trigger_comments$;
COMMENT ON TRIGGER parameters_check_working_srid ON parameters IS 'working_srid must be a projected SRID in metres and cannot change after installation';
COMMENT ON TRIGGER mines_zone_relations_insert ON mines IS 'Relates the new mines to the zones (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_update ON mines IS 'Relates the updated mines to the zones again (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_delete ON mines IS 'Drops the relations of the deleted mines (mine_zone_relations)';
COMMENT ON TRIGGER mines_zone_relations_truncate ON mines IS 'Empties mine_zone_relations with mines';
COMMENT ON TRIGGER zones_zone_relations_insert ON zones IS 'Relates the new zones to the mines (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_update ON zones IS 'Relates the updated zones to the mines again (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_delete ON zones IS 'Drops the relations of the deleted zones (mine_zone_relations)';
COMMENT ON TRIGGER zones_zone_relations_truncate ON zones IS 'Empties mine_zone_relations with zones';
COMMENT ON TRIGGER stage_transitions_invalidate ON stage_transitions IS 'Drops every backend''s cached stage graph when the graph changes';
COMMENT ON TRIGGER milestones_stage_cache_invalidate ON milestones IS 'Drops every backend''s cached deadlines when a milestone changes';
COMMENT ON TRIGGER stage_events_append ON stage_events IS 'An inserted event must extend its row''s chain (a later id, the previous event''s hash, a correct hash)';
COMMENT ON TRIGGER stage_events_append_only ON stage_events IS 'Refuses UPDATE, DELETE and TRUNCATE of the audit trail (55000)';

-- Row-level security policies.
-- (Alike in shape only: each policy's comment says what that policy lets through.)
COMMENT ON POLICY mines_read ON mines IS 'Everyone reads the mines of their counties (role_counties); the city and the inspectors read all';
COMMENT ON POLICY mines_write ON mines IS 'County staff write only the mines of the counties an editor mapping gives them (my_write_counties()); the city writes all';
COMMENT ON POLICY violations_read ON violations IS 'A violation is visible with its mine';
COMMENT ON POLICY violations_write ON violations IS 'A violation is written with its mine''s county';
COMMENT ON POLICY zones_read ON zones IS 'City-wide zones for everyone; county zones for their counties; all for the city and the inspectors';
COMMENT ON POLICY zones_write ON zones IS 'Only the city writes zones, of every kind: they decide the verdicts of every county''s mines';
COMMENT ON POLICY schemes_read ON schemes IS 'A county''s scheme for its county; all for the city and the inspectors';
COMMENT ON POLICY schemes_write ON schemes IS 'County staff write their counties'' schemes; the city writes all';
COMMENT ON POLICY units_read ON units IS 'A county''s units for its county; all for the city and the inspectors';
COMMENT ON POLICY units_write ON units IS 'County staff write their counties'' units; the city writes all';
COMMENT ON POLICY unit_members_read ON unit_members IS 'A member is visible with its unit';
COMMENT ON POLICY unit_members_write ON unit_members IS 'A member is written with its unit and its mine';
COMMENT ON POLICY closures_read ON closures IS 'A closure is visible with its mine';
COMMENT ON POLICY closures_write ON closures IS 'A closure is written with its mine''s county';
COMMENT ON POLICY role_counties_read ON role_counties IS 'A role reads the mappings that concern it (my_counties() runs as the caller)';
COMMENT ON POLICY role_counties_admin ON role_counties IS 'The city maintains the mappings';
COMMENT ON POLICY mine_zone_relations_read ON mine_zone_relations IS 'A relation shows with its mine and its zone; all for the city and the inspectors';
COMMENT ON POLICY stage_events_read ON stage_events IS 'Only the city and the inspectors read the audit trail';
COMMENT ON POLICY disposition_results_county ON disposition_results IS 'A stored verdict is read with its mine (the mine''s county); all for the city and the inspectors. Only refresh_results() writes';
COMMENT ON POLICY merge_plan_results_county ON merge_plan_results IS 'A stored cluster is read by its county; all for the city and the inspectors. Only refresh_results() writes';
