-- Results for reporting tools (五(二), 五(五)): the verdicts and the merge plan
-- as of the last refresh_results(), and the v_* views that QGIS, GDAL and BI
-- tools read.  Classifying a city is a computation (mine_facts runs
-- merge_cluster over every county); the views read its stored result, so they
-- answer in milliseconds and every tool sees the same run.  Geometry columns
-- carry their type and the working SRID (4547), and every view has an id
-- column that GIS clients can use as a key.

-- Availability: 0.1.0
CREATE TABLE disposition_results (
	mine_id          bigint PRIMARY KEY REFERENCES mines (id) ON DELETE CASCADE,
	county_code      text NOT NULL,
	in_scope         boolean NOT NULL,
	mineral_group    text NOT NULL,
	disposition      disposition NOT NULL,
	rules            text[] NOT NULL,
	reasons          text[] NOT NULL,
	cluster_id       integer,
	retained_mine_id bigint,
	scale_class      text NOT NULL,
	as_of            date NOT NULL,
	refreshed_at     timestamptz NOT NULL DEFAULT now(),
	reason_args      jsonb, -- Availability: 0.2.0
	ore_body         text   -- Availability: 0.2.0
);
-- A refresh replaces the verdicts of a county's ore body (0.2.0: ore_body).
CREATE INDEX disposition_results_county_idx ON disposition_results (county_code, ore_body);
COMMENT ON TABLE disposition_results IS
  'Every mine''s verdict as of the last refresh_results() of its county, computed from the whole registry at results_as_of(); written only by the extension, read by county (with the mine). Read by the v_* views.';
COMMENT ON COLUMN disposition_results.mine_id IS 'The mine, mineconsol.mines';
COMMENT ON COLUMN disposition_results.county_code IS 'Its county';
COMMENT ON COLUMN disposition_results.in_scope IS 'In the programme''s scope (mine_facts.in_scope)';
COMMENT ON COLUMN disposition_results.mineral_group IS '''sand_gravel_clay'' (counted by target T1) or ''other''';
COMMENT ON COLUMN disposition_results.disposition IS 'Decisive disposition';
COMMENT ON COLUMN disposition_results.rules IS 'Every matched rule code, decisive first';
COMMENT ON COLUMN disposition_results.reasons IS 'One reason per rule code, in English (render_reasons() gives them in the reader''s language)';
COMMENT ON COLUMN disposition_results.cluster_id IS 'Merge cluster within the county; NULL when in none';
COMMENT ON COLUMN disposition_results.retained_mine_id IS 'The cluster''s retained mine';
COMMENT ON COLUMN disposition_results.scale_class IS 'Scale class after consolidation: the merged mine''s for a retained mine, the mine''s own otherwise';
COMMENT ON COLUMN disposition_results.as_of IS 'The day the verdict judged at';
COMMENT ON COLUMN disposition_results.refreshed_at IS 'When refresh_results() computed it';
COMMENT ON COLUMN disposition_results.reason_args IS 'What each reason says, language-free (reason_args()): rendered at read time; NULL for a verdict stored by 0.1.0';
COMMENT ON COLUMN disposition_results.ore_body IS 'The mine''s ore body when the verdict was computed: a refresh that recomputes an ore body replaces these rows';

-- Availability: 0.1.0
CREATE TABLE merge_plan_results (
	county_code      text NOT NULL,
	cluster_id       integer NOT NULL,
	ore_body         text,
	retained_mine_id bigint,
	note             text,
	member_ids       bigint[] NOT NULL,
	geom             geometry(MultiPolygon) NOT NULL,
	gap_geom         geometry(MultiPolygon) NOT NULL,
	total_reserves_t numeric,
	total_area_km2   double precision,
	scale_class      text NOT NULL,
	reaches_medium   boolean,
	as_of            date NOT NULL,
	refreshed_at     timestamptz NOT NULL DEFAULT now(),
	members_digest   text,  -- Availability: 0.2.0
	PRIMARY KEY (county_code, cluster_id)
);
COMMENT ON TABLE merge_plan_results IS
  'The merge plan (one row per cluster, columns of the merge_plan view) as of the last refresh_results(). Read by the v_* views.';
COMMENT ON COLUMN merge_plan_results.county_code IS 'County';
COMMENT ON COLUMN merge_plan_results.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN merge_plan_results.ore_body IS 'Ore body';
COMMENT ON COLUMN merge_plan_results.retained_mine_id IS 'The retained mine; NULL when every member is disqualified';
COMMENT ON COLUMN merge_plan_results.note IS 'Why there is no retained mine';
COMMENT ON COLUMN merge_plan_results.member_ids IS 'All members';
COMMENT ON COLUMN merge_plan_results.geom IS 'Merged area';
COMMENT ON COLUMN merge_plan_results.gap_geom IS 'Gap resources (夹缝资源)';
COMMENT ON COLUMN merge_plan_results.total_reserves_t IS 'Sum of the members'' reserves, t';
COMMENT ON COLUMN merge_plan_results.total_area_km2 IS 'Area of the merged area, km²';
COMMENT ON COLUMN merge_plan_results.scale_class IS 'Scale class of the merged mine';
COMMENT ON COLUMN merge_plan_results.reaches_medium IS 'L3: large or medium';
COMMENT ON COLUMN merge_plan_results.as_of IS 'The day the plan judged at';
COMMENT ON COLUMN merge_plan_results.refreshed_at IS 'When refresh_results() computed it';
COMMENT ON COLUMN merge_plan_results.members_digest IS 'MD5 of the members'' ids and areas and the merge distance: an incremental refresh keeps geom and gap_geom while it is unchanged';

-- Stored results are facts about the registry, not about who computed them:
-- only the extension writes them (refresh_requested_results(), as the
-- owner, from every mine, zone and holder), and every role reads the rows of
-- its own counties: a verdict with its mine, a cluster with its county.
ALTER TABLE disposition_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE merge_plan_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY disposition_results_county ON disposition_results FOR SELECT
	USING ((SELECT sees_all_counties()) OR EXISTS (SELECT 1 FROM mines m WHERE m.id = disposition_results.mine_id));
COMMENT ON POLICY disposition_results_county ON disposition_results IS 'A stored verdict is read with its mine (the mine''s county); all for the city and the inspectors. Only refresh_results() writes';
CREATE POLICY merge_plan_results_county ON merge_plan_results FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
COMMENT ON POLICY merge_plan_results_county ON merge_plan_results IS 'A stored cluster is read by its county; all for the city and the inspectors. Only refresh_results() writes';

-- Per-county counts of the stored verdicts, which v_county_progress reads
-- instead of counting a million rows each time; written by the refresh in the
-- transaction that stores the verdicts.
-- Availability: 0.2.0
CREATE TABLE county_results (
	county_code         text PRIMARY KEY,
	mines               bigint NOT NULL,
	mines_before        bigint NOT NULL,
	mines_after         bigint NOT NULL,
	mines_exiting       bigint NOT NULL,
	large_medium_after  bigint NOT NULL,
	scale_unknown_after bigint NOT NULL
);
COMMENT ON TABLE county_results IS
  'Per county, the counts of its stored sand, gravel, stone and clay verdicts (disposition_results) that v_county_progress shows; kept by refresh_results() in the same transaction, read by county.';
COMMENT ON COLUMN county_results.county_code IS 'County';
COMMENT ON COLUMN county_results.mines IS 'Stored verdicts of sand/gravel/clay mines';
COMMENT ON COLUMN county_results.mines_before IS 'Of which in scope';
COMMENT ON COLUMN county_results.mines_after IS 'Of which kept: merge_retain, retain, rectify';
COMMENT ON COLUMN county_results.mines_exiting IS 'Of which exiting later under C5';
COMMENT ON COLUMN county_results.large_medium_after IS 'Kept mines of large or medium scale';
COMMENT ON COLUMN county_results.scale_unknown_after IS 'Kept mines of unknown scale';
ALTER TABLE county_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY county_results_county ON county_results FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
COMMENT ON POLICY county_results_county ON county_results IS 'A county''s counts for its county; all for the city and the inspectors. Only refresh_results() writes';
GRANT SELECT ON county_results TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;

-- The day stored results judge at: one date for the whole city, set by the
-- city (mineconsol_admin), never a session's mineconsol.as_of.  No row: today.
-- Availability: 0.2.0
CREATE TABLE results_as_of (
	as_of date NOT NULL
	      CONSTRAINT results_as_of_range CHECK (as_of BETWEEN '2000-01-01' AND '2100-12-31')
);
CREATE UNIQUE INDEX results_as_of_one_row ON results_as_of ((true));
COMMENT ON TABLE results_as_of IS
  'The day refresh_results() judges every stored verdict at, for the whole city: at most one row, maintained by the city (mineconsol_admin); with no row, the day of the refresh. A session''s mineconsol.as_of never reaches stored results. Config table: survives pg_dump.';
COMMENT ON COLUMN results_as_of.as_of IS 'The day (2000-01-01 .. 2100-12-31)';

-- Availability: 0.2.0
CREATE FUNCTION results_as_of() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN COALESCE((SELECT r.as_of FROM mineconsol.results_as_of r), CURRENT_DATE);
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
CREATE TABLE result_refreshes (
	county_code    text PRIMARY KEY REFERENCES counties (code) ON DELETE CASCADE,
	refreshed_at   timestamptz,
	as_of          date,
	requested      boolean NOT NULL DEFAULT false,
	requested_xact xid8,
	requested_full boolean NOT NULL DEFAULT false  -- Availability: 0.2.0
);
COMMENT ON TABLE result_refreshes IS
  'Per county: when refresh_results() last stored its results and the day they judge at. A refresh flags its counties'' rows (requested; row-level security limits a role to its counties) and holds their row locks until it commits, so two refreshes of one county run one after the other.';
COMMENT ON COLUMN result_refreshes.county_code IS 'County';
COMMENT ON COLUMN result_refreshes.refreshed_at IS 'When its results were last stored; NULL when never';
COMMENT ON COLUMN result_refreshes.as_of IS 'The day they judge at (results_as_of())';
COMMENT ON COLUMN result_refreshes.requested IS 'true while a refresh of this transaction is asked for';
COMMENT ON COLUMN result_refreshes.requested_xact IS 'The transaction that wrote the row (set by trigger, whatever the writer gives)';
COMMENT ON COLUMN result_refreshes.requested_full IS 'true while a full refresh (refresh_results(false)) is asked for: every cluster''s areas are computed again, none reused';

-- Availability: 0.2.0
CREATE FUNCTION result_refreshes_stamp() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF TG_RELID <> 'mineconsol.result_refreshes'::regclass OR TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW'
	   OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('result_refreshes_stamp() fires only BEFORE INSERT OR UPDATE of each row of mineconsol.result_refreshes'),
			ERRCODE = 'trigger_protocol_violated';
	END IF;
	NEW.requested_xact := CASE WHEN NEW.requested THEN pg_current_xact_id() END;
	RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION result_refreshes_stamp() IS
  'Trigger on result_refreshes only: stamps a flagged row with the transaction that flags it, so that a refresh recomputes only what its own transaction asked for.';
CREATE TRIGGER result_refreshes_stamp BEFORE INSERT OR UPDATE ON result_refreshes
	FOR EACH ROW EXECUTE FUNCTION result_refreshes_stamp();
COMMENT ON TRIGGER result_refreshes_stamp ON result_refreshes IS
  'Stamps a flagged row with the flagging transaction (requested_xact)';

ALTER TABLE result_refreshes ENABLE ROW LEVEL SECURITY;
CREATE POLICY result_refreshes_read ON result_refreshes FOR SELECT
	USING ((SELECT sees_all_counties()) OR county_code = ANY ((SELECT my_counties())::text[]));
CREATE POLICY result_refreshes_request ON result_refreshes FOR ALL TO mineconsol_editor, mineconsol_admin
	USING (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())))
	WITH CHECK (county_in(county_code, (SELECT writes_all_counties()), (SELECT my_write_counties())));
COMMENT ON POLICY result_refreshes_read ON result_refreshes IS 'A county''s refresh status for its county; all for the city and the inspectors';
COMMENT ON POLICY result_refreshes_request ON result_refreshes IS 'County staff ask for the refresh of the counties they write only (a reader mapping gives none); the city for every county';

-- What made a county's stored results stale: one row per change, written in
-- the transaction of the edit: as the editor by mark_results_stale(), as
-- the owner by mark_holder_neighbours_stale() (L1 across counties) and by
-- rebuild_zone_relations().  Rows are only ever inserted by edits, so two
-- counties' transactions, or two of one county, never wait for each other
-- (no row is updated by every edit); refresh_requested_results(), as the
-- owner, deletes the rows of the counties it recomputes, and only the rows
-- its snapshot sees: a change committed meanwhile keeps its county stale.
-- Row-level security lets an editor add rows for the counties it writes only
-- (its triggers mark nothing else) and nobody but the owner delete any.
-- Availability: 0.2.0
CREATE TABLE result_changes (
	county_code text NOT NULL,
	ore_body    text CHECK (octet_length(ore_body) <= 200),
	cause       text NOT NULL,
	changed_at  timestamptz NOT NULL DEFAULT now(),
	changed_by  name NOT NULL DEFAULT current_user
);
CREATE INDEX result_changes_county_idx ON result_changes (county_code);
COMMENT ON TABLE result_changes IS
  'Changes since the last refresh_results() of a county that can change its verdicts: one row per edited table and statement, written by triggers in the edit''s transaction, deleted by the refresh that recomputes the county.';
COMMENT ON COLUMN result_changes.county_code IS 'The county whose results the change makes stale';
COMMENT ON COLUMN result_changes.ore_body IS 'The ore body of that county whose mines it makes stale; NULL: every mine of the county';
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
CREATE FUNCTION mark_results_stale() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
	cause text := TG_TABLE_NAME || ' ' || pg_catalog.lower(TG_OP);
	changed text;
BEGIN
	IF TG_WHEN <> 'AFTER' OR TG_LEVEL <> 'STATEMENT'
	   OR TG_RELID NOT IN ('mineconsol.mines'::regclass, 'mineconsol.violations'::regclass,
						   'mineconsol.zones'::regclass, 'mineconsol.parameters'::regclass,
						   'mineconsol.scale_thresholds'::regclass) THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('mark_results_stale() fires only AFTER each statement on mineconsol.mines, violations, zones, parameters or scale_thresholds'),
				  ERRCODE = 'trigger_protocol_violated',
				  DETAIL = format(mineconsol.tr('It was fired %1$s %2$s on %3$s.'), TG_WHEN, TG_LEVEL, TG_RELID::regclass);
	END IF;
	IF TG_TABLE_NAME IN ('parameters', 'scale_thresholds') OR TG_OP = 'TRUNCATE' THEN
		-- Every county judges with them: every mine of it.
		INSERT INTO mineconsol.result_changes (county_code, ore_body, cause)
		SELECT c.code, NULL, cause FROM mineconsol.counties c;
		RETURN NULL;
	END IF;
	-- The rows the statement changed: before, after, or both (an update;
	-- a mine that moves county or ore body marks both).  The transition
	-- tables are visible to EXECUTE; only these fixed names are put in.
	changed := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
				 ELSE '(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows)' END;
	-- The county and ore body of each mine they concern (a mine without
	-- ore body: its whole county, NULL): the mine itself; a violation's mine
	-- (a violation deleted with its mine leaves that to the mine's own
	-- mark); the mines a zone's area meets (a superset of those
	-- mine_zone_relations relates it to; only the city writes zones, and it
	-- sees every mine).
	EXECUTE pg_catalog.format('INSERT INTO mineconsol.result_changes (county_code, ore_body, cause) '
						  'SELECT DISTINCT m.county_code, m.ore_body, $1 FROM %s',
						  CASE TG_TABLE_NAME
						WHEN 'mines' THEN changed || ' m'
						WHEN 'violations' THEN changed || ' v JOIN mineconsol.mines m ON m.id = v.mine_id'
						ELSE changed || ' z JOIN mineconsol.mines m ON ST_Intersects(m.geom, z.geom)' END)
	  USING cause;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mark_results_stale() IS
  'Statement trigger on mines, violations, zones, parameters and scale_thresholds: records in result_changes, as the editor and in its transaction, the counties and ore bodies whose stored results the statement can change.';
-- @template sql/templates/statement_triggers.sql TABLE=mines NAME=results_stale FUNCTION=mark_results_stale OLD=old_rows NEW=new_rows
-- @template sql/templates/statement_triggers.sql TABLE=violations NAME=results_stale FUNCTION=mark_results_stale OLD=old_rows NEW=new_rows
-- @template sql/templates/statement_triggers.sql TABLE=zones NAME=results_stale FUNCTION=mark_results_stale OLD=old_rows NEW=new_rows
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

-- L1 reaches across counties: a mine's verdict names the same holder's
-- licences on its ore body within the merge distance, in any county.  An
-- editor cannot see, or mark, another county's mines, so this trigger runs
-- as the owner and marks the county and ore body of every such licence in
-- another county, before and after the edit.  It fires only where it is
-- attached (mines) and inserts marks only; nobody else may attach it.
-- Two edits of one holder's licences in two counties at once could each
-- miss the other's (uncommitted) licence: each takes its holders' rows of
-- holder_locks first, so the second waits for the first and then looks
-- again (a new snapshot; under REPEATABLE READ the wait ends in 40001).
-- Availability: 0.2.0
CREATE TABLE holder_locks (
	holder_uscc uscc PRIMARY KEY
);
ALTER TABLE holder_locks ENABLE ROW LEVEL SECURITY;
COMMENT ON TABLE holder_locks IS
  'One row per holder whose licences an edit has touched: mark_holder_neighbours_stale() locks them, so that two counties'' edits of one holder''s licences are marked one after the other. Nobody but the extension reads or writes it.';
COMMENT ON COLUMN holder_locks.holder_uscc IS 'The holder';

-- Availability: 0.2.0
CREATE FUNCTION mark_holder_neighbours_stale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET mineconsol.simulate_parameters = ''
AS $fn$
DECLARE
	changed text;
	holders mineconsol.uscc[];
BEGIN
	PERFORM mineconsol.owner_search_path_check();
	IF TG_RELID OPERATOR(pg_catalog.<>) 'mineconsol.mines'::pg_catalog.regclass
	   OR TG_WHEN OPERATOR(pg_catalog.<>) 'AFTER' OR TG_LEVEL OPERATOR(pg_catalog.<>) 'STATEMENT'
	   OR TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('mark_holder_neighbours_stale() fires only AFTER each INSERT, UPDATE or DELETE statement on mineconsol.mines'::pg_catalog.text),
				  ERRCODE = 'trigger_protocol_violated',
				  DETAIL = pg_catalog.format(mineconsol.tr('It was fired %1$s %2$s on %3$s.'::pg_catalog.text), TG_WHEN, TG_LEVEL, TG_RELID::pg_catalog.regclass);
	END IF;
	-- The rows that can change another licence's L1: inserted, deleted, or
	-- updated in holder, ore body, county or area (before and after).
	changed := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows' ELSE $q$
		(SELECT v.* FROM old_rows x JOIN new_rows y ON y.id OPERATOR(pg_catalog.=) x.id
		  CROSS JOIN LATERAL (SELECT x.* UNION ALL SELECT y.*) v
		  WHERE (x.holder_uscc, x.ore_body, x.county_code) IS DISTINCT FROM (y.holder_uscc, y.ore_body, y.county_code)
			 OR x.geom IS DISTINCT FROM y.geom)$q$ END;
	EXECUTE pg_catalog.format($q$
		SELECT ARRAY(SELECT DISTINCT a.holder_uscc FROM %s a
					  WHERE a.holder_uscc IS NOT NULL AND a.ore_body IS NOT NULL ORDER BY 1)$q$, changed)
	   INTO holders;
	IF pg_catalog.cardinality(holders) OPERATOR(pg_catalog.=) 0 THEN
		RETURN NULL;
	END IF;
	INSERT INTO mineconsol.holder_locks (holder_uscc) SELECT h FROM pg_catalog.unnest(holders) h ON CONFLICT DO NOTHING;
	PERFORM FROM mineconsol.holder_locks l WHERE l.holder_uscc OPERATOR(mineconsol.=) ANY (holders)
	  ORDER BY l.holder_uscc FOR UPDATE;
	EXECUTE pg_catalog.format($q$
		INSERT INTO mineconsol.result_changes (county_code, ore_body, cause, changed_by)
		SELECT DISTINCT b.county_code, b.ore_body, $1, $2
		  FROM %s a
		  JOIN mineconsol.mines b
			ON b.holder_uscc OPERATOR(mineconsol.=) a.holder_uscc AND b.ore_body OPERATOR(pg_catalog.=) a.ore_body
		   AND b.county_code OPERATOR(pg_catalog.<>) a.county_code
		   AND ST_DWithin(a.geom, b.geom, mineconsol.param('merge_distance_m')::pg_catalog.float8)
		 WHERE a.holder_uscc IS NOT NULL AND a.ore_body IS NOT NULL
		$q$, changed)
	  USING 'mines ' OPERATOR(pg_catalog.||) pg_catalog.lower(TG_OP) OPERATOR(pg_catalog.||) ' (L1)', session_user;
	RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION mark_holder_neighbours_stale() IS
  'Statement trigger on mines, as the owner: marks stale (result_changes) the county and ore body of each licence of the same holder on the same ore body within the merge distance in another county (L1), before and after the edit.';
CREATE TRIGGER mines_results_stale_l1_insert AFTER INSERT ON mines
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_holder_neighbours_stale();
CREATE TRIGGER mines_results_stale_l1_update AFTER UPDATE ON mines
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_holder_neighbours_stale();
CREATE TRIGGER mines_results_stale_l1_delete AFTER DELETE ON mines
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mark_holder_neighbours_stale();
COMMENT ON TRIGGER mines_results_stale_l1_insert ON mines IS 'Marks stale the other counties'' licences of the same holder nearby (L1)';
COMMENT ON TRIGGER mines_results_stale_l1_update ON mines IS 'Marks stale the other counties'' licences of the same holder nearby (L1)';
COMMENT ON TRIGGER mines_results_stale_l1_delete ON mines IS 'Marks stale the other counties'' licences of the same holder nearby (L1)';
REVOKE ALL ON FUNCTION mark_holder_neighbours_stale() FROM PUBLIC;
GRANT SELECT ON result_changes TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT (county_code, ore_body, cause) ON result_changes TO mineconsol_editor, mineconsol_admin;

-- Availability: 0.2.0
CREATE VIEW results_status WITH (security_invoker = true) AS
SELECT c.code AS county_code, r.refreshed_at, r.as_of,
	   r.refreshed_at IS NULL OR r.as_of IS DISTINCT FROM results_as_of() OR ch.changes > 0 AS stale,
	   array_remove(ARRAY[
		   CASE WHEN r.refreshed_at IS NULL THEN 'never computed' END,
		   CASE WHEN r.refreshed_at IS NOT NULL AND r.as_of IS DISTINCT FROM results_as_of()
				THEN format('judged at %s, results are now judged at %s', to_char(r.as_of, 'YYYY-MM-DD'), to_char(results_as_of(), 'YYYY-MM-DD')) END],
		   NULL) || COALESCE(ch.causes, '{}') AS stale_because,
	   ch.changes,
	   ch.first_change AS changed_since,
	   CASE WHEN r.refreshed_at IS NOT NULL AND r.as_of = results_as_of() AND ch.changes > 0 AND NOT ch.whole
			THEN ch.ore_bodies END AS stale_ore_bodies
  FROM counties c
  LEFT JOIN result_refreshes r ON r.county_code = c.code
 CROSS JOIN LATERAL (
	SELECT count(*) AS changes, array_agg(DISTINCT x.cause ORDER BY x.cause) AS causes,
		   min(x.changed_at) AS first_change,
		   COALESCE(bool_or(x.ore_body IS NULL), false) AS whole,
		   array_agg(DISTINCT x.ore_body ORDER BY x.ore_body) AS ore_bodies
	  FROM result_changes x
	 WHERE x.county_code = c.code
 ) ch
 WHERE county_in(c.code, (SELECT sees_all_counties()), (SELECT my_counties()));
COMMENT ON VIEW results_status IS
  'Per county the caller may see: when its stored results were computed, the day they judge at, whether they are stale (never computed, judged at another day than results_as_of(), or changed since), why, and which ore bodies a refresh recomputes. refresh_results() recomputes the stale ones.';
COMMENT ON COLUMN results_status.county_code IS 'County';
COMMENT ON COLUMN results_status.refreshed_at IS 'When its results were last stored; NULL when never';
COMMENT ON COLUMN results_status.as_of IS 'The day they judge at';
COMMENT ON COLUMN results_status.stale IS 'true when the stored results may differ from the live dispositions view: never computed, another day, or changes since';
COMMENT ON COLUMN results_status.stale_because IS 'What made them stale: ''never computed'', the day, and the kinds of change (e.g. ''mines update'')';
COMMENT ON COLUMN results_status.changes IS 'Number of changing statements since the last refresh';
COMMENT ON COLUMN results_status.changed_since IS 'When the first of them ran';
COMMENT ON COLUMN results_status.stale_ore_bodies IS 'The ore bodies whose mines the next refresh recomputes, when the changes name them all; NULL when it recomputes the whole county (or nothing is stale)';
GRANT SELECT ON results_status TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;

-- Computes and stores the results of the counties this transaction flagged
-- in result_refreshes.  Runs as the owner (SECURITY DEFINER): a verdict is
-- computed from the whole registry (every zone, neighbour and holder), the
-- same whoever asks, and no county role may write the result tables.  It
-- judges at results_as_of(), whatever the caller's mineconsol.as_of (the SET
-- clause keeps the change inside the function).
--
-- County by county, in key order.  A county whose changes all name an ore
-- body (an edit of mines, violations or zones) recomputes the mines of
-- those ore bodies only: a mine's verdict depends on its own facts, its
-- zones, its holder's other licences and its county's clusters of its ore
-- body, and mine_facts_in() computes exactly those mines.  Anything else
-- (never computed, another day, parameters, a full refresh, a mine without
-- ore body) recomputes the whole county.
-- Availability: 0.2.0
CREATE FUNCTION refresh_requested_results(OUT mines bigint, OUT clusters bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET mineconsol.as_of = ''
SET mineconsol.simulate_parameters = ''
AS $fn$
DECLARE
	scope text[];
	counted text[] := '{}';
	whole text[] := '{}';		-- the counties recomputed whole
	this_county text;
	counties text[];			-- what one pass of the loop stores: these counties,
	ore_bodies text[];			-- their mines of these ore bodies (NULL: all),
	facts mineconsol.mine_facts[];	-- with these facts (NULL: from mine_facts_in())
	old_plans mineconsol.merge_plan_results[];
	d date;
	stored_mines bigint;
	stored_clusters bigint;
	-- For the counts (county_results): the verdicts a pass of some ore
	-- bodies removed and stored, which change its county's counts; and
	-- whether one was stored over a row no pass here removed (a mine that
	-- moved while two counties refresh), after which every count touched is
	-- counted again.
	removed mineconsol.disposition_results[] := '{}';
	added mineconsol.disposition_results[] := '{}';
	replaced boolean := false;
	any_replaced boolean;
	gone_rows mineconsol.disposition_results[];
	new_rows mineconsol.disposition_results[];
BEGIN
	-- Nobody but a superuser may own or create an operator or function where
	-- this search path looks (see owner_search_path_check()).
	PERFORM mineconsol.owner_search_path_check();
	scope := ARRAY(SELECT r.county_code FROM mineconsol.result_refreshes r
					WHERE r.requested AND r.requested_xact OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id()
					ORDER BY r.county_code);
	mines := 0;
	clusters := 0;
	d := mineconsol.results_as_of();
	PERFORM pg_catalog.set_config('mineconsol.as_of', pg_catalog.to_char(d, 'YYYY-MM-DD'), true);

	-- One pass per county that recomputes some ore bodies, then one pass for
	-- every county recomputed whole.
	FOR i IN 1 .. pg_catalog.cardinality(scope) OPERATOR(pg_catalog.+) 1 LOOP
		IF i OPERATOR(pg_catalog.<=) pg_catalog.cardinality(scope) THEN
			this_county := scope[i];
			-- The changes this refresh takes in: those its snapshot sees
			-- (deleted before the registry is read, so that none is lost),
			-- and from them the ore bodies to recompute.
			WITH taken AS (
				DELETE FROM mineconsol.result_changes c WHERE c.county_code = this_county
				RETURNING c.ore_body)
			SELECT CASE WHEN pg_catalog.count(*) OPERATOR(pg_catalog.>) 0 AND NOT pg_catalog.bool_or(t.ore_body IS NULL)
						THEN ARRAY(SELECT DISTINCT u.ore_body FROM taken u ORDER BY 1) END
			  INTO ore_bodies
			  FROM taken t;
			IF NOT EXISTS (SELECT FROM mineconsol.result_refreshes r
							WHERE r.county_code = this_county AND r.refreshed_at IS NOT NULL
							  AND r.as_of = d AND NOT r.requested_full) THEN
				ore_bodies := NULL;
			END IF;
			IF ore_bodies IS NOT NULL THEN
				-- The facts of those ore bodies (a few mines: kept in memory).
				EXECUTE 'SELECT ARRAY(SELECT f FROM mineconsol.mine_facts_in($1, $2) f)'
				   INTO facts USING ARRAY[this_county], ore_bodies;
				-- Cluster numbers run across the county's ore bodies, in order
				-- of each cluster's first (lowest) mine id.  While the
				-- recomputed clusters begin at the same mines as the stored
				-- ones, every number stands, and each recomputed cluster takes
				-- the stored number of its first mine; otherwise the numbers
				-- move, and the whole county is recomputed.
				IF ARRAY(SELECT pg_catalog.min(f.id) FROM unnest(facts) f
						  WHERE f.cluster_id IS NOT NULL GROUP BY f.cluster_id ORDER BY 1)
				   IS DISTINCT FROM
				   ARRAY(SELECT p.member_ids[1] FROM mineconsol.merge_plan_results p
						  WHERE p.county_code = this_county AND p.ore_body = ANY (ore_bodies) ORDER BY 1) THEN
					ore_bodies := NULL;
				ELSE
					facts := ARRAY(
						SELECT CASE WHEN f.cluster_id IS NULL THEN f
									ELSE pg_catalog.jsonb_populate_record(f, pg_catalog.jsonb_build_object('cluster_id', p.cluster_id)) END
						  FROM unnest(facts) f
						  LEFT JOIN (SELECT g.cluster_id, pg_catalog.min(g.id) AS first_id
									   FROM unnest(facts) g WHERE g.cluster_id IS NOT NULL GROUP BY g.cluster_id) l
							ON l.cluster_id = f.cluster_id
						  LEFT JOIN mineconsol.merge_plan_results p
							ON p.county_code = this_county AND p.ore_body = ANY (ore_bodies) AND p.member_ids[1] = l.first_id);
				END IF;
			END IF;
			IF ore_bodies IS NULL THEN
				whole := whole || this_county;
				CONTINUE;
			END IF;
			counties := ARRAY[this_county];
		ELSE
			EXIT WHEN pg_catalog.cardinality(whole) OPERATOR(pg_catalog.=) 0;
			counties := whole;
			ore_bodies := NULL;
			facts := NULL;
		END IF;

		-- The previous results of what is recomputed: the verdicts of its
		-- mines (also of a mine that has moved in since, or moved away), and
		-- its clusters.  The counts of every county whose verdicts change
		-- here are brought up to date below.
		-- (EXECUTE: planned for these counties and ore bodies, so that one
		-- ore body's rows are found by index.)
		-- The rows are locked in key order first: two counties' refreshes
		-- that both replace verdicts of mines moved between them (each the
		-- other's) then wait for each other instead of deadlocking.
		EXECUTE $q$
		WITH locked AS MATERIALIZED (
			SELECT r.mine_id FROM mineconsol.disposition_results r
			 WHERE r.mine_id IN (SELECT x.mine_id FROM mineconsol.disposition_results x
								  WHERE x.county_code = ANY ($1) AND ($2 IS NULL OR x.ore_body = ANY ($2))
								 UNION ALL
								 SELECT m.id FROM mineconsol.mines m
								  WHERE m.county_code = ANY ($1) AND ($2 IS NULL OR m.ore_body = ANY ($2)))
			 ORDER BY r.mine_id
			   FOR UPDATE
		), gone AS (
			DELETE FROM mineconsol.disposition_results r
			 WHERE r.mine_id IN (SELECT l.mine_id FROM locked l)
			RETURNING r)
		SELECT ARRAY(SELECT (g.r).county_code FROM gone g UNION SELECT s FROM unnest($3 || $1) s ORDER BY 1),
			   -- (a pass of whole counties: only the rows of other counties)
			   ARRAY(SELECT g.r FROM gone g WHERE $2 IS NOT NULL OR NOT (g.r).county_code = ANY ($1))
		$q$ INTO counted, gone_rows USING counties, ore_bodies, counted;
		removed := removed || gone_rows;
		-- An incremental refresh keeps the areas of a cluster whose members
		-- and their geometries are unchanged (same members_digest): they would
		-- come out the same.  A full refresh (refresh_results(false))
		-- computes all.
		EXECUTE $q$
		WITH gone AS (
			DELETE FROM mineconsol.merge_plan_results p
			 WHERE p.county_code = ANY ($1) AND ($2 IS NULL OR p.ore_body = ANY ($2))
			RETURNING p)
		SELECT ARRAY(SELECT g.p FROM gone g WHERE (g.p).members_digest IS NOT NULL)
		$q$ INTO old_plans USING counties, ore_bodies;
		IF EXISTS (SELECT FROM mineconsol.result_refreshes r WHERE r.county_code = ANY (counties) AND r.requested_full) THEN
			old_plans := '{}';
		END IF;

		-- One classification for both tables: the facts are computed once,
		-- those of whole counties straight from mine_facts_in().  EXECUTE
		-- plans it with the counties as constants (mine_facts_in() is inlined).
		EXECUTE pg_catalog.format($q$
		WITH f AS MATERIALIZED (
			SELECT f.id, f.county_code, f.ore_body, f.in_scope, f.mineral_group, f.cluster_id, f.retained_mine_id,
				   f.reserves_t, f.merge_distance_m, f.as_of,
				   CASE WHEN f.retained_mine_id = f.id THEN f.cluster_scale_class ELSE f.scale_class END AS scale_class,
				   f.cluster_scale_class, v.disposition, v.rules, mineconsol.reason_args(f) AS reason_args
			  FROM %s f
			 CROSS JOIN LATERAL mineconsol.classify(f) v
		), verdicts AS (
			INSERT INTO mineconsol.disposition_results AS d
				(mine_id, county_code, in_scope, mineral_group, disposition, rules, reasons,
				 cluster_id, retained_mine_id, scale_class, as_of, reason_args, ore_body)
			SELECT r.id, r.county_code, r.in_scope, r.mineral_group, r.disposition, r.rules,
				   mineconsol.render_reasons(r.reason_args, NULL, true),
				   r.cluster_id, r.retained_mine_id, r.scale_class, r.as_of, r.reason_args, r.ore_body
			  FROM f r
			-- A mine that moved county while both counties refresh: the
			-- refresh of the county it is in now keeps it.
			ON CONFLICT (mine_id) DO UPDATE
			   SET county_code = EXCLUDED.county_code, in_scope = EXCLUDED.in_scope,
				   mineral_group = EXCLUDED.mineral_group, disposition = EXCLUDED.disposition,
				   rules = EXCLUDED.rules, reasons = EXCLUDED.reasons, cluster_id = EXCLUDED.cluster_id,
				   retained_mine_id = EXCLUDED.retained_mine_id, scale_class = EXCLUDED.scale_class,
				   as_of = EXCLUDED.as_of, refreshed_at = EXCLUDED.refreshed_at,
				   reason_args = EXCLUDED.reason_args, ore_body = EXCLUDED.ore_body
			 WHERE EXCLUDED.county_code = (SELECT m.county_code FROM mineconsol.mines m WHERE m.id = EXCLUDED.mine_id)
			RETURNING d, d.xmax = 0 AS inserted
		), plan AS (
			INSERT INTO mineconsol.merge_plan_results
				(county_code, cluster_id, ore_body, retained_mine_id, note, member_ids, geom, gap_geom,
				 total_reserves_t, total_area_km2, scale_class, reaches_medium, as_of, members_digest)
			SELECT c.county_code, c.cluster_id, c.ore_body, c.retained_mine_id,
				   CASE WHEN c.retained_mine_id IS NULL
						THEN 'every member is banned, closed or referred: no mine can be retained' END,
				   c.member_ids, COALESCE(o.geom, ST_Multi(u.merged)),
				   COALESCE(o.gap_geom, mineconsol.gap_resources(u.merged, c.merge_distance)),
				   c.total_reserves_t, COALESCE(o.total_area_km2, ST_Area(u.merged) / 1e6), c.scale_class,
				   CASE WHEN c.scale_class = 'unknown' THEN NULL ELSE c.scale_class IN ('large', 'medium') END,
				   c.as_of, c.digest
			  FROM (SELECT r.county_code, r.cluster_id, min(r.ore_body) AS ore_body,
						   min(r.retained_mine_id) AS retained_mine_id,
						   array_agg(r.id ORDER BY r.id) AS member_ids,
						   sum(r.reserves_t) AS total_reserves_t,
						   min(r.cluster_scale_class) AS scale_class,
						   min(r.merge_distance_m)::float8 AS merge_distance,
						   min(r.as_of) AS as_of,
						   -- the members and their areas, and the merge distance
						   pg_catalog.md5(pg_catalog.string_agg(pg_catalog.int8send(r.id) OPERATOR(pg_catalog.||) ST_AsEWKB(m.geom), ''::bytea ORDER BY r.id)
										  OPERATOR(pg_catalog.||) pg_catalog.float8send(min(r.merge_distance_m)::float8)) AS digest
					  FROM f r JOIN mineconsol.mines m ON m.id = r.id
					 WHERE r.cluster_id IS NOT NULL
					 GROUP BY r.county_code, r.cluster_id) c
			  LEFT JOIN unnest($3) o ON o.county_code = c.county_code AND o.members_digest = c.digest
			  -- The merged area, only where it is not kept.
			 CROSS JOIN LATERAL (SELECT ST_Union(m.geom) AS merged FROM mineconsol.mines m
								  WHERE o.geom IS NULL AND m.id = ANY (c.member_ids)) u
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM verdicts), (SELECT count(*) FROM plan),
			   ARRAY(SELECT v.d FROM verdicts v WHERE $4), EXISTS (SELECT FROM verdicts v WHERE NOT v.inserted)
		$q$, CASE WHEN facts IS NULL THEN 'mineconsol.mine_facts_in($1)' ELSE 'unnest($2)' END)
		   INTO stored_mines, stored_clusters, new_rows, any_replaced
		  -- Every county: NULL, and mine_facts_in() plans as mine_facts does.
		  USING CASE WHEN NOT EXISTS (SELECT FROM mineconsol.counties c WHERE NOT c.code = ANY (counties))
					 THEN NULL ELSE counties END,
				facts, old_plans, ore_bodies IS NOT NULL;
		added := added || new_rows;
		replaced := replaced OR any_replaced;
		mines := mines OPERATOR(pg_catalog.+) stored_mines;
		clusters := clusters OPERATOR(pg_catalog.+) stored_clusters;
		facts := NULL;
	END LOOP;

	-- The counts v_county_progress reads, of every county whose verdicts
	-- changed here: counted afresh for a county recomputed whole (or that
	-- has no counts yet, or every county when a row was stored over one
	-- that no pass removed); else its counts plus what its passes stored,
	-- minus what they removed.  In key order (two refreshes that both touch
	-- a county, for a mine that moved, update its row one after the other).
	PERFORM FROM mineconsol.county_results c WHERE c.county_code = ANY (counted) ORDER BY c.county_code FOR UPDATE;
	WITH recount AS (
		SELECT u.code FROM unnest(counted) u(code)
		 WHERE replaced OR u.code = ANY (whole)
			OR NOT EXISTS (SELECT FROM mineconsol.county_results c WHERE c.county_code = u.code)
	), signed AS (
		SELECT r.county_code, 1 AS sign, r.in_scope, r.disposition, r.scale_class
		  FROM mineconsol.disposition_results r
		 WHERE r.county_code IN (SELECT x.code FROM recount x) AND r.mineral_group = 'sand_gravel_clay'
		UNION ALL
		SELECT (s.r).county_code, s.sign, (s.r).in_scope, (s.r).disposition, (s.r).scale_class
		  FROM (SELECT a, 1 FROM unnest(added) a UNION ALL SELECT g, -1 FROM unnest(removed) g) s(r, sign)
		 WHERE (s.r).county_code NOT IN (SELECT x.code FROM recount x) AND (s.r).mineral_group = 'sand_gravel_clay'
	), tallies AS (
		SELECT u.code AS county_code,
			   COALESCE(sum(x.sign), 0) AS mines,
			   COALESCE(sum(x.sign) FILTER (WHERE x.in_scope), 0) AS mines_before,
			   COALESCE(sum(x.sign) FILTER (WHERE x.disposition IN ('merge_retain', 'retain', 'rectify')), 0) AS mines_after,
			   COALESCE(sum(x.sign) FILTER (WHERE x.disposition IN ('exit_at_term', 'mine_out_then_exit')), 0) AS mines_exiting,
			   COALESCE(sum(x.sign) FILTER (WHERE x.disposition IN ('merge_retain', 'retain', 'rectify')
												AND x.scale_class IN ('large', 'medium')), 0) AS large_medium_after,
			   COALESCE(sum(x.sign) FILTER (WHERE x.disposition IN ('merge_retain', 'retain', 'rectify')
												AND x.scale_class = 'unknown'), 0) AS scale_unknown_after,
			   u.code IN (SELECT y.code FROM recount y) AS afresh
		  FROM unnest(counted) u(code)
		  LEFT JOIN signed x ON x.county_code = u.code
		 GROUP BY u.code
	), changed AS (
		UPDATE mineconsol.county_results c
		   SET mines = c.mines + t.mines, mines_before = c.mines_before + t.mines_before,
			   mines_after = c.mines_after + t.mines_after, mines_exiting = c.mines_exiting + t.mines_exiting,
			   large_medium_after = c.large_medium_after + t.large_medium_after,
			   scale_unknown_after = c.scale_unknown_after + t.scale_unknown_after
		  FROM tallies t
		 WHERE c.county_code = t.county_code AND NOT t.afresh
		RETURNING 1
	)
	INSERT INTO mineconsol.county_results AS c
		(county_code, mines, mines_before, mines_after, mines_exiting, large_medium_after, scale_unknown_after)
	SELECT t.county_code, t.mines, t.mines_before, t.mines_after, t.mines_exiting, t.large_medium_after, t.scale_unknown_after
	  FROM tallies t
	 WHERE t.afresh
	 ORDER BY t.county_code
	ON CONFLICT (county_code) DO UPDATE
	   SET mines = EXCLUDED.mines, mines_before = EXCLUDED.mines_before, mines_after = EXCLUDED.mines_after,
		   mines_exiting = EXCLUDED.mines_exiting, large_medium_after = EXCLUDED.large_medium_after,
		   scale_unknown_after = EXCLUDED.scale_unknown_after;

	UPDATE mineconsol.result_refreshes r
	   SET requested = false, requested_full = false, refreshed_at = pg_catalog.now(), as_of = d
	 WHERE r.county_code = ANY (scope);
END
$fn$;
COMMENT ON FUNCTION refresh_requested_results() IS
  'Internal to refresh_results(): recomputes at results_as_of() the stale ore bodies (or whole counties) of the counties this transaction flagged in result_refreshes; returns the mines and clusters stored. Runs as the owner; a role flags only counties it writes.';

-- Availability: 0.2.0
CREATE FUNCTION refresh_results(only_stale boolean DEFAULT true) RETURNS TABLE (mines bigint, clusters bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	scope text[];
BEGIN
	IF NOT (pg_has_role(current_user, 'mineconsol_admin', 'MEMBER')
			OR pg_has_role(current_user, 'mineconsol_editor', 'MEMBER')) THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('permission denied to refresh stored results'),
				  ERRCODE = 'insufficient_privilege',
				  DETAIL = mineconsol.tr('The city (mineconsol_admin) and county staff (mineconsol_editor) refresh the results of their counties; other roles read them.');
	END IF;
	-- The counties the caller writes, as the caller: every county for the
	-- city.  Reading a county (a reader mapping, an inspector) is not enough
	-- to refresh it, nor to hold its refresh up.
	IF mineconsol.writes_all_counties() THEN
		scope := ARRAY(SELECT c.code FROM mineconsol.counties c ORDER BY c.code);
	ELSE
		scope := ARRAY(SELECT DISTINCT u FROM unnest(mineconsol.my_write_counties()) u ORDER BY u);
	END IF;
	-- Only the stale ones, unless asked for all.
	IF only_stale THEN
		scope := ARRAY(SELECT s.county_code FROM mineconsol.results_status s
						WHERE s.stale AND s.county_code = ANY (scope) ORDER BY s.county_code);
	END IF;
	-- Flag them (row-level security checks each one) in key order: the row
	-- locks serialise two refreshes of a county, never deadlock.
	INSERT INTO mineconsol.result_refreshes AS r (county_code, requested, requested_full)
	SELECT u, true, NOT only_stale FROM unnest(scope) u ORDER BY u
	ON CONFLICT (county_code) DO UPDATE SET requested = true, requested_full = EXCLUDED.requested_full;
	RETURN QUERY SELECT x.mines, x.clusters FROM mineconsol.refresh_requested_results() x;
END
$fn$;
COMMENT ON FUNCTION refresh_results(boolean) IS
  'Recomputes the stored verdicts and merge plan that the v_* views read, for the caller''s counties (all for the city), at results_as_of(); with only_stale (the default) only what results_status says is stale. Returns the mines and clusters stored. See docs/architecture.md, "Stored results".';

-- Stage order of each track, from stage_transitions (first stage: 1).
-- Availability: 0.1.0
CREATE VIEW stage_order WITH (security_invoker = true) AS
WITH RECURSIVE walk AS (
	SELECT t.track, t.from_stage AS stage, 1 AS pos
	  FROM stage_transitions t
	 WHERE NOT EXISTS (SELECT 1 FROM stage_transitions u
						WHERE u.track = t.track AND u.to_stage = t.from_stage)
	UNION
	SELECT t.track, t.to_stage, w.pos + 1
	  FROM walk w JOIN stage_transitions t ON t.track = w.track AND t.from_stage = w.stage
	 WHERE w.pos < 50
)
SELECT track, stage, max(pos) AS pos FROM walk GROUP BY track, stage;
COMMENT ON VIEW stage_order IS 'Position of each stage in its track (1 = the first stage), from stage_transitions.';
COMMENT ON COLUMN stage_order.track IS 'Track';
COMMENT ON COLUMN stage_order.stage IS 'Stage';
COMMENT ON COLUMN stage_order.pos IS 'Position, 1 for the first stage';

-- Availability: 0.1.0
CREATE TABLE duties (
	track      text NOT NULL,
	stage      text NOT NULL,
	department text NOT NULL,
	clause     text,
	seeded     boolean NOT NULL DEFAULT false,
	PRIMARY KEY (track, stage)
);
COMMENT ON TABLE duties IS
  'Which department (五(二)) must bring a row of a track to a stage: used by v_overdue and v_department_tasks. Config table: edits survive pg_dump.';
COMMENT ON COLUMN duties.track IS '''scheme'', ''unit'' or ''closure''';
COMMENT ON COLUMN duties.stage IS 'The stage to reach';
COMMENT ON COLUMN duties.department IS 'The responsible department';
COMMENT ON COLUMN duties.clause IS 'Clause of the plan';
-- @template sql/templates/seeded_config.sql TABLE=duties KEYS="'track', 'stage'"
INSERT INTO duties (track, stage, department, clause, seeded) VALUES
	('scheme', 'drafted', 'county government (survey: natural resources)', '四(一), 五(二)', true),
	('scheme', 'hearing_held', 'county government', '四(三)', true),
	('scheme', 'noticed', 'county government', '四(三)', true),
	('scheme', 'submitted', 'county government', '四(三), 四(五)', true),
	('scheme', 'approved', 'city government (leadership group office, planning and natural resources bureau)', '四(五), 五(一)', true),
	('unit', 'reserves_verified', 'natural resources', '四(四)', true),
	('unit', 'valued', 'natural resources', '四(五), 五(二)', true),
	('unit', 'transferred', 'natural resources', '四(五), 五(二)', true),
	('unit', 'rights_settled', 'county government', '四(六)1', true),
	('unit', 'plans_approved', 'natural resources; ecology and environment (EIA); administrative approval', '四(六)2, 五(二)', true),
	('unit', 'licensed', 'natural resources', '四(六)3, 五(二)', true),
	('unit', 'restored', 'retained mine, accepted by the county (natural resources)', '四(八)', true),
	('closure', 'closure_decided', 'county government', '三(二)1(6)', true),
	('closure', 'license_cancelled', 'natural resources (issuing authority)', '三(二)1(6), 五(二)', true),
	('closure', 'announced', 'natural resources (issuing authority)', '三(二)1(6)', true),
	('closure', 'explosives_disposed', 'public security', '五(二)', true),
	('closure', 'restored', 'county government (natural resources)', '四(八)', true);

-- Availability: 0.1.0
CREATE VIEW v_dispositions WITH (security_invoker = true) AS
SELECT m.id, m.license_no::text AS license_no, m.name, m.holder, m.holder_uscc::text AS holder_uscc,
	   m.county_code, c.name AS county_name, m.licensed_by, m.mineral, m.ore_body,
	   r.disposition::text AS disposition, r.rules[1] AS decisive_rule,
	   array_to_string(r.rules, ',') AS rules,
	   array_to_string(render_reasons(r.reason_args, r.reasons), tr('; ')) AS reasons,
	   r.cluster_id, r.retained_mine_id, r.scale_class, m.area_km2, m.reserves_t, r.as_of,
	   m.geom::geometry(MultiPolygon, 4547) AS geom
  FROM disposition_results r
  JOIN mines m ON m.id = r.mine_id
  JOIN counties c ON c.code = m.county_code;
COMMENT ON VIEW v_dispositions IS
  'Every mine with its verdict as of the last refresh_results(): for maps and tables (rules and reasons as text).';
COMMENT ON COLUMN v_dispositions.id IS 'Mine id (key)';
COMMENT ON COLUMN v_dispositions.license_no IS 'Licence number';
COMMENT ON COLUMN v_dispositions.name IS 'Mine';
COMMENT ON COLUMN v_dispositions.holder IS 'Holder';
COMMENT ON COLUMN v_dispositions.holder_uscc IS 'Holder''s credit code';
COMMENT ON COLUMN v_dispositions.county_code IS 'County code';
COMMENT ON COLUMN v_dispositions.county_name IS 'County';
COMMENT ON COLUMN v_dispositions.licensed_by IS 'Issuing level';
COMMENT ON COLUMN v_dispositions.mineral IS 'Mineral';
COMMENT ON COLUMN v_dispositions.ore_body IS 'Ore body';
COMMENT ON COLUMN v_dispositions.disposition IS 'Disposition';
COMMENT ON COLUMN v_dispositions.decisive_rule IS 'The rule that decided it';
COMMENT ON COLUMN v_dispositions.rules IS 'Every matched rule, comma-separated, decisive first';
COMMENT ON COLUMN v_dispositions.reasons IS 'The reasons in the reader''s language (lc_messages), separated by "; "';
COMMENT ON COLUMN v_dispositions.cluster_id IS 'Merge cluster within the county';
COMMENT ON COLUMN v_dispositions.retained_mine_id IS 'The cluster''s retained mine';
COMMENT ON COLUMN v_dispositions.scale_class IS 'Scale class after consolidation';
COMMENT ON COLUMN v_dispositions.area_km2 IS 'Area, km²';
COMMENT ON COLUMN v_dispositions.reserves_t IS 'Retained reserves, t';
COMMENT ON COLUMN v_dispositions.as_of IS 'Day of the verdict';
COMMENT ON COLUMN v_dispositions.geom IS 'Mining area';

-- Availability: 0.1.0
CREATE VIEW v_merge_plan WITH (security_invoker = true) AS
SELECT p.county_code::bigint * 100000 + p.cluster_id AS id,
	   p.county_code, c.name AS county_name, p.cluster_id, p.ore_body,
	   p.retained_mine_id, rm.name AS retained_mine_name, rm.holder AS retained_holder,
	   cardinality(p.member_ids) AS member_count, array_to_string(p.member_ids, ',') AS member_ids,
	   p.total_reserves_t, p.total_area_km2, p.scale_class, p.reaches_medium, tr(p.note) AS note, p.as_of,
	   p.geom::geometry(MultiPolygon, 4547) AS geom
  FROM merge_plan_results p
  JOIN counties c ON c.code = p.county_code
  LEFT JOIN mines rm ON rm.id = p.retained_mine_id;
COMMENT ON VIEW v_merge_plan IS
  'The merge plan as of the last refresh_results(): one row per cluster with its merged area.';
COMMENT ON COLUMN v_merge_plan.id IS 'Key: county code × 100000 + cluster number';
COMMENT ON COLUMN v_merge_plan.county_code IS 'County code';
COMMENT ON COLUMN v_merge_plan.county_name IS 'County';
COMMENT ON COLUMN v_merge_plan.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN v_merge_plan.ore_body IS 'Ore body';
COMMENT ON COLUMN v_merge_plan.retained_mine_id IS 'Retained mine';
COMMENT ON COLUMN v_merge_plan.retained_mine_name IS 'Retained mine''s name';
COMMENT ON COLUMN v_merge_plan.retained_holder IS 'Retained mine''s holder (the consolidation subject)';
COMMENT ON COLUMN v_merge_plan.member_count IS 'Number of members';
COMMENT ON COLUMN v_merge_plan.member_ids IS 'Member mine ids, comma-separated';
COMMENT ON COLUMN v_merge_plan.total_reserves_t IS 'Total reserves, t';
COMMENT ON COLUMN v_merge_plan.total_area_km2 IS 'Merged area, km²';
COMMENT ON COLUMN v_merge_plan.scale_class IS 'Scale class of the merged mine';
COMMENT ON COLUMN v_merge_plan.reaches_medium IS 'L3: large or medium';
COMMENT ON COLUMN v_merge_plan.note IS 'Why there is no retained mine, in the reader''s language';
COMMENT ON COLUMN v_merge_plan.as_of IS 'Day of the plan';
COMMENT ON COLUMN v_merge_plan.geom IS 'Merged area';

-- Availability: 0.1.0
CREATE VIEW v_gap_resources WITH (security_invoker = true) AS
SELECT p.county_code::bigint * 100000 + p.cluster_id AS id,
	   p.county_code, c.name AS county_name, p.cluster_id, p.ore_body,
	   ST_Area(p.gap_geom) / 1e6 AS gap_area_km2, p.as_of,
	   p.gap_geom::geometry(MultiPolygon, 4547) AS geom
  FROM merge_plan_results p
  JOIN counties c ON c.code = p.county_code
 WHERE NOT ST_IsEmpty(p.gap_geom);
COMMENT ON VIEW v_gap_resources IS
  'Gap resources (夹缝资源) between the members of each merge cluster, to be sold by competition (二(二)): closing of the members'' union by half the merge distance, minus the union.';
COMMENT ON COLUMN v_gap_resources.id IS 'Key: county code × 100000 + cluster number';
COMMENT ON COLUMN v_gap_resources.county_code IS 'County code';
COMMENT ON COLUMN v_gap_resources.county_name IS 'County';
COMMENT ON COLUMN v_gap_resources.cluster_id IS 'Cluster number within the county';
COMMENT ON COLUMN v_gap_resources.ore_body IS 'Ore body';
COMMENT ON COLUMN v_gap_resources.gap_area_km2 IS 'Area of the gap, km²';
COMMENT ON COLUMN v_gap_resources.as_of IS 'Day of the plan';
COMMENT ON COLUMN v_gap_resources.geom IS 'The gap';

-- Availability: 0.1.0
CREATE VIEW v_overlaps WITH (security_invoker = true) AS
SELECT o.mine_id_a * 10000000000 + o.mine_id_b AS id,
	   o.mine_id_a, a.name AS mine_name_a, o.mine_id_b, b.name AS mine_name_b,
	   o.county_code_a, o.county_code_b, o.overlap_km2, o.elev_bottom, o.elev_top,
	   o.geom::geometry(MultiPolygon, 4547) AS geom
  FROM "overlaps" o
  JOIN mines a ON a.id = o.mine_id_a
  JOIN mines b ON b.id = o.mine_id_b;
COMMENT ON VIEW v_overlaps IS
  'Overlapping mining rights (矿权重叠) with intersecting elevation ranges: registry errors the counties must fix (live, from mines).';
COMMENT ON COLUMN v_overlaps.id IS 'Key: mine_id_a × 10¹⁰ + mine_id_b';
COMMENT ON COLUMN v_overlaps.mine_id_a IS 'Mine with the lower id';
COMMENT ON COLUMN v_overlaps.mine_name_a IS 'Its name';
COMMENT ON COLUMN v_overlaps.mine_id_b IS 'Mine with the higher id';
COMMENT ON COLUMN v_overlaps.mine_name_b IS 'Its name';
COMMENT ON COLUMN v_overlaps.county_code_a IS 'County of mine a';
COMMENT ON COLUMN v_overlaps.county_code_b IS 'County of mine b';
COMMENT ON COLUMN v_overlaps.overlap_km2 IS 'Overlap, km²';
COMMENT ON COLUMN v_overlaps.elev_bottom IS 'Bottom of the shared elevation range, m';
COMMENT ON COLUMN v_overlaps.elev_top IS 'Top of the shared elevation range, m';
COMMENT ON COLUMN v_overlaps.geom IS 'The overlap';

-- Rows of the three tracks with their current stage and county.
-- Availability: 0.1.0
CREATE VIEW track_rows WITH (security_invoker = true) AS
SELECT 'scheme'::text AS track, s.id AS row_id, s.county_code, s.stage, s.stage_evidence, NULL::bigint AS mine_id
  FROM schemes s
UNION ALL
SELECT 'unit', u.id, u.county_code, u.stage, u.stage_evidence, u.retained_mine_id
  FROM units u
UNION ALL
SELECT 'closure', c.mine_id, m.county_code, c.stage, c.stage_evidence, c.mine_id
  FROM closures c JOIN mines m ON m.id = c.mine_id;
COMMENT ON VIEW track_rows IS 'Every scheme, unit and closure with its track, county and current stage.';
COMMENT ON COLUMN track_rows.track IS 'Track';
COMMENT ON COLUMN track_rows.row_id IS 'schemes.id, units.id or closures.mine_id';
COMMENT ON COLUMN track_rows.county_code IS 'County';
COMMENT ON COLUMN track_rows.stage IS 'Current stage';
COMMENT ON COLUMN track_rows.stage_evidence IS 'Evidence of the step that reached it';
COMMENT ON COLUMN track_rows.mine_id IS 'The retained mine (unit) or the closed mine (closure)';

-- The deadlines each row has not met yet: milestones of later stages, and a
-- unit's restoration (restoration_years after its licence).
-- Availability: 0.1.0
CREATE VIEW open_deadlines WITH (security_invoker = true) AS
SELECT r.track, r.row_id, r.county_code, r.stage, r.mine_id, ms.stage AS due_stage, ms.due
  FROM track_rows r
  JOIN stage_order cur ON cur.track = r.track AND cur.stage = r.stage
  JOIN milestones ms ON ms.track = r.track
  JOIN stage_order tgt ON tgt.track = ms.track AND tgt.stage = ms.stage
 WHERE tgt.pos > cur.pos
UNION ALL
SELECT r.track, r.row_id, r.county_code, r.stage, r.mine_id, 'restored',
	   ((r.stage_evidence->>'date')::date + make_interval(years => param('restoration_years')::int))::date
  FROM track_rows r
 WHERE r.track = 'unit' AND r.stage = 'licensed';
COMMENT ON VIEW open_deadlines IS 'For each scheme, unit and closure: every deadline of a stage it has not reached yet.';
COMMENT ON COLUMN open_deadlines.track IS 'Track';
COMMENT ON COLUMN open_deadlines.row_id IS 'Row of the track';
COMMENT ON COLUMN open_deadlines.county_code IS 'County';
COMMENT ON COLUMN open_deadlines.stage IS 'Current stage';
COMMENT ON COLUMN open_deadlines.mine_id IS 'Retained or closed mine';
COMMENT ON COLUMN open_deadlines.due_stage IS 'Stage that is due';
COMMENT ON COLUMN open_deadlines.due IS 'By when';

-- Availability: 0.1.0
CREATE VIEW v_overdue WITH (security_invoker = true) AS
SELECT row_number() OVER (ORDER BY d.due, d.track, d.row_id, d.due_stage) AS id,
	   d.track, d.row_id, d.county_code, c.name AS county_name, d.stage AS current_stage,
	   d.due_stage, d.due, as_of() - d.due AS days_overdue,
	   tr(COALESCE(du.department, 'county government')) AS department, mi.name AS mine_name
  FROM open_deadlines d
  JOIN counties c ON c.code = d.county_code
  LEFT JOIN duties du ON du.track = d.track AND du.stage = d.due_stage
  LEFT JOIN mines mi ON mi.id = d.mine_id
 WHERE d.due < as_of();
COMMENT ON VIEW v_overdue IS
  'Every scheme, unit and closure past a deadline at as_of(), with the stage that is due, the days overdue and the responsible department (五(二)).';
COMMENT ON COLUMN v_overdue.id IS 'Row number (by due date)';
COMMENT ON COLUMN v_overdue.track IS 'Track';
COMMENT ON COLUMN v_overdue.row_id IS 'Row of the track';
COMMENT ON COLUMN v_overdue.county_code IS 'County code';
COMMENT ON COLUMN v_overdue.county_name IS 'County';
COMMENT ON COLUMN v_overdue.current_stage IS 'Where the row is';
COMMENT ON COLUMN v_overdue.due_stage IS 'The stage that is overdue';
COMMENT ON COLUMN v_overdue.due IS 'Its deadline';
COMMENT ON COLUMN v_overdue.days_overdue IS 'Days past the deadline at as_of()';
COMMENT ON COLUMN v_overdue.department IS 'Responsible department, in the reader''s language';
COMMENT ON COLUMN v_overdue.mine_name IS 'Retained or closed mine';

-- Availability: 0.1.0
CREATE VIEW v_county_progress WITH (security_invoker = true) AS
WITH counts AS (
	-- Counted by the refresh that stored the verdicts (county_results).
	SELECT n.county_code, n.mines_before, n.mines_after, n.mines_exiting,
		   n.large_medium_after, n.scale_unknown_after
	  FROM county_results n
	 WHERE n.mines > 0
), next_due AS (
	SELECT DISTINCT ON (d.county_code) d.county_code, d.due, d.track, d.due_stage
	  FROM open_deadlines d
	 ORDER BY d.county_code, d.due, d.track
)
SELECT c.code::bigint AS id, c.code AS county_code, c.name AS county_name,
	   COALESCE(n.mines_before, 0) AS mines_before,
	   COALESCE(n.mines_after, 0) AS mines_after,
	   COALESCE(n.mines_exiting, 0) AS mines_exiting,
	   COALESCE(n.mines_before - n.mines_after, 0) AS reduction,
	   round(1 - n.mines_after::numeric / NULLIF(n.mines_before, 0), 3) AS reduction_ratio,
	   param('reduction_target') AS reduction_target,
	   1 - n.mines_after::numeric / NULLIF(n.mines_before, 0) >= param('reduction_target') AS meets_target,
	   round(n.large_medium_after::numeric / NULLIF(n.mines_after, 0), 3) AS large_medium_share,
	   COALESCE(n.scale_unknown_after, 0) AS scale_unknown_after,
	   s.stage AS scheme_stage,
	   nd.track || ' ' || nd.due_stage AS next_due,
	   nd.due AS next_deadline,
	   greatest(as_of() - nd.due, 0) AS days_overdue,
	   COALESCE(rs.stale, true) AS results_stale,
	   rs.refreshed_at
  FROM counties c
  LEFT JOIN counts n ON n.county_code = c.code
  LEFT JOIN schemes s ON s.county_code = c.code
  LEFT JOIN next_due nd ON nd.county_code = c.code
  LEFT JOIN results_status rs ON rs.county_code = c.code
 WHERE c.kind = 'county'
   AND (n.county_code IS NOT NULL OR s.county_code IS NOT NULL);
COMMENT ON VIEW v_county_progress IS
  'Per county (sand, gravel, stone and clay mines, as of the last refresh_results()): mines in scope before, mines kept after (merge_retain, retain, rectify; mines_exiting close later under C5), the reduction against reduction_target (T1), the large/medium share after (T2), the scheme''s stage, the next deadline not yet met and how many days it is overdue at as_of().';
COMMENT ON COLUMN v_county_progress.id IS 'Key: the county code as a number';
COMMENT ON COLUMN v_county_progress.county_code IS 'County code';
COMMENT ON COLUMN v_county_progress.county_name IS 'County';
COMMENT ON COLUMN v_county_progress.mines_before IS 'Sand/gravel/clay mines in scope';
COMMENT ON COLUMN v_county_progress.mines_after IS 'Mines kept after consolidation: retained from a merge, retained alone, or rectifying';
COMMENT ON COLUMN v_county_progress.mines_exiting IS 'Mines that exit later under C5 (at term, or once mined out)';
COMMENT ON COLUMN v_county_progress.reduction IS 'mines_before - mines_after';
COMMENT ON COLUMN v_county_progress.reduction_ratio IS '1 - mines_after / mines_before';
COMMENT ON COLUMN v_county_progress.reduction_target IS 'Parameter reduction_target (T1)';
COMMENT ON COLUMN v_county_progress.meets_target IS 'reduction_ratio >= reduction_target';
COMMENT ON COLUMN v_county_progress.large_medium_share IS 'Share of the kept mines that are large or medium (T2)';
COMMENT ON COLUMN v_county_progress.scale_unknown_after IS 'Kept mines whose scale class is unknown (no scale_thresholds row)';
COMMENT ON COLUMN v_county_progress.scheme_stage IS 'Stage of the county''s scheme';
COMMENT ON COLUMN v_county_progress.next_due IS 'The next deadline not yet met: track and stage';
COMMENT ON COLUMN v_county_progress.next_deadline IS 'Its date';
COMMENT ON COLUMN v_county_progress.days_overdue IS 'Days past it at as_of() (0 when not yet due)';
COMMENT ON COLUMN v_county_progress.results_stale IS 'The stored results the counts come from are stale (results_status.stale)';
COMMENT ON COLUMN v_county_progress.refreshed_at IS 'When they were computed';

-- Availability: 0.1.0
CREATE VIEW v_department_tasks WITH (security_invoker = true) AS
WITH tasks AS (
	-- Each workflow row's next stage, by the department that must reach it.
	SELECT du.department, format(tr('%s: %s'), label('track', r.track), label('stage', nx.to_stage)) AS task,
		   r.county_code, r.track, r.row_id, r.mine_id, d.due,
		   format(tr('%s %s is at %s; next: %s'), label('track', r.track), r.row_id,
				  label('stage', r.stage), label('stage', nx.to_stage)) AS detail
	  FROM track_rows r
	  JOIN stage_transitions nx ON nx.track = r.track AND nx.from_stage = r.stage
	  LEFT JOIN duties du ON du.track = r.track AND du.stage = nx.to_stage
	  LEFT JOIN open_deadlines d ON d.track = r.track AND d.row_id = r.row_id AND d.due_stage = nx.to_stage
	 WHERE du.department IS NOT NULL
	UNION ALL
	-- Verdicts that call a department in (五(二)).
	SELECT dep, task, x.county_code, 'mine', x.mine_id, x.mine_id, NULL::date, detail
	  FROM (SELECT r.county_code, r.mine_id, m.safety_ok, m.eco_ok, m.mineral, r.rules, r.disposition,
				   r.reasons, r.reason_args, m.valid_to, r.as_of, m.licensed_by
			  FROM disposition_results r JOIN mines m ON m.id = r.mine_id) x
	 CROSS JOIN LATERAL (VALUES
		('emergency management', tr('unsafe mine: rectify or propose closure (C3)'),
		 NOT x.safety_ok AND x.disposition IN ('rectify', 'close')),
		('emergency management', tr('mines closer than the safety distance: propose the merge (L2)'),
		 'L2' = ANY (x.rules)),
		('ecology and environment', tr('mine that damages ecology or pollutes: rectify or propose closure (C3)'),
		 NOT x.eco_ok AND x.disposition IN ('rectify', 'close')),
		('water resources', tr('river-sand mine: survey and public sale within the river channel'),
		 x.mineral ~ '河砂|河道'),
		('discipline inspection', tr('suspected fake consolidation or one ore body under several licences (L1)'),
		 'L1' = ANY (x.rules)),
		('natural resources', tr('refer to the protected area''s authority (C4)'),
		 x.disposition = 'refer'),
		('natural resources', tr('licence term ended: close the mine and see it exit now (C5)'),
		 x.disposition = 'exit_at_term' AND x.valid_to < x.as_of),
		('natural resources', format(tr('renew the expired licence (延续): issued by the %s'), label('level', x.licensed_by)),
		 'LX' = ANY (x.rules) AND x.disposition IN ('merge_retain', 'retain', 'rectify'))
	 ) AS t(dep, task, applies)
	 CROSS JOIN LATERAL (SELECT array_to_string(render_reasons(x.reason_args, x.reasons), tr('; ')) AS detail) dd
	 WHERE t.applies
)
SELECT row_number() OVER (ORDER BY t.department, t.county_code, t.due NULLS LAST, t.track, t.row_id) AS id,
	   tr(t.department) AS department, t.task, t.county_code, c.name AS county_name, t.track, t.row_id,
	   t.mine_id, m.name AS mine_name, t.due, t.detail
  FROM tasks t
  JOIN counties c ON c.code = t.county_code
  LEFT JOIN mines m ON m.id = t.mine_id;
COMMENT ON VIEW v_department_tasks IS
  'What each department (五(二)) must do now: the next stage of every scheme, unit and closure by the department that must reach it (public security: explosives at closing mines; natural resources: reserves, sales, licences, cancellations), and the verdicts that call a department in (emergency management: unsafe mines and mines closer than the safety distance; ecology: C3 ecology; water resources: river sand; discipline inspection: L1; natural resources: C4 referrals, C5 exits, expired licences to renew).';
COMMENT ON COLUMN v_department_tasks.id IS 'Row number';
COMMENT ON COLUMN v_department_tasks.department IS 'Department, in the reader''s language';
COMMENT ON COLUMN v_department_tasks.task IS 'What to do, in the reader''s language';
COMMENT ON COLUMN v_department_tasks.county_code IS 'County code';
COMMENT ON COLUMN v_department_tasks.county_name IS 'County';
COMMENT ON COLUMN v_department_tasks.track IS 'Track (scheme, unit, closure) or ''mine'' for a verdict';
COMMENT ON COLUMN v_department_tasks.row_id IS 'Row of the track, or the mine';
COMMENT ON COLUMN v_department_tasks.mine_id IS 'The mine concerned';
COMMENT ON COLUMN v_department_tasks.mine_name IS 'Its name';
COMMENT ON COLUMN v_department_tasks.due IS 'Deadline of the task, when the plan sets one';
COMMENT ON COLUMN v_department_tasks.detail IS 'Where the row stands, or the verdict''s reasons, in the reader''s language';

-- Availability: 0.1.0
CREATE VIEW v_restoration_due WITH (security_invoker = true) AS
SELECT cl.mine_id AS id, cl.mine_id, m.name AS mine_name, u.id AS unit_id, u.retained_mine_id,
	   m.county_code, c.name AS county_name,
	   l.licensed_on, l.due,
	   u.stage = 'restored' OR cl.stage = 'restored' AS restored,
	   CASE WHEN u.stage = 'restored' OR cl.stage = 'restored' THEN NULL ELSE l.due - as_of() END AS days_left,
	   m.geom::geometry(MultiPolygon, 4547) AS geom
  FROM closures cl
  JOIN units u ON u.id = cl.unit_id
  JOIN mines m ON m.id = cl.mine_id
  JOIN counties c ON c.code = m.county_code
 CROSS JOIN LATERAL (
	-- While licensed, the unit's evidence is that of its licensed step.
	SELECT CASE WHEN u.stage = 'licensed' THEN (u.stage_evidence->>'date')::date END AS licensed_on,
		   CASE WHEN u.stage = 'licensed'
				THEN ((u.stage_evidence->>'date')::date + make_interval(years => param('restoration_years')::int))::date
		   END AS due
 ) l
 WHERE u.stage IN ('licensed', 'restored');
COMMENT ON VIEW v_restoration_due IS
  'The former areas of the mines merged into a licensed retained mine, which the retained mine must restore within restoration_years of its licence (四(八)), and whether that is done.';
COMMENT ON COLUMN v_restoration_due.id IS 'Key: the merged mine''s id';
COMMENT ON COLUMN v_restoration_due.mine_id IS 'The merged (closed) mine';
COMMENT ON COLUMN v_restoration_due.mine_name IS 'Its name';
COMMENT ON COLUMN v_restoration_due.unit_id IS 'The unit';
COMMENT ON COLUMN v_restoration_due.retained_mine_id IS 'The retained mine that must restore it';
COMMENT ON COLUMN v_restoration_due.county_code IS 'County code';
COMMENT ON COLUMN v_restoration_due.county_name IS 'County';
COMMENT ON COLUMN v_restoration_due.licensed_on IS 'When the retained mine was licensed (evidence date of its licensed step); NULL once the unit is restored';
COMMENT ON COLUMN v_restoration_due.due IS 'Restoration deadline; NULL once the unit is restored';
COMMENT ON COLUMN v_restoration_due.restored IS 'Restoration accepted (unit or closure at restored)';
COMMENT ON COLUMN v_restoration_due.days_left IS 'Days to the deadline at as_of() (negative: overdue); NULL once restored';
COMMENT ON COLUMN v_restoration_due.geom IS 'The former mining area';

-- Availability: 0.1.0
CREATE VIEW v_scheme_draft WITH (security_invoker = true) AS
WITH mines_now AS (
	SELECT m.county_code,
		   count(*) AS mines,
		   count(*) FILTER (WHERE m.license_no IS NOT NULL) AS licences,
		   sum(m.reserves_t) AS reserves_t
	  FROM mines m
	 GROUP BY m.county_code
), by_mineral AS (
	SELECT m.county_code, jsonb_object_agg(coalesce(x.mineral, '(not recorded)'),
										   jsonb_build_object('mines', x.n, 'reserves_t', x.reserves_t)) AS distribution
	  FROM (SELECT county_code, mineral, count(*) AS n, sum(reserves_t) AS reserves_t
			  FROM mines GROUP BY county_code, mineral) x
	  JOIN (SELECT DISTINCT county_code FROM mines) m ON m.county_code = x.county_code
	 GROUP BY m.county_code
), proposed AS (
	SELECT p.county_code,
		   jsonb_agg(jsonb_build_object(
			   'retained_mine_id', p.retained_mine_id, 'subject', rm.holder, 'mine', rm.name,
			   'mineral', rm.mineral, 'area_km2', round(p.total_area_km2::numeric, 4),
			   'reserves_t', p.total_reserves_t, 'scale_class', p.scale_class,
			   'members', p.member_ids,
			   'coordinates', ST_AsText(ST_SnapToGrid(p.geom, 0.01)))
			   ORDER BY p.cluster_id) AS proposed_rights
	  FROM merge_plan_results p
	  LEFT JOIN mines rm ON rm.id = p.retained_mine_id
	 WHERE p.retained_mine_id IS NOT NULL
	 GROUP BY p.county_code
), closing AS (
	SELECT r.county_code, array_agg(m.name ORDER BY m.name) AS mines_to_close
	  FROM disposition_results r JOIN mines m ON m.id = r.mine_id
	 WHERE r.disposition IN ('ban', 'close', 'merge_close')
	 GROUP BY r.county_code
), rights AS (
	SELECT m.county_code, jsonb_object_agg(m.licensed_by, m.n) AS by_level
	  FROM (SELECT county_code, licensed_by, count(*) AS n FROM mines GROUP BY 1, 2) m
	 GROUP BY m.county_code
)
SELECT c.code::bigint AS id, c.code AS county_code, c.name AS county_name,
	   n.mines AS mines_now, n.licences, rt.by_level AS rights_by_level, n.reserves_t AS reserves_t_now,
	   bm.distribution AS resource_distribution,
	   pr.proposed_rights,
	   cl.mines_to_close,
	   g.reduction AS reduction_count, g.reduction_ratio, g.large_medium_share,
	   s.stage AS scheme_stage
  FROM counties c
  JOIN mines_now n ON n.county_code = c.code
  LEFT JOIN by_mineral bm ON bm.county_code = c.code
  LEFT JOIN rights rt ON rt.county_code = c.code
  LEFT JOIN proposed pr ON pr.county_code = c.code
  LEFT JOIN closing cl ON cl.county_code = c.code
  LEFT JOIN v_county_progress g ON g.county_code = c.code
  LEFT JOIN schemes s ON s.county_code = c.code;
COMMENT ON VIEW v_scheme_draft IS
  'Per county, the contents 四(三) asks a scheme to give: resource distribution (mines and reserves by mineral), mining rights (by issuing level), the proposed rights after consolidation (retained mine and subject, coordinates, area, mineral, members), the mines to close, the reduction count and ratio, and the large/medium share (from the last refresh_results()).';
COMMENT ON COLUMN v_scheme_draft.id IS 'Key: the county code as a number';
COMMENT ON COLUMN v_scheme_draft.county_code IS 'County code';
COMMENT ON COLUMN v_scheme_draft.county_name IS 'County';
COMMENT ON COLUMN v_scheme_draft.mines_now IS 'Mines in the registry';
COMMENT ON COLUMN v_scheme_draft.licences IS 'Of which with a licence number';
COMMENT ON COLUMN v_scheme_draft.rights_by_level IS 'Mines by issuing level (JSON object)';
COMMENT ON COLUMN v_scheme_draft.reserves_t_now IS 'Total retained reserves, t';
COMMENT ON COLUMN v_scheme_draft.resource_distribution IS 'Mines and reserves by mineral (JSON object)';
COMMENT ON COLUMN v_scheme_draft.proposed_rights IS 'Proposed mining rights: one JSON object per retained mine (subject, mine, mineral, area, reserves, scale, members, coordinates in the working SRID)';
COMMENT ON COLUMN v_scheme_draft.mines_to_close IS 'Names of the mines to close (ban, close, merge_close)';
COMMENT ON COLUMN v_scheme_draft.reduction_count IS 'Mines fewer after consolidation';
COMMENT ON COLUMN v_scheme_draft.reduction_ratio IS 'Reduction ratio';
COMMENT ON COLUMN v_scheme_draft.large_medium_share IS 'Large/medium share after';
COMMENT ON COLUMN v_scheme_draft.scheme_stage IS 'Stage of the scheme';

GRANT SELECT ON disposition_results, merge_plan_results, duties, stage_order, track_rows, open_deadlines,
				v_dispositions, v_merge_plan, v_gap_resources, v_overlaps, v_overdue, v_county_progress,
				v_department_tasks, v_restoration_due, v_scheme_draft
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT SELECT ON results_as_of, result_refreshes
	TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
GRANT INSERT, UPDATE, DELETE ON results_as_of TO mineconsol_admin;
GRANT INSERT (county_code, requested, requested_full), UPDATE (requested, requested_full) ON result_refreshes TO mineconsol_editor, mineconsol_admin;

-- refresh_requested_results() runs as the owner: it finds only pg_catalog,
-- mineconsol and PostGIS (pg_temp last), and only the roles that may ask
-- for a refresh may call it.
-- @template sql/templates/pin_search_path.sql FUNCTIONS="mineconsol.refresh_requested_results();mineconsol.mark_holder_neighbours_stale()"
REVOKE ALL ON FUNCTION refresh_requested_results() FROM PUBLIC;
REVOKE ALL ON FUNCTION result_refreshes_stamp() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refresh_requested_results() TO mineconsol_editor, mineconsol_admin;

SELECT pg_extension_config_dump('results_as_of', '');
SELECT pg_extension_config_dump('result_refreshes', '');
-- The counts v_county_progress reads go with the verdicts they count (both are
-- dumped), so that a restored database reports what it stored.
SELECT pg_extension_config_dump('county_results', '');
GRANT INSERT, UPDATE, DELETE ON duties TO mineconsol_admin;
