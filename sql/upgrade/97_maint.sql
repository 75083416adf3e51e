-- Maintenance, 0.1.0 -> 0.2.0: shorter function comments (pieces 05-66),
-- the plan's sections in the stage_transitions seeds (40_stage.sql), and the
-- seeds and comments of 10_config.sql that cited documents outside the
-- repository.  Runs after the other areas' pieces, so its comments are the
-- last word.

-- Function comments are one or two sentences (under 300 characters); the
-- long explanations moved to docs/architecture.md and docs/formats.md.
-- @copy sql/30_cluster.sql COMMENT ON FUNCTION merge_cluster(
-- @copy sql/50_ingest.sql COMMENT ON FUNCTION import_mines(
-- @copy sql/05_roles.sql COMMENT ON FUNCTION apply_role_settings(
-- @copy sql/20_registry.sql COMMENT ON FUNCTION working_geometry(
-- @copy sql/25_zone_relations.sql COMMENT ON FUNCTION zones_zone_relations(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_guard(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_events_append(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION advance(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION verify_audit() IS
-- @copy sql/40_stage.sql COMMENT ON FUNCTION verify_audit(text) IS
-- @copy sql/40_stage.sql COMMENT ON FUNCTION audit_problems(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION audit_digest(
-- @copy sql/50_ingest.sql COMMENT ON FUNCTION parse_corner_points_raw(
-- @copy sql/50_ingest.sql COMMENT ON FUNCTION parse_corner_points(
-- @copy sql/50_ingest.sql COMMENT ON FUNCTION corner_point_elevations(
-- @copy sql/66_adopt.sql COMMENT ON FUNCTION adopt_merge_plan(

-- The seeded clauses of stage_transitions cite the sections of the plan that
-- name each step (docs/rules.md, "Stage tracks").  Only rows still as shipped
-- change; a DBA's edited row is the DBA's.  The trigger that makes an edited
-- row the DBA's is held off, so the seed rows stay seed rows, as a fresh
-- install has them.
-- The scratch copy is named pg_temp.shipped_transitions wherever it is used:
-- pg_temp comes last on this script's search path, so a bare name would find
-- a table of that name in public (or PostGIS's schema) first, one the
-- database's owner, or a role that could once create there, may have made,
-- with a trigger that would run as the updating superuser.
CREATE TEMPORARY TABLE pg_temp.shipped_transitions (LIKE mineconsol.stage_transitions);
-- @template sql/templates/stage_transition_seeds.sql TABLE=pg_temp.shipped_transitions
ALTER TABLE stage_transitions DISABLE TRIGGER stage_transitions_replaces_seed;
UPDATE stage_transitions t SET clause = s.clause
  FROM pg_temp.shipped_transitions s
 WHERE t.seeded AND t.track = s.track AND t.from_stage = s.from_stage AND t.to_stage = s.to_stage
   AND t.clause IS DISTINCT FROM s.clause;
ALTER TABLE stage_transitions ENABLE TRIGGER stage_transitions_replaces_seed;
DROP TABLE pg_temp.shipped_transitions;

-- The configuration seeds cite the repository's docs for the facts they
-- rest on.  Seed rows only, with the seed trigger held off as above.
-- @copy sql/10_config.sql COMMENT ON TABLE scale_thresholds IS
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
