-- Messages in the reader's language, 0.1.0 -> 0.2.0 (sql/03_i18n.sql,
-- sql/65_i18n.sql, and the parts of sql/80_results.sql that show texts).
-- Numbered after the results' and simulate's pieces: the views it replaces
-- are their last definition.  Verdicts stored by 0.1.0 keep their text
-- (reason_args NULL) and are shown as stored until the next refresh.

-- tr() is created by 01_symbols.sql, for the guard's messages.

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
-- @copy sql/80_results.sql COMMENT ON COLUMN v_dispositions.id IS .. COMMENT ON COLUMN v_dispositions.geom IS

-- @replace sql/80_results.sql CREATE VIEW v_merge_plan WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_merge_plan IS
-- @copy sql/80_results.sql COMMENT ON COLUMN v_merge_plan.id IS .. COMMENT ON COLUMN v_merge_plan.geom IS

-- @replace sql/80_results.sql CREATE VIEW v_overdue WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_overdue IS
-- @copy sql/80_results.sql COMMENT ON COLUMN v_overdue.id IS .. COMMENT ON COLUMN v_overdue.mine_name IS

-- @replace sql/80_results.sql CREATE VIEW v_department_tasks WITH (
-- @copy sql/80_results.sql COMMENT ON VIEW v_department_tasks IS
-- @copy sql/80_results.sql COMMENT ON COLUMN v_department_tasks.id IS .. COMMENT ON COLUMN v_department_tasks.detail IS
