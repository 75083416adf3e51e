-- Stored results (sql/80_results.sql): written only by the extension, read by
-- county; refresh_results(only_stale) computes from the whole registry at
-- the city's date (results_as_of) and locks per county.

REVOKE INSERT, DELETE ON disposition_results, merge_plan_results FROM mineconsol_editor, mineconsol_admin;
DROP POLICY disposition_results_county ON disposition_results;
DROP POLICY merge_plan_results_county ON merge_plan_results;
CREATE POLICY disposition_results_county ON disposition_results FOR SELECT
	USING ((SELECT sees_all_counties()) OR EXISTS (SELECT 1 FROM mines m WHERE m.id = disposition_results.mine_id));
CREATE POLICY merge_plan_results_county ON merge_plan_results FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));

COMMENT ON POLICY disposition_results_county ON disposition_results IS 'A stored verdict is read with its mine (the mine''s county); all for the city and the inspectors. Only refresh_results() writes';
COMMENT ON POLICY merge_plan_results_county ON merge_plan_results IS 'A stored cluster is read by its county; all for the city and the inspectors. Only refresh_results() writes';
COMMENT ON TABLE disposition_results IS
  'Every mine''s verdict as of the last refresh_results() of its county, computed from the whole registry at results_as_of(); written only by the extension, read by county (with the mine). Read by the v_* views.';

-- Rows that are not what the extension computed (a county's forged verdict
-- for another county's mine) go; the rest stay until the next refresh.
DELETE FROM disposition_results r USING mines m WHERE m.id = r.mine_id AND r.county_code <> m.county_code;

DROP FUNCTION refresh_results();

-- The day stored results judge at: one date for the whole city, set by the
-- city (mineconsol_admin), never a session's mineconsol.as_of.  No row: today.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE results_as_of (
CREATE UNIQUE INDEX results_as_of_one_row ON results_as_of ((true));
COMMENT ON TABLE results_as_of IS
  'The day refresh_results() judges every stored verdict at, for the whole city: at most one row, maintained by the city (mineconsol_admin); with no row, the day of the refresh. A session''s mineconsol.as_of never reaches stored results. Config table: survives pg_dump.';
COMMENT ON COLUMN results_as_of.as_of IS 'The day (2000-01-01 .. 2100-12-31)';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION results_as_of(
COMMENT ON FUNCTION results_as_of() IS
  'The day stored results judge at: the row of results_as_of, or today (the current date) when there is none.';

-- One row per county whose results were ever asked for: when they were last
-- computed, and the row a refresh locks.  A refresh asks for its counties by
-- flagging their rows (requested) as the caller, so row-level security
-- decides which counties a role may refresh; refresh_requested_results()
-- then recomputes exactly the rows this transaction flagged.  The row locks
-- serialise two refreshes of one county; refreshes of different counties
-- never wait for each other, and the city's takes the rows in key order.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE result_refreshes (
COMMENT ON TABLE result_refreshes IS
  'Per county: when refresh_results() last stored its results and the day they judge at. A refresh flags its counties'' rows (requested; row-level security limits a role to its counties) and holds their row locks until it commits, so two refreshes of one county run one after the other.';
COMMENT ON COLUMN result_refreshes.county_code IS 'County';
COMMENT ON COLUMN result_refreshes.refreshed_at IS 'When its results were last stored; NULL when never';
COMMENT ON COLUMN result_refreshes.as_of IS 'The day they judge at (results_as_of())';
COMMENT ON COLUMN result_refreshes.requested IS 'true while a refresh of this transaction is asked for';
COMMENT ON COLUMN result_refreshes.requested_xact IS 'The transaction that wrote the row (set by trigger, whatever the writer gives)';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION result_refreshes_stamp(
COMMENT ON FUNCTION result_refreshes_stamp() IS
  'Trigger on result_refreshes only: stamps a flagged row with the transaction that flags it, so that a refresh recomputes only what its own transaction asked for.';
CREATE TRIGGER result_refreshes_stamp BEFORE INSERT OR UPDATE ON result_refreshes
	FOR EACH ROW EXECUTE FUNCTION result_refreshes_stamp();
COMMENT ON TRIGGER result_refreshes_stamp ON result_refreshes IS
  'Stamps a flagged row with the flagging transaction (requested_xact)';

ALTER TABLE result_refreshes ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_refreshes_read ON result_refreshes FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
-- @copy sql/80_results.sql CREATE POLICY result_refreshes_request ON result_refreshes FOR ALL TO mineconsol_editor, mineconsol_admin
COMMENT ON POLICY result_refreshes_read ON result_refreshes IS 'A county''s refresh status for its county; all for the city and the inspectors';
COMMENT ON POLICY result_refreshes_request ON result_refreshes IS 'County staff ask for the refresh of the counties they write only (a reader mapping gives none); the city for every county';

-- Computes and stores the results of the counties this transaction flagged
-- in result_refreshes.  Runs as the owner (SECURITY DEFINER): a verdict is
-- computed from the whole registry (every zone, neighbour and holder), the
-- same whoever asks, and no county role may write the result tables.  It
-- judges at results_as_of(), whatever the caller's mineconsol.as_of (the SET
-- clause keeps the change inside the function).
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION refresh_requested_results(
COMMENT ON FUNCTION refresh_requested_results() IS
  'Internal to refresh_results(): recomputes, from the whole registry and at results_as_of(), the stored results of exactly the counties this transaction flagged in result_refreshes, replaces theirs, and returns how many mines and clusters it stored. Runs as the owner; a role can only flag the counties it writes.';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION refresh_results(
COMMENT ON FUNCTION refresh_results(boolean) IS
  'Recomputes the stored verdicts (disposition_results) and merge plan (merge_plan_results) that the v_* views read, for the caller''s counties (every county for the city), and returns how many mines and clusters it stored. Every verdict is computed from the whole registry at results_as_of(), never at the session''s mineconsol.as_of, so it is the same whoever refreshes. A second refresh of the same county waits for the first to commit. With only_stale (the default) only the counties results_status says are stale. For the city and county staff, or pg_cron.';

GRANT SELECT ON results_as_of, result_refreshes
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT, UPDATE, DELETE ON results_as_of TO mineconsol_admin;
GRANT INSERT (county_code, requested), UPDATE (requested) ON result_refreshes TO mineconsol_editor, mineconsol_admin;

-- refresh_requested_results() runs as the owner: it finds only pg_catalog,
-- mineconsol and PostGIS (pg_temp last), and only the roles that may ask
-- for a refresh may call it.
-- @copy sql/80_results.sql DO $pin$
REVOKE ALL ON FUNCTION refresh_requested_results() FROM PUBLIC;
REVOKE ALL ON FUNCTION result_refreshes_stamp() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refresh_requested_results() TO mineconsol_editor, mineconsol_admin;

SELECT pg_extension_config_dump('results_as_of', '');
SELECT pg_extension_config_dump('result_refreshes', '');
GRANT INSERT, UPDATE, DELETE ON duties TO mineconsol_admin;

-- Freshness: what made a county's results stale, and the view that says so.
-- What made a county's stored results stale: one row per change, written in
-- the transaction of the edit by statement triggers that run as the editor
-- (no SECURITY DEFINER).  Rows are only ever inserted by editors, so two
-- counties' transactions, or two of one county, never wait for each other
-- (no row is updated by every edit); refresh_requested_results(), as the
-- owner, deletes the rows of the counties it recomputes, and only the rows
-- its snapshot sees: a change committed meanwhile keeps its county stale.
-- Row-level security lets an editor add rows for the counties it writes only
-- (its triggers mark nothing else) and nobody but the owner delete any.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE result_changes (
CREATE INDEX result_changes_county_idx ON result_changes (county_code);
COMMENT ON TABLE result_changes IS
  'Changes since the last refresh_results() of a county that can change its verdicts: one row per edited table and statement, written by triggers in the edit''s transaction, deleted by the refresh that recomputes the county.';
COMMENT ON COLUMN result_changes.county_code IS 'The county whose results the change makes stale';
COMMENT ON COLUMN result_changes.cause IS 'What changed, e.g. ''mines update'' or ''parameters update''';
COMMENT ON COLUMN result_changes.changed_at IS 'Start of the changing transaction';
COMMENT ON COLUMN result_changes.changed_by IS 'The role that made the change';

ALTER TABLE result_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_changes_read ON result_changes FOR SELECT
	USING (county_in(county_code, (SELECT sees_all_counties()), (SELECT my_counties())));
CREATE POLICY result_changes_mark ON result_changes FOR INSERT TO mineconsol_editor, mineconsol_admin
	WITH CHECK (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())));
COMMENT ON POLICY result_changes_read ON result_changes IS 'A county''s changes for its county; all for the city and the inspectors';
COMMENT ON POLICY result_changes_mark ON result_changes IS 'An edit marks only counties its role writes; nobody but the extension deletes a mark';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION mark_results_stale(
COMMENT ON FUNCTION mark_results_stale() IS
  'Statement trigger on mines, violations, zones, parameters and scale_thresholds: records in result_changes, as the editor and in its transaction, the counties whose stored results the statement can change.';
CREATE TRIGGER mines_results_stale_insert AFTER INSERT ON mines
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER mines_results_stale_update AFTER UPDATE ON mines
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER mines_results_stale_delete AFTER DELETE ON mines
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER mines_results_stale_truncate AFTER TRUNCATE ON mines
	FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER violations_results_stale_insert AFTER INSERT ON violations
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER violations_results_stale_update AFTER UPDATE ON violations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER violations_results_stale_delete AFTER DELETE ON violations
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER violations_results_stale_truncate AFTER TRUNCATE ON violations
	FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER zones_results_stale_insert AFTER INSERT ON zones
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER zones_results_stale_update AFTER UPDATE ON zones
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER zones_results_stale_delete AFTER DELETE ON zones
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER zones_results_stale_truncate AFTER TRUNCATE ON zones
	FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER parameters_results_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON parameters
	FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
CREATE TRIGGER scale_thresholds_results_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scale_thresholds
	FOR EACH STATEMENT EXECUTE FUNCTION mark_results_stale();
COMMENT ON TRIGGER mines_results_stale_insert ON mines IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER mines_results_stale_update ON mines IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER mines_results_stale_delete ON mines IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER mines_results_stale_truncate ON mines IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER violations_results_stale_insert ON violations IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER violations_results_stale_update ON violations IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER violations_results_stale_delete ON violations IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER violations_results_stale_truncate ON violations IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER zones_results_stale_insert ON zones IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER zones_results_stale_update ON zones IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER zones_results_stale_delete ON zones IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER zones_results_stale_truncate ON zones IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER parameters_results_stale ON parameters IS 'Marks the stored results this statement can change as stale (result_changes)';
COMMENT ON TRIGGER scale_thresholds_results_stale ON scale_thresholds IS 'Marks the stored results this statement can change as stale (result_changes)';
REVOKE ALL ON FUNCTION mark_results_stale() FROM PUBLIC;
GRANT SELECT ON result_changes TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT (county_code, cause) ON result_changes TO mineconsol_editor, mineconsol_admin;

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE VIEW results_status WITH (
COMMENT ON VIEW results_status IS
  'Per county the caller may see: when its stored results were computed, the day they judge at, whether they are stale (never computed, judged at another day than results_as_of(), or changed since) and why. refresh_results() recomputes the stale ones.';
COMMENT ON COLUMN results_status.county_code IS 'County';
COMMENT ON COLUMN results_status.refreshed_at IS 'When its results were last stored; NULL when never';
COMMENT ON COLUMN results_status.as_of IS 'The day they judge at';
COMMENT ON COLUMN results_status.stale IS 'true when the stored results may differ from the live dispositions view: never computed, another day, or changes since';
COMMENT ON COLUMN results_status.stale_because IS 'What made them stale: ''never computed'', the day, and the kinds of change (e.g. ''mines update'')';
COMMENT ON COLUMN results_status.changes IS 'Number of changing statements since the last refresh';
COMMENT ON COLUMN results_status.changed_since IS 'When the first of them ran';
GRANT SELECT ON results_status TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;

-- v_county_progress gains results_stale and refreshed_at (appended).
-- @replace sql/80_results.sql CREATE VIEW v_county_progress WITH (
COMMENT ON COLUMN v_county_progress.results_stale IS 'The stored results the counts come from are stale (results_status.stale)';
COMMENT ON COLUMN v_county_progress.refreshed_at IS 'When they were computed';

-- v_department_tasks: a C5 mine whose term has ended exits now (natural
-- resources); a kept mine whose licence expired for another reason needs it renewed.
CREATE OR REPLACE VIEW v_department_tasks WITH (security_invoker = true) AS
WITH tasks AS (
	-- Each workflow row's next stage, by the department that must reach it.
	SELECT du.department, r.track || ': ' || nx.to_stage AS task, r.county_code,
		   r.track, r.row_id, r.mine_id, d.due,
		   format('%s %s is at %s; next: %s', r.track, r.row_id, r.stage, nx.to_stage) AS detail
	  FROM track_rows r
	  JOIN stage_transitions nx ON nx.track = r.track AND nx.from_stage = r.stage
	  LEFT JOIN duties du ON du.track = r.track AND du.stage = nx.to_stage
	  LEFT JOIN open_deadlines d ON d.track = r.track AND d.row_id = r.row_id AND d.due_stage = nx.to_stage
	 WHERE du.department IS NOT NULL
	UNION ALL
	-- Verdicts that call a department in (五(二)).
	SELECT dep, task, x.county_code, 'mine', x.mine_id, x.mine_id, NULL::date, detail
	  FROM (SELECT r.county_code, r.mine_id, m.safety_ok, m.eco_ok, m.mineral, r.rules, r.disposition,
				   r.reasons, m.valid_to, r.as_of, m.licensed_by
			  FROM disposition_results r JOIN mines m ON m.id = r.mine_id) x
	 CROSS JOIN LATERAL (VALUES
		('emergency management', 'unsafe mine: rectify or propose closure (C3)',
		 NOT x.safety_ok AND x.disposition IN ('rectify', 'close')),
		('emergency management', 'mines closer than the safety distance: propose the merge (L2)',
		 'L2' = ANY (x.rules)),
		('ecology and environment', 'mine that damages ecology or pollutes: rectify or propose closure (C3)',
		 NOT x.eco_ok AND x.disposition IN ('rectify', 'close')),
		('water resources', 'river-sand mine: survey and public sale within the river channel',
		 x.mineral ~ '河砂|河道'),
		('discipline inspection', 'suspected fake consolidation or one ore body under several licences (L1)',
		 'L1' = ANY (x.rules)),
		('natural resources', 'refer to the protected area''s authority (C4)',
		 x.disposition = 'refer'),
		('natural resources', 'licence term ended: close the mine and see it exit now (C5)',
		 x.disposition = 'exit_at_term' AND x.valid_to < x.as_of),
		('natural resources', format('renew the expired licence (延续): issued by the %s', x.licensed_by),
		 'LX' = ANY (x.rules) AND x.disposition IN ('merge_retain', 'retain', 'rectify'))
	 ) AS t(dep, task, applies)
	 CROSS JOIN LATERAL (SELECT array_to_string(x.reasons, '; ') AS detail) dd
	 WHERE t.applies
)
SELECT row_number() OVER (ORDER BY t.department, t.county_code, t.due NULLS LAST, t.track, t.row_id) AS id,
	   t.department, t.task, t.county_code, c.name AS county_name, t.track, t.row_id,
	   t.mine_id, m.name AS mine_name, t.due, t.detail
  FROM tasks t
  JOIN counties c ON c.code = t.county_code
  LEFT JOIN mines m ON m.id = t.mine_id;
