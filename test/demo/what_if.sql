-- The demo's what-if step: the real plan (stored results, merge distance as
-- in parameters) beside simulate() with a merge distance of 800 m.  simulate()
-- writes nothing: the stored results and the report above are unchanged.
SET search_path = mineconsol, public;
\pset footer off

\echo
\echo What if the city had chosen a merge distance of 800 m instead of the plan (500 m)?
SELECT p.county_name AS county, p.mines_before AS before,
	   p.mines_after AS "after (plan)", s.mines_after AS "after (800 m)",
	   to_char(100 * p.reduction_ratio, 'FM990') || ' %' AS "reduction (plan)",
	   to_char(100 * s.reduction_ratio, 'FM990') || ' %' AS "reduction (800 m)",
	   CASE WHEN s.meets_target THEN 'yes' ELSE 'no' END AS "≥ target at 800 m",
	   to_char(100 * s.large_medium_share, 'FM990') || ' %' AS "large/medium (800 m)"
  FROM v_county_progress p
  JOIN simulate('{"merge_distance_m": 800}') s ON s.county_code = p.county_code
 ORDER BY p.county_code;
