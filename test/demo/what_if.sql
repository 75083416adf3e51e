-- The demo's what-if step: the real plan (stored results, merge distance as
-- in parameters) beside simulate() with a merge distance of 800 m.  simulate()
-- writes nothing: the stored results and the report above are unchanged.
-- Headings in the session's language, as in report.sql.
SET search_path = mineconsol, public;
\pset footer off

SELECT tr('What if the city had chosen a merge distance of 800 m instead of the plan (500 m)?') AS t_what_if,
	   tr('county') AS h_county, tr('before') AS h_before,
	   tr('after (plan)') AS h_after_plan, tr('after (800 m)') AS h_after_800,
	   tr('reduction (plan)') AS h_reduction_plan, tr('reduction (800 m)') AS h_reduction_800,
	   tr('≥ target at 800 m') AS h_meets_800, tr('large/medium (800 m)') AS h_large_medium_800,
	   tr('yes') AS w_yes, tr('no') AS w_no
\gset

\echo
\echo :t_what_if
SELECT p.county_name AS :"h_county", p.mines_before AS :"h_before",
	   p.mines_after AS :"h_after_plan", s.mines_after AS :"h_after_800",
	   to_char(100 * p.reduction_ratio, 'FM990') || ' %' AS :"h_reduction_plan",
	   to_char(100 * s.reduction_ratio, 'FM990') || ' %' AS :"h_reduction_800",
	   CASE WHEN s.meets_target THEN :'w_yes' ELSE :'w_no' END AS :"h_meets_800",
	   to_char(100 * s.large_medium_share, 'FM990') || ' %' AS :"h_large_medium_800"
  FROM v_county_progress p
  JOIN simulate('{"merge_distance_m": 800}') s ON s.county_code = p.county_code
 ORDER BY p.county_code;
