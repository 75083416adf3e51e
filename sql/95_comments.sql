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
