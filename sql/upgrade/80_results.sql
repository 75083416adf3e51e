-- Stored results (sql/80_results.sql): written only by the extension, read by
-- county; refresh_results(only_stale) computes from the whole registry at
-- the city's date (results_as_of) and locks per county.

REVOKE INSERT, DELETE ON disposition_results, merge_plan_results FROM mineconsol_editor, mineconsol_admin;
DROP POLICY disposition_results_county ON disposition_results;
DROP POLICY merge_plan_results_county ON merge_plan_results;
-- @copy sql/80_results.sql CREATE POLICY disposition_results_county ON disposition_results FOR SELECT .. COMMENT ON POLICY merge_plan_results_county
-- @copy sql/80_results.sql COMMENT ON TABLE disposition_results IS

-- What the merged areas were computed from, so that an incremental refresh
-- can keep them.
ALTER TABLE merge_plan_results ADD COLUMN members_digest text;
-- @copy sql/80_results.sql COMMENT ON COLUMN merge_plan_results.members_digest IS

-- Per-county counts of the stored verdicts, which v_county_progress reads.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE county_results ( .. GRANT SELECT ON county_results TO
-- The counts of what 0.1.0 stored, so that v_county_progress shows them until the next refresh.
INSERT INTO county_results (county_code, mines, mines_before, mines_after, mines_exiting, large_medium_after, scale_unknown_after)
SELECT r.county_code, count(*),
	   count(*) FILTER (WHERE r.in_scope),
	   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify')),
	   count(*) FILTER (WHERE r.disposition IN ('exit_at_term', 'mine_out_then_exit')),
	   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify') AND r.scale_class IN ('large', 'medium')),
	   count(*) FILTER (WHERE r.disposition IN ('merge_retain', 'retain', 'rectify') AND r.scale_class = 'unknown')
  FROM disposition_results r
 WHERE r.mineral_group = 'sand_gravel_clay'
 GROUP BY r.county_code;
SELECT pg_extension_config_dump('county_results', '');

-- Rows that are not what the extension computed (a county's forged verdict
-- for another county's mine) go; the rest stay until the next refresh.
DELETE FROM disposition_results r USING mines m WHERE m.id = r.mine_id AND r.county_code <> m.county_code;

DROP FUNCTION refresh_results();

-- The day stored results judge at: one date for the whole city, set by the
-- city (mineconsol_admin), never a session's mineconsol.as_of.  No row: today.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE results_as_of (
CREATE UNIQUE INDEX results_as_of_one_row ON results_as_of ((true));
-- @copy sql/80_results.sql COMMENT ON TABLE results_as_of IS
COMMENT ON COLUMN results_as_of.as_of IS 'The day (2000-01-01 .. 2100-12-31)';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION results_as_of(
-- @copy sql/80_results.sql COMMENT ON FUNCTION results_as_of(

-- One row per county whose results were ever asked for: when they were last
-- computed, and the row a refresh locks.  A refresh asks for its counties by
-- flagging their rows (requested) as the caller, so row-level security
-- decides which counties a role may refresh; refresh_requested_results()
-- then recomputes exactly the rows this transaction flagged.  The row locks
-- serialise two refreshes of one county; refreshes of different counties
-- never wait for each other, and the city's takes the rows in key order.
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE TABLE result_refreshes (
-- @copy sql/80_results.sql COMMENT ON TABLE result_refreshes IS
-- @copy sql/80_results.sql COMMENT ON COLUMN result_refreshes.county_code IS .. COMMENT ON COLUMN result_refreshes.requested_full IS

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION result_refreshes_stamp(
-- @copy sql/80_results.sql COMMENT ON FUNCTION result_refreshes_stamp(
-- @copy sql/80_results.sql CREATE TRIGGER result_refreshes_stamp BEFORE INSERT OR UPDATE ON result_refreshes
-- @copy sql/80_results.sql COMMENT ON TRIGGER result_refreshes_stamp ON result_refreshes IS

ALTER TABLE result_refreshes ENABLE ROW LEVEL SECURITY;
-- @copy sql/80_results.sql CREATE POLICY result_refreshes_read ON result_refreshes FOR SELECT .. COMMENT ON POLICY result_refreshes_request

-- Computes and stores the results of the counties this transaction flagged
-- in result_refreshes.  Runs as the owner (SECURITY DEFINER): a verdict is
-- computed from the whole registry (every zone, neighbour and holder), the
-- same whoever asks, and no county role may write the result tables.  It
-- judges at results_as_of(), whatever the caller's mineconsol.as_of (the SET
-- clause keeps the change inside the function).
-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION refresh_requested_results(
-- @copy sql/80_results.sql COMMENT ON FUNCTION refresh_requested_results(

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION refresh_results(
-- @copy sql/80_results.sql COMMENT ON FUNCTION refresh_results(

-- @copy sql/80_results.sql GRANT SELECT ON results_as_of, result_refreshes
GRANT INSERT, UPDATE, DELETE ON results_as_of TO mineconsol_admin;
GRANT INSERT (county_code, requested, requested_full), UPDATE (requested, requested_full) ON result_refreshes TO mineconsol_editor, mineconsol_admin;

-- refresh_requested_results() runs as the owner (its search path is pinned
-- below, to pg_catalog, mineconsol and PostGIS, pg_temp last), and only the
-- roles that may ask for a refresh may call it.

-- @copy sql/80_results.sql REVOKE ALL ON FUNCTION refresh_requested_results( .. GRANT INSERT, UPDATE, DELETE ON duties TO mineconsol_admin;

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
-- @copy sql/80_results.sql COMMENT ON TABLE result_changes IS
-- @copy sql/80_results.sql COMMENT ON COLUMN result_changes.county_code IS .. ALTER TABLE result_changes ENABLE ROW LEVEL SECURITY;
-- @copy sql/80_results.sql CREATE POLICY result_changes_read ON result_changes FOR SELECT
-- @copy sql/80_results.sql CREATE POLICY result_changes_mark ON result_changes FOR INSERT TO mineconsol_editor, mineconsol_admin
COMMENT ON POLICY result_changes_read ON result_changes IS 'A county''s changes for its county; all for the city and the inspectors';
COMMENT ON POLICY result_changes_mark ON result_changes IS 'An edit marks only counties its role writes; nobody but the extension deletes a mark';

-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE FUNCTION mark_results_stale(
-- @copy sql/80_results.sql COMMENT ON FUNCTION mark_results_stale(
-- @copy sql/80_results.sql CREATE TRIGGER mines_results_stale_insert AFTER INSERT ON mines
-- @copy sql/80_results.sql CREATE TRIGGER mines_results_stale_update AFTER UPDATE ON mines
-- @copy sql/80_results.sql CREATE TRIGGER mines_results_stale_delete AFTER DELETE ON mines
-- @copy sql/80_results.sql CREATE TRIGGER mines_results_stale_truncate AFTER TRUNCATE ON mines
-- @copy sql/80_results.sql CREATE TRIGGER violations_results_stale_insert AFTER INSERT ON violations
-- @copy sql/80_results.sql CREATE TRIGGER violations_results_stale_update AFTER UPDATE ON violations
-- @copy sql/80_results.sql CREATE TRIGGER violations_results_stale_delete AFTER DELETE ON violations
-- @copy sql/80_results.sql CREATE TRIGGER violations_results_stale_truncate AFTER TRUNCATE ON violations
-- @copy sql/80_results.sql CREATE TRIGGER zones_results_stale_insert AFTER INSERT ON zones
-- @copy sql/80_results.sql CREATE TRIGGER zones_results_stale_update AFTER UPDATE ON zones
-- @copy sql/80_results.sql CREATE TRIGGER zones_results_stale_delete AFTER DELETE ON zones
-- @copy sql/80_results.sql CREATE TRIGGER zones_results_stale_truncate AFTER TRUNCATE ON zones
-- @copy sql/80_results.sql CREATE TRIGGER parameters_results_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON parameters
-- @copy sql/80_results.sql CREATE TRIGGER scale_thresholds_results_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scale_thresholds
-- @copy sql/80_results.sql COMMENT ON TRIGGER mines_results_stale_insert ON mines IS .. GRANT INSERT (county_code, ore_body, cause) ON result_changes TO mineconsol_editor, mineconsol_admin;
-- (The range above holds mark_holder_neighbours_stale() and its triggers
-- too: L1 across counties.)  Both owner-run functions' search path:
-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.refresh_requested_results();mineconsol.mark_holder_neighbours_stale()"


-- Availability: 0.2.0
-- @copy sql/80_results.sql CREATE VIEW results_status WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW results_status IS
-- @copy sql/80_results.sql COMMENT ON COLUMN results_status.county_code IS .. GRANT SELECT ON results_status TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;

-- v_county_progress gains results_stale and refreshed_at (appended).
-- @replace sql/80_results.sql CREATE VIEW v_county_progress WITH (
COMMENT ON COLUMN v_county_progress.results_stale IS 'The stored results the counts come from are stale (results_status.stale)';
COMMENT ON COLUMN v_county_progress.refreshed_at IS 'When they were computed';

-- v_department_tasks (the expired-licence tasks of C5 and renewal) is
-- replaced once, in its final form, by 96_i18n.sql.
