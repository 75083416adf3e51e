-- Messages in the reader's language, 0.1.0 -> 0.2.0 (sql/03_i18n.sql,
-- sql/65_i18n.sql, and the parts of sql/80_results.sql that show texts).
-- Numbered after the results' and simulate's pieces: the views it replaces
-- are their last definition.  Verdicts stored by 0.1.0 keep their text
-- (reason_args NULL) and are shown as stored until the next refresh.

-- Availability: 0.2.0
CREATE FUNCTION tr(msgid text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_tr'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tr(text) IS
  'The text in the session''s language (lc_messages) from mineconsol''s message catalogue, or the text itself when the catalogue has none. Messages with values are format() templates: format(tr(''… %s …''), value).';

-- Availability: 0.2.0
CREATE FUNCTION label(kind text, code text) RETURNS text
AS 'MODULE_PATHNAME', 'mc_label'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION label(text, text) IS
  'A code as people read it in the session''s language: kind ''stage'', ''track'', ''disposition'', ''level'' or ''scale''. In English the code itself; an unknown code is returned as it is.';

-- classify() stays IMMUTABLE, as its interface promises: the verdict
-- (disposition and rules) depends only on the facts.  Its reasons are written
-- in the session's message language, as every function's error messages are;
-- a plan that folded a call on constant facts keeps the language it was
-- planned in.  Stored verdicts do not depend on it: they keep reason_args().

-- Availability: 0.2.0
CREATE FUNCTION reason_args(facts mine_facts) RETURNS jsonb
AS 'MODULE_PATHNAME', 'mc_reason_args'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION reason_args(mine_facts) IS
  'What each reason of classify(facts) says, language-free: a JSON array in the order of its rules, one message (template key and the facts it quotes) per rule. refresh_results() stores it; render_reasons() turns it into text.';

-- Availability: 0.2.0
CREATE FUNCTION render_reasons(reason_args jsonb, stored text[], in_english boolean DEFAULT false) RETURNS text[]
AS 'MODULE_PATHNAME', 'mc_render_reasons'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION render_reasons(jsonb, text[], boolean) IS
  'The reasons of a stored verdict in the session''s language (in English with in_english), from its reason_args; where those are NULL (a verdict stored by 0.1.0) or unreadable, the stored text.';

-- Stored verdicts keep what their reasons say.
ALTER TABLE disposition_results ADD COLUMN reason_args jsonb;
COMMENT ON COLUMN disposition_results.reasons IS 'One reason per rule code, in English (render_reasons() gives them in the reader''s language)';
COMMENT ON COLUMN disposition_results.reason_args IS 'What each reason says, language-free (reason_args()): rendered at read time; NULL for a verdict stored by 0.1.0';

-- The views that show stored texts render them for the reader.
CREATE OR REPLACE VIEW v_dispositions WITH (security_invoker = true) AS
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

CREATE OR REPLACE VIEW v_merge_plan WITH (security_invoker = true) AS
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

CREATE OR REPLACE VIEW v_overdue WITH (security_invoker = true) AS
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

CREATE OR REPLACE VIEW v_department_tasks WITH (security_invoker = true) AS
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
  'What each department (五(二)) must do now: the next stage of every scheme, unit and closure by the department that must reach it (public security: explosives at closing mines; natural resources: reserves, sales, licences, cancellations), and the verdicts that call a department in (emergency management: unsafe mines and mines closer than the safety distance; ecology: C3 ecology; water resources: river sand; discipline inspection: L1).';
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
