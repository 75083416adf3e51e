-- Messages in the reader's language, 0.1.0 -> 0.2.0 (sql/03_i18n.sql,
-- sql/65_i18n.sql, and the parts of sql/80_results.sql that show texts).
-- Numbered after the results' and simulate's pieces: the views it replaces
-- are their last definition.  Verdicts stored by 0.1.0 keep their text
-- (reason_args NULL) and are shown as stored until the next refresh.

-- Availability: 0.2.0
-- @copy sql/03_i18n.sql CREATE FUNCTION tr(
-- @copy sql/03_i18n.sql COMMENT ON FUNCTION tr(

-- Availability: 0.2.0
-- @copy sql/03_i18n.sql CREATE FUNCTION label(
-- @copy sql/03_i18n.sql COMMENT ON FUNCTION label(

-- classify() stays IMMUTABLE, as its interface promises: the verdict
-- (disposition and rules) depends only on the facts.  Its reasons are written
-- in the session's message language, as every function's error messages are;
-- a plan that folded a call on constant facts keeps the language it was
-- planned in.  Stored verdicts do not depend on it: they keep reason_args().

-- Availability: 0.2.0
-- @copy sql/65_i18n.sql CREATE FUNCTION reason_args(
-- @copy sql/65_i18n.sql COMMENT ON FUNCTION reason_args(

-- Availability: 0.2.0
-- @copy sql/65_i18n.sql CREATE FUNCTION render_reasons(
-- @copy sql/65_i18n.sql COMMENT ON FUNCTION render_reasons(

-- Stored verdicts keep what their reasons say.
ALTER TABLE disposition_results ADD COLUMN reason_args jsonb;
COMMENT ON COLUMN disposition_results.reasons IS 'One reason per rule code, in English (render_reasons() gives them in the reader''s language)';
COMMENT ON COLUMN disposition_results.reason_args IS 'What each reason says, language-free (reason_args()): rendered at read time; NULL for a verdict stored by 0.1.0';

-- The views that show stored texts render them for the reader.
-- @replace sql/80_results.sql CREATE VIEW v_dispositions WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_dispositions IS
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

-- @replace sql/80_results.sql CREATE VIEW v_merge_plan WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_merge_plan IS
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

-- @replace sql/80_results.sql CREATE VIEW v_overdue WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_overdue IS
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

-- @replace sql/80_results.sql CREATE VIEW v_department_tasks WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_department_tasks IS
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
