-- The query behind mine_facts: one row per mine with every fact a rule
-- needs.  Two definitions take it (sql/60_classify.sql): the view
-- mine_facts, every mine (COUNTIES and ORE_BODIES both NULL::text[]), and
-- mine_facts_in(counties, ore_bodies), the mines of those counties (and of
-- those ore bodies, unless NULL) that refresh_results() recomputes.  The
-- function is inlined, so its arguments reach the planner as constants: the
-- view's "NULL IS NULL OR ..." folds away and plans as before, a refresh of
-- one ore body reads its mines, penalties and zones by index.  Clusters never
-- cross a county or an ore body, and L1 and the zones come from the whole
-- registry, so the rows of a restricted call are exact.
-- Expanded by sql/expand.pl:
--   -- @template sql/templates/mine_facts.sql COUNTIES=… ORE_BODIES=…

WITH p AS MATERIALIZED (
	SELECT as_of() AS as_of,
		   param('merge_distance_m') AS merge_distance_m,
		   param('safety_distance_m') AS safety_distance_m,
		   param('small_area_km2') AS small_area_km2,
		   param('small_reserves_t') AS small_reserves_t,
		   param('penalty_count') AS penalty_count,
		   param('penalty_window_years') AS penalty_window_years,
		   param('very_small_fraction') AS very_small_fraction
),
-- The mines asked for, when some are (mine_facts_in()): their ids, read
-- once, by which penalties and zones are then read (by index).  The view
-- never reads it: its "NULL IS NULL OR ..." folds to true.
asked AS MATERIALIZED (
	SELECT array_agg(s.id) AS ids
	  FROM mines s
	 WHERE s.county_code = ANY (@COUNTIES@)
	   AND (@ORE_BODIES@ IS NULL OR s.ore_body = ANY (@ORE_BODIES@))
),
-- C1: the first illegal act (up to as_of) preceded, within the window, by at
-- least penalty_count illegal-mining penalties imposed up to as_of.
c1 AS (
	SELECT DISTINCT ON (a.mine_id)
		   a.mine_id, a.occurred_on AS c1_act_on, pen.n AS c1_penalties,
		   pen.first_on AS c1_first_penalty, pen.last_on AS c1_last_penalty
	  FROM violations a
	 CROSS JOIN p
	 CROSS JOIN LATERAL (
		SELECT count(*)::int AS n, min(b.penalized_on) AS first_on, max(b.penalized_on) AS last_on
		  FROM violations b
		 WHERE b.mine_id = a.mine_id
		   AND b.kind = 'illegal_mining'
		   AND b.penalized_on <= p.as_of
		   AND b.penalized_on < a.occurred_on
		   AND b.penalized_on >= (a.occurred_on - make_interval(years => p.penalty_window_years::int))::date
	 ) pen
	 WHERE a.kind = 'illegal_mining'
	   AND a.occurred_on <= p.as_of
	   AND pen.n >= p.penalty_count
	   AND (@COUNTIES@ IS NULL OR a.mine_id = ANY ((SELECT s.ids FROM asked s)::bigint[]))
	 ORDER BY a.mine_id, a.occurred_on
),
-- C4 and the zones: what mine_zone_relations (kept by triggers on mines and
-- zones) says, for the zones the caller may see.  C4: positive-area overlap
-- (interiors meet) with red lines and protected areas.
c4 AS (
	SELECT r.mine_id AS id,
		   array_agg(format('%s (%s)', z.name, z.kind) ORDER BY z.name, z.id) AS c4_zones,
		   sum(r.overlap_km2) AS c4_overlap_km2
	  FROM mine_zone_relations r
	  JOIN zones z ON z.id = r.zone_id
	 WHERE z.kind IN ('eco_redline', 'nature_reserve', 'scenic_area', 'water_source')
	   AND (@COUNTIES@ IS NULL OR r.mine_id = ANY ((SELECT s.ids FROM asked s)::bigint[]))
	 GROUP BY r.mine_id
),
-- The planned or concentrated mining zone that covers a mine, and the
-- eco-fragile zones it overlaps with positive area.
zoned AS (
	SELECT r.mine_id AS id,
		   min(z.name) FILTER (WHERE z.kind = 'planned_mining') AS planned_zone,
		   min(z.name) FILTER (WHERE z.kind = 'concentrated_mining') AS concentrated_zone,
		   array_agg(z.name ORDER BY z.name) FILTER (WHERE z.kind = 'eco_fragile') AS eco_fragile_zones
	  FROM mine_zone_relations r
	  JOIN zones z ON z.id = r.zone_id
	 WHERE z.kind IN ('planned_mining', 'concentrated_mining', 'eco_fragile')
	   AND (@COUNTIES@ IS NULL OR r.mine_id = ANY ((SELECT s.ids FROM asked s)::bigint[]))
	 GROUP BY r.mine_id
),
-- L1: other licences of the same holder on the same ore body within the merge distance.
l1 AS (
	SELECT a.id, array_agg(b.id ORDER BY b.id) AS l1_same_holder_ids
	  FROM mines a
	 CROSS JOIN p
	  JOIN mines b ON b.holder_uscc = a.holder_uscc AND b.ore_body = a.ore_body AND b.id <> a.id
	 WHERE a.holder_uscc IS NOT NULL AND a.ore_body IS NOT NULL
	   AND (@COUNTIES@ IS NULL OR a.county_code = ANY (@COUNTIES@))
	   AND (@ORE_BODIES@ IS NULL OR a.ore_body = ANY (@ORE_BODIES@))
	   AND ST_DWithin(a.geom, b.geom, p.merge_distance_m::float8)
	 GROUP BY a.id
),
-- Everything but the geometry, one row per mine, with scope, smallness and
-- merge reach worked out.  What clustering reads comes first: reading a
-- materialised row stops at the last column asked for.
reached AS MATERIALIZED (
	SELECT m.id, m.county_code, m.ore_body, k.in_scope, r.merge_reach, r.anchor,
		   m.license_no, m.name, m.holder, m.holder_uscc, m.licensed_by,
		   m.mineral, m.mineral_group, m.elev_top, m.elev_bottom, m.area_km2, m.valid_from, m.note,
		   m.reserves_t, m.capacity, m.capacity_unit, m.valid_to, m.expiry_cause,
		   m.transfer_mode, m.documents_incomplete, m.area_delineated, m.eco_ok, m.safety_ok,
		   m.product_ok, m.backward_process, m.restoration_ok, m.group_enterprise,
		   m.downstream_processing, m.green_listed, m.fake_consolidation_suspected, m.rectify_by,
		   p.as_of, v.licence_valid,
		   c1.c1_act_on, c1.c1_penalties, c1.c1_first_penalty, c1.c1_last_penalty,
		   c4.c4_zones, c4.c4_overlap_km2,
		   zoned.planned_zone, zoned.concentrated_zone, zoned.eco_fragile_zones,
		   v.scale_class, k.m1_small, k.l2_small,
		   l1.l1_same_holder_ids,
		   p.merge_distance_m, p.safety_distance_m, p.small_area_km2, p.small_reserves_t,
		   p.penalty_count, p.penalty_window_years
	  FROM mines m
	 CROSS JOIN p
	  LEFT JOIN c1 ON c1.mine_id = m.id
	  LEFT JOIN c4 ON c4.id = m.id
	  LEFT JOIN zoned ON zoned.id = m.id
	  LEFT JOIN l1 ON l1.id = m.id
	  LEFT JOIN LATERAL (
		SELECT scale_class_of(m.capacity, t.large_min, t.medium_min, p.very_small_fraction) AS scale_class
		  FROM scale_thresholds t
		 WHERE m.capacity IS NOT NULL
		   AND t.unit = m.capacity_unit
		   AND starts_with(m.mineral, t.mineral)
		 ORDER BY length(t.mineral) DESC
		 LIMIT 1
	  ) sc ON true
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN m.valid_to IS NULL THEN NULL
					ELSE m.valid_to >= p.as_of AND COALESCE(m.valid_from <= p.as_of, true) END AS licence_valid,
			   COALESCE(sc.scale_class, 'unknown') AS scale_class
	  ) v
	 CROSS JOIN LATERAL (
		SELECT m.licensed_by IN ('city', 'county')
			   AND (COALESCE(v.licence_valid AND m.reserves_t > 0, false)
					OR m.documents_incomplete OR m.area_delineated
					OR COALESCE(m.valid_to < p.as_of, false)) AS in_scope,
			   CASE WHEN m.area_km2 IS NULL OR m.reserves_t IS NULL THEN NULL
					ELSE m.area_km2 < p.small_area_km2 AND m.reserves_t < p.small_reserves_t END AS m1_small,
			   CASE WHEN zoned.concentrated_zone IS NULL THEN false
					WHEN v.scale_class = 'unknown' THEN NULL
					ELSE v.scale_class IN ('small', 'very_small') END AS l2_small
	  ) k
	 CROSS JOIN LATERAL (
		SELECT CASE WHEN k.m1_small THEN p.merge_distance_m
					WHEN k.l2_small THEN p.safety_distance_m
					ELSE 0 END::float8 AS merge_reach,
			   NOT (COALESCE(k.m1_small, false) OR COALESCE(k.l2_small, false)) AS anchor
	  ) r
	 WHERE (@COUNTIES@ IS NULL OR m.county_code = ANY (@COUNTIES@))
	   AND (@ORE_BODIES@ IS NULL OR m.ore_body = ANY (@ORE_BODIES@))
),
-- Only in-scope mines take part in clustering, per county.  The narrow rows
-- are sorted into window order first and each geometry is then fetched by
-- key (OFFSET 0 keeps that a nested loop), so no sort ever carries the
-- geometries; only (id, county, cluster) comes out.
clustered AS MATERIALIZED (
	SELECT r.id, r.county_code,
		   merge_cluster(m.geom, m.ore_body, r.merge_reach, r.anchor)
			 OVER (PARTITION BY r.county_code ORDER BY r.id) AS cluster_id
	  FROM (SELECT r.id, r.county_code, r.merge_reach, r.anchor
			  FROM reached r WHERE r.in_scope
			 ORDER BY r.county_code, r.id) r
	 CROSS JOIN LATERAL (SELECT m.geom, m.ore_body FROM mines m WHERE m.id = r.id OFFSET 0) m
),
cluster_sizes AS (
	SELECT c.county_code, c.cluster_id, count(*)::int AS cluster_size
	  FROM clustered c
	 WHERE c.cluster_id IS NOT NULL
	 GROUP BY c.county_code, c.cluster_id
),
-- The members of the clusters, as classify_row() judges them before the
-- retained mine is chosen.
f1 AS MATERIALIZED (
	SELECT r.*, c.cluster_id, cs.cluster_size,
		   NULL::bigint AS retained_mine_id,
		   NULL::text AS cluster_scale_class
	  FROM clustered c
	  JOIN cluster_sizes cs ON cs.county_code = c.county_code AND cs.cluster_id = c.cluster_id
	  JOIN reached r ON r.id = c.id
),
-- L4: the retained mine of each cluster, among the members whose own verdict
-- (classified with the cluster known and no retained mine yet) is not ban,
-- close or refer.
retained AS (
	SELECT DISTINCT ON (f.county_code, f.cluster_id)
		   f.county_code, f.cluster_id, f.id AS retained_mine_id, f.mineral, f.capacity_unit
	  FROM f1 f
	 WHERE f.cluster_id IS NOT NULL
	   AND (classify_row(f)).disposition NOT IN ('ban', 'close', 'refer')
	 ORDER BY f.county_code, f.cluster_id,
			  f.anchor DESC,
			  (f.group_enterprise::int + f.downstream_processing::int + f.green_listed::int) DESC,
			  f.reserves_t DESC NULLS LAST,
			  f.area_km2 DESC NULLS LAST,
			  f.id
),
-- L3: the merged mine's production scale, from the members' capacities in
-- the retained mine's unit, against the retained mine's mineral.
cluster_capacity AS (
	SELECT f.county_code, f.cluster_id, f.capacity_unit, sum(f.capacity) AS total
	  FROM f1 f
	 WHERE f.cluster_id IS NOT NULL
	 GROUP BY f.county_code, f.cluster_id, f.capacity_unit
),
-- Computed once (MATERIALIZED): for the few clusters of one ore body the
-- planner would otherwise evaluate it again for every member.
cluster_scale AS MATERIALIZED (
	SELECT r.county_code, r.cluster_id,
		   COALESCE((
			 SELECT scale_class_of(cap.total, t.large_min, t.medium_min, p.very_small_fraction)
			   FROM scale_thresholds t
			  WHERE cap.total IS NOT NULL
				AND t.unit = r.capacity_unit
				AND starts_with(r.mineral, t.mineral)
			  ORDER BY length(t.mineral) DESC
			  LIMIT 1), 'unknown') AS cluster_scale_class
	  FROM retained r
	 CROSS JOIN p
	  LEFT JOIN cluster_capacity cap
		ON cap.county_code = r.county_code AND cap.cluster_id = r.cluster_id
	   AND cap.capacity_unit = r.capacity_unit
),
-- What the mines in a cluster learn about it; the others have no row here.
cluster_info AS (
	SELECT c.id, c.cluster_id, csz.cluster_size, r.retained_mine_id,
		   COALESCE(cs.cluster_scale_class, 'unknown') AS cluster_scale_class
	  FROM clustered c
	  JOIN cluster_sizes csz ON csz.county_code = c.county_code AND csz.cluster_id = c.cluster_id
	  LEFT JOIN retained r ON r.county_code = c.county_code AND r.cluster_id = c.cluster_id
	  LEFT JOIN cluster_scale cs ON cs.county_code = c.county_code AND cs.cluster_id = c.cluster_id
)
SELECT f.id, f.license_no, f.name, f.holder, f.holder_uscc, f.county_code, f.licensed_by,
	   f.mineral, f.mineral_group, f.ore_body, f.elev_top, f.elev_bottom, f.area_km2,
	   f.reserves_t, f.capacity, f.capacity_unit, f.valid_from, f.valid_to, f.expiry_cause,
	   f.transfer_mode, f.documents_incomplete, f.area_delineated, f.eco_ok, f.safety_ok,
	   f.product_ok, f.backward_process, f.restoration_ok, f.group_enterprise,
	   f.downstream_processing, f.green_listed, f.fake_consolidation_suspected, f.rectify_by,
	   f.note,
	   f.as_of, f.in_scope, f.licence_valid,
	   f.c1_act_on, f.c1_penalties, f.c1_first_penalty, f.c1_last_penalty,
	   f.c4_zones, f.c4_overlap_km2,
	   f.planned_zone, f.concentrated_zone, f.eco_fragile_zones,
	   f.scale_class, f.m1_small, f.l2_small, f.merge_reach, f.anchor,
	   ci.cluster_id, ci.cluster_size, ci.retained_mine_id, ci.cluster_scale_class,
	   f.l1_same_holder_ids,
	   f.merge_distance_m, f.safety_distance_m, f.small_area_km2, f.small_reserves_t,
	   f.penalty_count, f.penalty_window_years
  FROM reached f
  LEFT JOIN cluster_info ci ON ci.id = f.id
