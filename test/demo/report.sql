-- The demo's report: what the city's leadership group office reads, in the
-- session's language (lc_messages): headings and words through tr(), codes
-- (stages, tracks, dispositions, scale classes) through label().  A column's
-- heading is a psql variable (:"h_…") set from tr() once.
SET search_path = mineconsol, public;
\pset footer off

SELECT tr('Progress by county (sand, gravel, stone and clay mines; target: reduce by reduction_target)') AS t_progress,
	   tr('Dispositions (decisive rule)') AS t_dispositions,
	   tr('Merge plan') AS t_merge_plan,
	   tr('Overdue (at as_of), most overdue first') AS t_overdue,
	   tr('Department tasks') AS t_tasks,
	   tr('Registry errors the counties must fix: overlapping mining rights') AS t_overlaps,
	   tr('county') AS h_county, tr('before') AS h_before, tr('after') AS h_after,
	   tr('exit later') AS h_exit_later, tr('reduction') AS h_reduction, tr('≥ 50 %') AS h_meets,
	   tr('large/medium') AS h_large_medium, tr('scheme') AS h_scheme, tr('next_due') AS h_next_due,
	   tr('next_deadline') AS h_next_deadline, tr('overdue') AS h_overdue,
	   tr('total') AS h_total, tr('city') AS w_city, tr('target') AS h_target,
	   tr('disposition') AS h_disposition, tr('rule') AS h_rule, tr('mines') AS h_mines,
	   tr('clusters') AS h_clusters, tr('mines_in_clusters') AS h_mines_in_clusters,
	   tr('without_retained_mine') AS h_without_retained, tr('reach_medium') AS h_reach_medium,
	   tr('stay_small') AS h_stay_small, tr('scale_unknown') AS h_scale_unknown,
	   tr('merged_km2') AS h_merged_km2, tr('gap_km2') AS h_gap_km2,
	   tr('cluster') AS h_cluster, tr('retained') AS h_retained, tr('km2') AS h_km2, tr('scale') AS h_scale,
	   tr('overdue_items') AS h_overdue_items, tr('counties') AS h_counties,
	   tr('track') AS h_track, tr('mine') AS h_mine, tr('at') AS h_at, tr('due stage') AS h_due_stage,
	   tr('due') AS h_due, tr('days') AS h_days, tr('department') AS h_department,
	   tr('tasks') AS h_tasks, tr('earliest_deadline') AS h_earliest_deadline, tr('task') AS h_task,
	   tr('overlapping_pairs') AS h_overlapping_pairs,
	   tr('yes') AS w_yes, tr('no') AS w_no
\gset

\echo
\echo :t_progress
SELECT county_name AS :"h_county", mines_before AS :"h_before", mines_after AS :"h_after",
	   mines_exiting AS :"h_exit_later",
	   to_char(100 * reduction_ratio, 'FM990') || ' %' AS :"h_reduction",
	   CASE WHEN meets_target THEN :'w_yes' ELSE :'w_no' END AS :"h_meets",
	   to_char(100 * large_medium_share, 'FM990') || ' %' AS :"h_large_medium",
	   label('stage', scheme_stage) AS :"h_scheme",
	   label('track', split_part(next_due, ' ', 1)) || ' ' || label('stage', split_part(next_due, ' ', 2)) AS :"h_next_due",
	   next_deadline AS :"h_next_deadline", days_overdue AS :"h_overdue"
  FROM v_county_progress ORDER BY county_code;
SELECT :'w_city' AS :"h_total", sum(mines_before) AS :"h_before", sum(mines_after) AS :"h_after",
	   to_char(100 * (1 - sum(mines_after)::numeric / NULLIF(sum(mines_before), 0)), 'FM990') || ' %' AS :"h_reduction",
	   param('reduction_target') AS :"h_target",
	   to_char(100 * sum(large_medium_share * mines_after) / NULLIF(sum(mines_after), 0), 'FM990') || ' %' AS :"h_large_medium"
  FROM v_county_progress;

\echo
\echo :t_dispositions
SELECT label('disposition', disposition) AS :"h_disposition", decisive_rule AS :"h_rule", count(*) AS :"h_mines"
  FROM v_dispositions GROUP BY disposition, decisive_rule ORDER BY min(CASE disposition WHEN 'ban' THEN 1 WHEN 'close' THEN 2 WHEN 'refer' THEN 3
	WHEN 'rectify' THEN 4 WHEN 'merge_retain' THEN 5 WHEN 'merge_close' THEN 6 WHEN 'exit_at_term' THEN 7
	WHEN 'mine_out_then_exit' THEN 8 WHEN 'retain' THEN 9 ELSE 10 END), 2;

\echo
\echo :t_merge_plan
SELECT count(*) AS :"h_clusters", sum(member_count) AS :"h_mines_in_clusters",
	   count(*) FILTER (WHERE retained_mine_id IS NULL) AS :"h_without_retained",
	   count(*) FILTER (WHERE reaches_medium) AS :"h_reach_medium", count(*) FILTER (WHERE NOT reaches_medium) AS :"h_stay_small",
	   count(*) FILTER (WHERE reaches_medium IS NULL) AS :"h_scale_unknown",
	   round(sum(total_area_km2)::numeric, 2) AS :"h_merged_km2",
	   (SELECT round(sum(gap_area_km2)::numeric, 2) FROM v_gap_resources) AS :"h_gap_km2"
  FROM v_merge_plan;
SELECT county_name AS :"h_county", cluster_id AS :"h_cluster", retained_mine_name AS :"h_retained",
	   member_count AS :"h_mines", round(total_area_km2::numeric, 3) AS :"h_km2",
	   label('scale', scale_class) AS :"h_scale"
  FROM v_merge_plan ORDER BY member_count DESC, id LIMIT 8;

\echo
\echo :t_overdue
SELECT count(*) AS :"h_overdue_items", count(DISTINCT county_code) AS :"h_counties" FROM v_overdue;
SELECT label('track', track) AS :"h_track", county_name AS :"h_county", coalesce(mine_name, '') AS :"h_mine",
	   label('stage', current_stage) AS :"h_at", label('stage', due_stage) AS :"h_due_stage",
	   due AS :"h_due", days_overdue AS :"h_days", department AS :"h_department"
  FROM v_overdue ORDER BY days_overdue DESC, id LIMIT 12;

\echo
\echo :t_tasks
SELECT department AS :"h_department", count(*) AS :"h_tasks", min(due) AS :"h_earliest_deadline"
  FROM v_department_tasks GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT department AS :"h_department", task AS :"h_task", county_name AS :"h_county", coalesce(mine_name, '') AS :"h_mine"
  FROM (SELECT DISTINCT ON (department) * FROM v_department_tasks ORDER BY department, due NULLS LAST, id) t
 ORDER BY department;

\echo
\echo :t_overlaps
SELECT count(*) AS :"h_overlapping_pairs" FROM v_overlaps;
