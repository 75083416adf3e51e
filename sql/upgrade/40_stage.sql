-- Stage workflow and audit trail (sql/40_stage.sql), 0.1.0 -> 0.2.0.

-- Who records each step.  The seed rows stay seed rows (the trigger that
-- makes an edited row the DBA's is held off); the scheme's approval is the
-- city's even where a DBA has edited that row.
ALTER TABLE stage_transitions ADD COLUMN recorded_by text NOT NULL DEFAULT 'county'
	CONSTRAINT stage_transitions_recorded_by_check CHECK (recorded_by IN ('city', 'county'));
COMMENT ON COLUMN stage_transitions.recorded_by IS 'Who records the step: ''county'' (the county''s editors, or the city) or ''city'' (members of mineconsol_admin only, e.g. the city''s approval of a scheme); anyone else is refused with 42501';
ALTER TABLE stage_transitions DISABLE TRIGGER stage_transitions_replaces_seed;
UPDATE stage_transitions SET recorded_by = 'city' WHERE track = 'scheme' AND to_stage = 'approved';
ALTER TABLE stage_transitions ENABLE TRIGGER stage_transitions_replaces_seed;

-- stage_guard()'s, stage_events_append()'s and the audit functions' comments
-- come from 97_maint.sql, the last word on comments.
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_events_append_only(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_cache_invalidate(

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION verify_audit(digest text, OUT ok boolean, OUT checked bigint, OUT first_bad_event bigint)

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION audit_problems(

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION audit_digest(

-- @copy sql/40_stage.sql REVOKE ALL ON FUNCTION stage_guard(
-- @copy sql/40_stage.sql REVOKE ALL ON FUNCTION advance(
-- @copy sql/40_stage.sql GRANT EXECUTE ON FUNCTION advance(
-- @copy sql/40_stage.sql GRANT EXECUTE ON FUNCTION verify_audit(
