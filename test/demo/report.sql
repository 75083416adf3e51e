-- The demo's report: what the city's leadership group office reads.
SET search_path = mineconsol, public;
\pset footer off

\echo
\echo Progress by county (sand, gravel, stone and clay mines; target: reduce by reduction_target)
SELECT county_name AS county, mines_before AS before, mines_after AS after, mines_exiting AS "exit later",
	   to_char(100 * reduction_ratio, 'FM990') || ' %' AS reduction,
	   CASE WHEN meets_target THEN 'yes' ELSE 'no' END AS "≥ 50 %",
	   to_char(100 * large_medium_share, 'FM990') || ' %' AS "large/medium",
	   scheme_stage AS scheme, next_due, next_deadline, days_overdue AS overdue
  FROM v_county_progress ORDER BY county_code;
SELECT 'city' AS total, sum(mines_before) AS before, sum(mines_after) AS after,
	   to_char(100 * (1 - sum(mines_after)::numeric / NULLIF(sum(mines_before), 0)), 'FM990') || ' %' AS reduction,
	   param('reduction_target') AS target,
	   to_char(100 * sum(large_medium_share * mines_after) / NULLIF(sum(mines_after), 0), 'FM990') || ' %' AS "large/medium"
  FROM v_county_progress;

\echo
\echo Dispositions (decisive rule)
SELECT disposition, decisive_rule AS rule, count(*) AS mines
  FROM v_dispositions GROUP BY 1, 2 ORDER BY min(CASE disposition WHEN 'ban' THEN 1 WHEN 'close' THEN 2 WHEN 'refer' THEN 3
	WHEN 'rectify' THEN 4 WHEN 'merge_retain' THEN 5 WHEN 'merge_close' THEN 6 WHEN 'exit_at_term' THEN 7
	WHEN 'mine_out_then_exit' THEN 8 WHEN 'retain' THEN 9 ELSE 10 END), 2;

\echo
\echo Merge plan
SELECT count(*) AS clusters, sum(member_count) AS mines_in_clusters,
	   count(*) FILTER (WHERE retained_mine_id IS NULL) AS without_retained_mine,
	   count(*) FILTER (WHERE reaches_medium) AS reach_medium, count(*) FILTER (WHERE NOT reaches_medium) AS stay_small,
	   count(*) FILTER (WHERE reaches_medium IS NULL) AS scale_unknown,
	   round(sum(total_area_km2)::numeric, 2) AS merged_km2,
	   (SELECT round(sum(gap_area_km2)::numeric, 2) FROM v_gap_resources) AS gap_km2
  FROM v_merge_plan;
SELECT county_name AS county, cluster_id AS cluster, retained_mine_name AS retained, member_count AS mines,
	   round(total_area_km2::numeric, 3) AS km2, scale_class AS scale
  FROM v_merge_plan ORDER BY member_count DESC, id LIMIT 8;

\echo
\echo Overdue (at as_of), most overdue first
SELECT count(*) AS overdue_items, count(DISTINCT county_code) AS counties FROM v_overdue;
SELECT track, county_name AS county, coalesce(mine_name, '') AS mine, current_stage AS "at", due_stage AS "due stage",
	   due, days_overdue AS days, department
  FROM v_overdue ORDER BY days_overdue DESC, id LIMIT 12;

\echo
\echo Department tasks
SELECT department, count(*) AS tasks, min(due) AS earliest_deadline
  FROM v_department_tasks GROUP BY 1 ORDER BY 2 DESC;
SELECT department, task, county_name AS county, coalesce(mine_name, '') AS mine
  FROM (SELECT DISTINCT ON (department) * FROM v_department_tasks ORDER BY department, due NULLS LAST, id) t
 ORDER BY department;

\echo
\echo Registry errors the counties must fix: overlapping mining rights
SELECT count(*) AS overlapping_pairs FROM v_overlaps;
