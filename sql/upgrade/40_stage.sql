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

COMMENT ON FUNCTION stage_guard() IS
  'Row trigger on schemes, units and closures only (argument: the table''s track; anywhere else 39P01). INSERT: a new row starts at the first stage with no event, and a unit only once its county''s scheme is drafted (a superuser may insert at any stage: restore, migration). UPDATE of stage: one step forward, by the party stage_transitions.recorded_by names (42501), with the evidence in stage_evidence (at most 16 kB, 54000; its date not before the previous step''s nor after tomorrow), cross-track prerequisites; appends the event to stage_events and records it in last_event_id / last_event_hash, which nobody else may change (428C9). DELETE: a row with a stage history is kept (23001). Refused steps are 23514.';
COMMENT ON FUNCTION stage_events_append() IS
  'Row trigger before INSERT on stage_events (nowhere else: 39P01): accepts only an event that extends its row''s chain (id above the row''s last event, prev_hash = that event''s hash or 32 zero bytes, hash = SHA-256(prev_hash ‖ canonical event)); anything else is refused with 23514. This is how pg_restore reloads the trail; the stage trigger''s own appends are checked as they are made.';
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_events_append_only(
-- @copy sql/40_stage.sql COMMENT ON FUNCTION stage_cache_invalidate(
COMMENT ON FUNCTION verify_audit() IS
  'Checks the audit trail: every event links to the previous event of its row and its hash matches SHA-256(prev_hash ‖ canonical event); the last event of every row of schemes, units and closures is the one its last_event_id / last_event_hash name, and the row is at that event''s to_stage with the evidence it left (stage_evidence); every chain''s row exists. ok when all hold; first_bad_event is the lowest-numbered event a problem names (NULL when none does); checked counts the events whose own hash and link are intact. audit_problems() lists every problem.';

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION verify_audit(digest text, OUT ok boolean, OUT checked bigint, OUT first_bad_event bigint)
COMMENT ON FUNCTION verify_audit(text) IS
  'verify_audit(), and also that nothing recorded up to the digest (from audit_digest(), kept outside the database) was changed, removed or added: the heads of the chains up to its last event must hash to it again. Events recorded after the digest leave it valid. ok is false when the digest does not match (first_bad_event NULL if nothing else is wrong).';

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION audit_problems(
COMMENT ON FUNCTION audit_problems(text) IS
  'Every problem of the audit trail that verify_audit() (or, given a digest, verify_audit(digest)) counts, one row each: the event it names (NULL for a digest that does not match), the row (track, row_id) and what is wrong, e.g. a changed event, a removed one, an event added behind the stage trigger, or a row whose stage is not its last event''s. No rows: the trail verifies.';

-- Availability: 0.2.0
-- @copy sql/40_stage.sql CREATE FUNCTION audit_digest(
COMMENT ON FUNCTION audit_digest() IS
  'One SHA-256 over the head of every row''s chain, as ''mineconsol-audit-v1:<last event id>:<chains>:<hex>'': what the city publishes or hands to the discipline inspectors, who later run verify_audit(digest). It first waits for the stage changes in progress (needs READ COMMITTED; call it in a transaction of its own).';

-- @copy sql/40_stage.sql REVOKE ALL ON FUNCTION stage_guard(
-- @copy sql/40_stage.sql REVOKE ALL ON FUNCTION advance(
-- @copy sql/40_stage.sql GRANT EXECUTE ON FUNCTION advance(
-- @copy sql/40_stage.sql GRANT EXECUTE ON FUNCTION verify_audit(
