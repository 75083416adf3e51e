-- Stage workflow (the plan's section 四; docs/rules.md, "Stage tracks") and
-- its audit trail (docs/architecture.md).
--
-- Three tracks, each a stage column guarded by the C trigger stage_guard():
--   scheme   schemes.stage    one row per county
--   unit     units.stage      one row per consolidation unit (retained mine)
--   closure  closures.stage   one row per mine to be closed
-- The stages, their order and the evidence each step needs are data
-- (stage_transitions; deadlines in milestones), read and cached by the C
-- code (src/stage_graph.c); the cache is dropped whenever either changes.
--
-- A row changes stage either through advance() / revert_stage(), or through a
-- direct UPDATE that sets stage and stage_evidence together; both are checked
-- by the same trigger (src/stage_trigger.c).  Every change appends one event
-- to stage_events, hash-chained with SHA-256 (src/audit.c).

-- Availability: 0.1.0
CREATE TABLE stage_transitions (
	track            text NOT NULL
	                 CONSTRAINT stage_transitions_track_check CHECK (track IN ('scheme', 'unit', 'closure')),
	from_stage       text NOT NULL,
	to_stage         text NOT NULL,
	evidence_keys    text[] NOT NULL DEFAULT '{date,doc_no}',
	due_after_stage  text,
	due_within_param text,
	clause           text,
	description      text NOT NULL,
	seeded           boolean NOT NULL DEFAULT false,
	-- Availability: 0.2.0
	recorded_by      text NOT NULL DEFAULT 'county'
	                 CONSTRAINT stage_transitions_recorded_by_check CHECK (recorded_by IN ('city', 'county')),
	PRIMARY KEY (track, from_stage, to_stage),
	CONSTRAINT stage_transitions_forward CHECK (from_stage <> to_stage),
	CONSTRAINT stage_transitions_date_and_doc_no CHECK (evidence_keys @> '{date,doc_no}'),
	CONSTRAINT stage_transitions_relative_due CHECK ((due_after_stage IS NULL) = (due_within_param IS NULL))
);
COMMENT ON TABLE stage_transitions IS
  'The stage graph of each track: one row per allowed step forward, with the evidence keys it requires. The first stage of a track is the one that is never a to_stage. Read and cached by the stage trigger; any change here takes effect at the next statement. Config table: edits survive pg_dump.';
COMMENT ON COLUMN stage_transitions.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN stage_transitions.from_stage IS 'Stage the row is at';
COMMENT ON COLUMN stage_transitions.to_stage IS 'Stage the row may move to in one step';
COMMENT ON COLUMN stage_transitions.evidence_keys IS 'Keys the evidence object must hold for this step (always date and doc_no; date is an ISO date, shares an object holder → fraction summing to 1, license_no a valid licence number, any other key a non-empty value)';
COMMENT ON COLUMN stage_transitions.due_after_stage IS 'For a deadline relative to an earlier step: the stage whose evidence date starts the period (NULL: the deadline, if any, is milestones.due)';
COMMENT ON COLUMN stage_transitions.due_within_param IS 'With due_after_stage: the parameter (in years) that gives the length of the period';
COMMENT ON COLUMN stage_transitions.clause IS 'Clause of the plan that names the step';
COMMENT ON COLUMN stage_transitions.description IS 'What the step means';
COMMENT ON COLUMN stage_transitions.recorded_by IS 'Who records the step: ''county'' (the county''s editors, or the city) or ''city'' (members of mineconsol_admin only, e.g. the city''s approval of a scheme); anyone else is refused with 42501';

-- @template sql/templates/seeded_config.sql TABLE=stage_transitions KEYS="'track', 'from_stage', 'to_stage'"

-- Who records each step (recorded_by): the plan makes the county
-- government the party responsible for its scheme, its units and its
-- closures (四, 五(五)): it records the documents of its own departments, of
-- the issuing authority and of the police.  The city government approves
-- the schemes (四(三), 四(五)): only the city records "approved", the step
-- that lets a county sell its units.  clause cites the section of the plan
-- that names the step (docs/rules.md, "Stage tracks", quotes them).  The
-- rows are in sql/templates/stage_transition_seeds.sql, which the upgrade
-- reads too.
-- @template sql/templates/stage_transition_seeds.sql TABLE=stage_transitions

-- Availability: 0.1.0
CREATE FUNCTION stage_cache_invalidate() RETURNS trigger
AS 'MODULE_PATHNAME', 'mc_stage_cache_invalidate'
LANGUAGE C;
COMMENT ON FUNCTION stage_cache_invalidate() IS
  'Statement trigger on stage_transitions and milestones (nowhere else: 39P01): drops every backend''s cached stage graph and deadlines (a relcache invalidation of the table), so the next check reads them again: in this session at the next statement, in others once the change commits.';

CREATE TRIGGER stage_transitions_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stage_transitions
	FOR EACH STATEMENT EXECUTE FUNCTION stage_cache_invalidate();
CREATE TRIGGER milestones_stage_cache_invalidate AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones
	FOR EACH STATEMENT EXECUTE FUNCTION stage_cache_invalidate();

-- Availability: 0.1.0
CREATE TABLE schemes (
	id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	county_code    text NOT NULL UNIQUE REFERENCES counties (code),
	stage          text NOT NULL DEFAULT 'survey',
	stage_evidence jsonb,
	note           text,
	last_event_id   bigint,
	last_event_hash bytea
);
COMMENT ON TABLE schemes IS
  'One consolidation scheme (整合方案) per county, moving survey → drafted → hearing_held → noticed → submitted → approved (track ''scheme'').';
COMMENT ON COLUMN schemes.id IS 'Key';
COMMENT ON COLUMN schemes.county_code IS 'The county, mineconsol.counties (one scheme each)';
-- stage … last_event_hash: commented after closures, alike in the three tables.

-- Availability: 0.1.0
CREATE TABLE units (
	id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	county_code      text NOT NULL REFERENCES counties (code),
	retained_mine_id bigint REFERENCES mines (id),
	cluster_id       integer,
	stage            text NOT NULL DEFAULT 'planned',
	stage_evidence   jsonb,
	note             text,
	last_event_id    bigint,
	last_event_hash  bytea
);
CREATE INDEX units_county_idx ON units (county_code);
COMMENT ON TABLE units IS
  'Consolidation units (整合单元): one retained mine and the mines merged into it, moving planned → reserves_verified → valued → transferred → rights_settled → plans_approved → licensed → restored (track ''unit''). A county''s units are created only once its scheme is drafted.';
COMMENT ON COLUMN units.id IS 'Key';
COMMENT ON COLUMN units.county_code IS 'The county, mineconsol.counties';
COMMENT ON COLUMN units.retained_mine_id IS 'The retained mine (整合主体), mineconsol.mines; NULL while none qualifies';
COMMENT ON COLUMN units.cluster_id IS 'The merge_plan cluster the unit was adopted from';
-- stage … last_event_hash: commented after closures, alike in the three tables.

-- Availability: 0.1.0
CREATE TABLE unit_members (
	unit_id bigint NOT NULL REFERENCES units (id) ON DELETE CASCADE,
	mine_id bigint NOT NULL UNIQUE REFERENCES mines (id),
	PRIMARY KEY (unit_id, mine_id)
);
COMMENT ON TABLE unit_members IS
  'The mines of a consolidation unit, the retained mine included; a mine belongs to at most one unit. A unit is licensed only once the closure of every member other than the retained mine has reached license_cancelled.';
COMMENT ON COLUMN unit_members.unit_id IS 'The unit, mineconsol.units';
COMMENT ON COLUMN unit_members.mine_id IS 'A member mine, mineconsol.mines';

-- Availability: 0.1.0
CREATE TABLE closures (
	mine_id        bigint PRIMARY KEY REFERENCES mines (id),
	unit_id        bigint REFERENCES units (id),
	stage          text NOT NULL DEFAULT 'to_close',
	stage_evidence jsonb,
	note           text,
	last_event_id   bigint,
	last_event_hash bytea
);
CREATE INDEX closures_unit_idx ON closures (unit_id);
COMMENT ON TABLE closures IS
  'Mines being closed, moving to_close → closure_decided → license_cancelled → announced → explosives_disposed → restored (track ''closure'').';
COMMENT ON COLUMN closures.mine_id IS 'The mine, mineconsol.mines (key: a mine is closed once)';
COMMENT ON COLUMN closures.unit_id IS 'The unit the mine is merged into, when it closes because of a merge (C6); NULL otherwise';

-- The stage columns of the three tracked tables mean the same in each: one
-- comment each, set on schemes, units and closures.
DO $stage_columns$
DECLARE
	t text;
	c record;
BEGIN
	FOREACH t IN ARRAY ARRAY['schemes', 'units', 'closures'] LOOP
		FOR c IN SELECT * FROM (VALUES
			('stage', 'Current stage; changes only one step forward with evidence (advance() or UPDATE … SET stage, stage_evidence), backward only through revert_stage()'),
			('stage_evidence', 'Evidence (JSON object) of the step that reached the current stage; a direct UPDATE of stage sets it in the same statement'),
			('note', 'Free text'),
			('last_event_id', 'The event of stage_events that brought the row to its current stage (NULL before the first); maintained by the stage trigger, read-only for everyone else'),
			('last_event_hash', 'hash of that event: the head of the row''s hash chain, which verify_audit() compares with stage_events (a removed or added last event shows); maintained by the stage trigger')) AS v(col, note)
		LOOP
			EXECUTE pg_catalog.format('COMMENT ON COLUMN mineconsol.%I.%I IS %L', t, c.col, c.note);
		END LOOP;
	END LOOP;
END
$stage_columns$;

-- Availability: 0.1.0
CREATE TABLE stage_events (
	id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	track      text NOT NULL,
	row_id     bigint NOT NULL,
	from_stage text NOT NULL,
	to_stage   text NOT NULL,
	actor      text NOT NULL,
	at         timestamptz NOT NULL,
	evidence   jsonb NOT NULL,
	due        date,
	days_late  integer,
	prev_hash  bytea NOT NULL,
	hash       bytea NOT NULL,
	reason     text
);
-- No CHECK constraints: the insert trigger checks every row it did not
-- write itself (32-byte hashes, days_late not negative, the link), and a
-- CHECK would cost every append its expression set-up.
CREATE INDEX stage_events_row_idx ON stage_events (track, row_id, id);
COMMENT ON TABLE stage_events IS
  'Append-only audit trail: one event per change of stage.  The events of one row (track, row_id) form a hash chain in id order: hash = SHA-256(prev_hash ‖ canonical serialisation of the event), prev_hash of the row''s first event is 32 zero bytes, and the row''s last_event_id / last_event_hash name its last event.  UPDATE, DELETE and TRUNCATE are refused (55000); an INSERT must extend its row''s chain.  verify_audit() checks every chain.';
COMMENT ON COLUMN stage_events.id IS 'Event number, increasing in the order events are recorded (an aborted change leaves a gap)';
COMMENT ON COLUMN stage_events.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN stage_events.row_id IS 'The row: schemes.id, units.id or closures.mine_id';
COMMENT ON COLUMN stage_events.from_stage IS 'Stage before the change';
COMMENT ON COLUMN stage_events.to_stage IS 'Stage after the change';
COMMENT ON COLUMN stage_events.actor IS 'The role that made the change (current_user)';
COMMENT ON COLUMN stage_events.at IS 'When the change was recorded';
COMMENT ON COLUMN stage_events.evidence IS 'The evidence of the step as given (unknown keys kept); {} for a revert';
COMMENT ON COLUMN stage_events.due IS 'Deadline of the step (milestones, or relative to an earlier step); NULL when it has none';
COMMENT ON COLUMN stage_events.days_late IS 'Days from due to the evidence date when later, else 0; NULL without a deadline';
COMMENT ON COLUMN stage_events.prev_hash IS 'hash of the previous event of the same row (32 zero bytes for the row''s first event)';
COMMENT ON COLUMN stage_events.hash IS 'SHA-256(prev_hash ‖ canonical serialisation of this event), see audit_canonical() and verify_audit()';
COMMENT ON COLUMN stage_events.reason IS 'Why a stage was reverted (revert_stage()); NULL for a step forward';

-- Availability: 0.1.0
CREATE FUNCTION stage_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'mc_stage_guard'
LANGUAGE C;
COMMENT ON FUNCTION stage_guard() IS
  'Row trigger on schemes, units and closures only (argument: the track; else 39P01): a new row starts at the first stage, a step moves one forward with its evidence, and every change is recorded in stage_events. See docs/architecture.md.';

CREATE TRIGGER schemes_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON schemes
	FOR EACH ROW EXECUTE FUNCTION stage_guard('scheme');
CREATE TRIGGER units_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON units
	FOR EACH ROW EXECUTE FUNCTION stage_guard('unit');
CREATE TRIGGER closures_stage_guard BEFORE INSERT OR UPDATE OF stage, stage_evidence, last_event_id, last_event_hash OR DELETE ON closures
	FOR EACH ROW EXECUTE FUNCTION stage_guard('closure');

-- Availability: 0.1.0
CREATE FUNCTION stage_events_append() RETURNS trigger
AS 'MODULE_PATHNAME', 'mc_stage_events_append'
LANGUAGE C;
COMMENT ON FUNCTION stage_events_append() IS
  'Row trigger before INSERT on stage_events only (else 39P01): accepts only an event that extends its row''s hash chain (23514 otherwise), which is how pg_restore reloads the trail.';

CREATE TRIGGER stage_events_append BEFORE INSERT ON stage_events
	FOR EACH ROW EXECUTE FUNCTION stage_events_append();

-- Availability: 0.1.0
CREATE FUNCTION stage_events_append_only() RETURNS trigger
AS 'MODULE_PATHNAME', 'mc_stage_events_append_only'
LANGUAGE C;
COMMENT ON FUNCTION stage_events_append_only() IS
  'Statement trigger on stage_events (nowhere else: 39P01): refuses UPDATE, DELETE and TRUNCATE for everyone (55000).';

CREATE TRIGGER stage_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON stage_events
	FOR EACH STATEMENT EXECUTE FUNCTION stage_events_append_only();

-- Availability: 0.1.0
CREATE FUNCTION advance(track text, id bigint, to_stage text, evidence jsonb) RETURNS stage_events
AS 'MODULE_PATHNAME', 'mc_advance'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION advance(text, bigint, text, jsonb) IS
  'Moves a row of a track (scheme, unit: id; closure: mine_id) one step forward to to_stage with its evidence (a JSON object with at least date and doc_no) and returns the event recorded. Refusals are 23514.';

-- Availability: 0.1.0
CREATE FUNCTION revert_stage(track text, id bigint, to_stage text, reason text) RETURNS stage_events
AS 'MODULE_PATHNAME', 'mc_revert_stage'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION revert_stage(text, bigint, text, text) IS
  'Moves a row back to an earlier stage, for members of mineconsol_admin (the city) or a superuser only (42501 for anyone else); the reason is required and recorded in the event, which is returned.';

-- Availability: 0.1.0
CREATE FUNCTION verify_audit(OUT ok boolean, OUT checked bigint, OUT first_bad_event bigint)
AS 'MODULE_PATHNAME', 'mc_verify_audit'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION verify_audit() IS
  'Checks the audit trail: every event''s hash and link, and that each row of schemes, units and closures is where its last event left it. ok when all hold; first_bad_event is the lowest event a problem names; audit_problems() lists them.';

-- Availability: 0.2.0
CREATE FUNCTION verify_audit(digest text, OUT ok boolean, OUT checked bigint, OUT first_bad_event bigint)
AS 'MODULE_PATHNAME', 'mc_verify_audit_digest'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION verify_audit(text) IS
  'verify_audit(), and also that nothing recorded up to the digest (from audit_digest(), kept outside the database) was changed, removed or added. Events recorded after the digest leave it valid.';

-- Availability: 0.2.0
CREATE FUNCTION audit_problems(digest text DEFAULT NULL)
RETURNS TABLE (event_id bigint, track text, row_id bigint, problem text)
AS 'MODULE_PATHNAME', 'mc_audit_problems'
LANGUAGE C STABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION audit_problems(text) IS
  'Every problem verify_audit() (or, given a digest, verify_audit(digest)) counts, one row each: the event it names, the row (track, row_id) and what is wrong. No rows: the trail verifies.';

-- Availability: 0.2.0
CREATE FUNCTION audit_digest() RETURNS text
AS 'MODULE_PATHNAME', 'mc_audit_digest'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION audit_digest() IS
  'One SHA-256 over the head of every row''s chain, as ''mineconsol-audit-v1:<last event id>:<chains>:<hex>'', to keep outside the database for verify_audit(digest). Waits for stage changes in progress; call it in a transaction of its own.';

-- Availability: 0.1.0
CREATE FUNCTION audit_canonical(e stage_events) RETURNS bytea
AS 'MODULE_PATHNAME', 'mc_audit_canonical'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION audit_canonical(stage_events) IS
  'The canonical serialisation of an event that its hash covers (see README, "Audit trail"): for checking the chain outside the database, sha256(prev_hash || audit_canonical(e)) = hash.';

-- Who may call what.  Trigger functions are the tables' own: nobody calls
-- them (they refuse any other table anyway).  advance() is for the county
-- staff and the city; revert_stage() checks the city role itself, so that
-- a clerk is told why; the audit trail's functions are for those who read
-- it.
REVOKE ALL ON FUNCTION stage_guard(), stage_events_append(), stage_events_append_only(),
	stage_cache_invalidate() FROM PUBLIC;
REVOKE ALL ON FUNCTION advance(text, bigint, text, jsonb), revert_stage(text, bigint, text, text),
	verify_audit(), verify_audit(text), audit_problems(text), audit_digest(),
	audit_canonical(stage_events) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION advance(text, bigint, text, jsonb), revert_stage(text, bigint, text, text)
	TO mineconsol_admin, mineconsol_editor;
GRANT EXECUTE ON FUNCTION verify_audit(), verify_audit(text), audit_problems(text), audit_digest(),
	audit_canonical(stage_events)
	TO mineconsol_admin, mineconsol_inspector;
