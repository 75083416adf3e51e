-- Maintenance, 0.1.0 -> 0.2.0: shorter function comments (pieces 05-66),
-- the plan's sections in the stage_transitions seeds (40_stage.sql), and the
-- seeds and comments of 10_config.sql that cited documents outside the
-- repository.  Runs after the other areas' pieces, so its comments are the
-- last word.

-- Function comments are one or two sentences (under 300 characters); the
-- long explanations moved to docs/architecture.md and docs/formats.md.
COMMENT ON FUNCTION merge_cluster(geometry, text, float8, boolean) IS
  'Window function: the merge cluster of each row (1, 2, … by first row in window order; NULL for none). Rows join when they share an ore_body and lie within the larger reach; groups attach to their nearest anchor. Full rule: docs/architecture.md.';
COMMENT ON FUNCTION import_mines(regclass) IS
  'Loads a county''s register from a staging table (COPY or ogr2ogr) into mines, one subtransaction per row, and returns per row whether it landed or why not. The staging table must be the importer''s own plain table. Details: README.';
COMMENT ON FUNCTION apply_role_settings(regrole, text, text, text) IS
  'Stores recommended_role_settings() (each overridden by a non-NULL argument) on a login role for this database and returns its settings there. Runs with the caller''s rights: CREATEROLE or superuser; for the city''s DBA.';
COMMENT ON FUNCTION working_geometry(geometry, text) IS
  'The geometry as mineconsol stores it: a 2D MultiPolygon in the working SRID. Refuses (22023, with the reason; what names it) a geometry that is unusable: no SRID, not polygonal, empty, too many vertices, bad coordinates, invalid.';
COMMENT ON FUNCTION zones_zone_relations() IS
  'Statement trigger on zones only (else 39P01): recomputes mine_zone_relations for the zones inserted, changed or deleted. A county''s zone relates to that county''s mines, a city-wide zone to every mine. Runs as the owner.';
COMMENT ON FUNCTION stage_guard() IS
  'Row trigger on schemes, units and closures only (argument: the track; else 39P01): a new row starts at the first stage, a step moves one forward with its evidence, and every change is recorded in stage_events. See docs/architecture.md.';
COMMENT ON FUNCTION stage_events_append() IS
  'Row trigger before INSERT on stage_events only (else 39P01): accepts only an event that extends its row''s hash chain (23514 otherwise), which is how pg_restore reloads the trail.';
COMMENT ON FUNCTION advance(text, bigint, text, jsonb) IS
  'Moves a row of a track (scheme, unit: id; closure: mine_id) one step forward to to_stage with its evidence (a JSON object with at least date and doc_no) and returns the event recorded. Refusals are 23514.';
COMMENT ON FUNCTION verify_audit() IS
  'Checks the audit trail: every event''s hash and link, and that each row of schemes, units and closures is where its last event left it. ok when all hold; first_bad_event is the lowest event a problem names; audit_problems() lists them.';
COMMENT ON FUNCTION verify_audit(text) IS
  'verify_audit(), and also that nothing recorded up to the digest (from audit_digest(), kept outside the database) was changed, removed or added. Events recorded after the digest leave it valid.';
COMMENT ON FUNCTION audit_problems(text) IS
  'Every problem verify_audit() (or, given a digest, verify_audit(digest)) counts, one row each: the event it names, the row (track, row_id) and what is wrong. No rows: the trail verifies.';
COMMENT ON FUNCTION audit_digest() IS
  'One SHA-256 over the head of every row''s chain, as ''mineconsol-audit-v1:<last event id>:<chains>:<hex>'', to keep outside the database for verify_audit(digest). Waits for stage changes in progress; call it in a transaction of its own.';
COMMENT ON FUNCTION parse_corner_points_raw(text, integer) IS
  'The corner-point table of a licence (拐点坐标, CGCS2000 3-degree Gauss-Krüger) as a MultiPolygon in its zone''s SRID. Grammar and limits: docs/formats.md, "Corner-point texts". Malformed text is 22P02 naming the line and token; NULL gives NULL.';
COMMENT ON FUNCTION parse_corner_points(text, integer) IS
  'The corner-point table of a licence as mineconsol stores mining areas: parse_corner_points_raw(), then working_geometry(). zone is needed only for eastings without the zone prefix. STABLE: reads working_srid.';
COMMENT ON FUNCTION corner_point_elevations(text, integer) IS
  'The sub-areas of a corner-point text, one row each in text order: the lines they span, their number of distinct points and their elevation range in metres (NULL when none is given). Grammar and errors as parse_corner_points_raw().';
COMMENT ON FUNCTION adopt_merge_plan(text) IS
  'Turns the county''s stored merge plan into units (stage planned) and closures (stage to_close) and returns the number of units. Needs the scheme drafted and stored results (55000); refused (23514) once a unit or closure has moved.';

-- The seeded clauses of stage_transitions cite the sections of the plan that
-- name each step (docs/rules.md, "Stage tracks").  Only rows still as shipped
-- change; a DBA's edited row is the DBA's.  The trigger that makes an edited
-- row the DBA's is held off, so the seed rows stay seed rows, as a fresh
-- install has them.
ALTER TABLE stage_transitions DISABLE TRIGGER stage_transitions_replaces_seed;
UPDATE stage_transitions t SET clause = v.clause
  FROM (VALUES
	('scheme', 'drafted', 'hearing_held', '四(三)'),
	('scheme', 'hearing_held', 'noticed', '四(三)'),
	('scheme', 'noticed', 'submitted', '四(三)'),
	('scheme', 'submitted', 'approved', '四(三)'),
	('unit', 'planned', 'reserves_verified', '四(四)'),
	('unit', 'reserves_verified', 'valued', '四(五)'),
	('unit', 'valued', 'transferred', '四(五)'),
	('closure', 'to_close', 'closure_decided', '三(二)1(6)'),
	('closure', 'closure_decided', 'license_cancelled', '三(二)1(6)'),
	('closure', 'license_cancelled', 'announced', '三(二)1(6)'),
	('closure', 'announced', 'explosives_disposed', '五(二)'),
	('closure', 'explosives_disposed', 'restored', '四(八)')
  ) AS v(track, from_stage, to_stage, clause)
 WHERE t.seeded AND t.track = v.track AND t.from_stage = v.from_stage AND t.to_stage = v.to_stage;
ALTER TABLE stage_transitions ENABLE TRIGGER stage_transitions_replaces_seed;

-- The configuration seeds cite the repository's docs for the facts they
-- rest on.  Seed rows only, with the seed trigger held off as above.
COMMENT ON TABLE scale_thresholds IS
  'Production-scale classes per mineral (国土资发〔2004〕208号): large from large_min, medium from medium_min, small below it, very small below very_small_fraction of it. Ships only the rows confirmed so far (partial, see docs/formats.md): add rows for other minerals; a mine with no row has scale class ''unknown''. Config table: edits survive pg_dump.';
ALTER TABLE parameters DISABLE TRIGGER parameters_replaces_seed;
UPDATE parameters SET clause = '国土资发〔2004〕208号 (partial: docs/formats.md)'
 WHERE seeded AND name = 'very_small_fraction';
UPDATE parameters SET clause = 'docs/formats.md, "The working SRID" (CGCS2000 3-degree GK, CM 114E)'
 WHERE seeded AND name = 'working_srid';
ALTER TABLE parameters ENABLE TRIGGER parameters_replaces_seed;
ALTER TABLE scale_thresholds DISABLE TRIGGER scale_thresholds_replaces_seed;
UPDATE scale_thresholds SET source = '国土资发〔2004〕208号 (docs/formats.md)'
 WHERE seeded AND source = '国土资发〔2004〕208号 (FACTS.md)';
ALTER TABLE scale_thresholds ENABLE TRIGGER scale_thresholds_replaces_seed;
