-- Classification (三(二)): the facts every rule needs, the C function that
-- turns them into a verdict, and the views analysts query: dispositions,
-- merge_plan, overlaps.  The rules are those of docs/rules.md, "Rule by
-- rule"; the numbers come from mineconsol.parameters.

-- Availability: 0.1.0
CREATE TYPE disposition AS ENUM (
	'ban', 'close', 'refer', 'rectify', 'merge_retain', 'merge_close',
	'exit_at_term', 'mine_out_then_exit', 'retain', 'out_of_scope');
COMMENT ON TYPE disposition IS
  'What the plan does with a mine: ban (C1), close (C2, C3 after its deadline, E1), refer (C4), rectify (C3), merge_retain / merge_close (C6), exit_at_term / mine_out_then_exit (C5), retain (R), out_of_scope.';

-- Availability: 0.1.0
CREATE TYPE verdict AS (
	disposition disposition,
	rules       text[],
	reasons     text[]
);
COMMENT ON TYPE verdict IS
  'The result of classify(): the decisive disposition, every rule code that matched (decisive first; a code ending in ? marks a rule that could not be decided for a missing fact) and one reason per code, in the same order.';

-- Availability: 0.1.0
CREATE FUNCTION as_of() RETURNS date
AS 'MODULE_PATHNAME', 'mc_as_of'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION as_of() IS
  'The day every rule judges at: the setting mineconsol.as_of, or today when it is empty. SET mineconsol.as_of = ''2023-06-30'' replays the programme as it stood then.';

-- Availability: 0.1.0
CREATE FUNCTION classify_row(facts record) RETURNS verdict
AS 'MODULE_PATHNAME', 'mc_classify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION classify_row(record) IS
  'classify() for any row that has the fields of mine_facts (found by name): mine_facts itself uses it to judge each member''s own verdict before the retained mine is chosen.';

-- The facts, one row per mine.  Built set-wise: penalties, zones and
-- same-holder licences are joined once for all mines (GiST indexes on the
-- geometries), the clusters come from one pass of merge_cluster() per county.
-- Availability: 0.1.0
CREATE VIEW mine_facts AS
WITH p AS MATERIALIZED (
	SELECT as_of() AS as_of,
		   param('merge_distance_m') AS merge_distance_m,
		   param('safety_distance_m') AS safety_distance_m,
		   param('small_area_km2') AS small_area_km2,
		   param('small_reserves_t') AS small_reserves_t,
		   param('penalty_count') AS penalty_count,
		   param('penalty_window_years') AS penalty_window_years,
		   param('very_small_fraction') AS very_small_fraction,
		   -- While refresh_results() runs: only the counties it recomputes
		   -- (clusters never cross a county, so theirs are exact); else all.
		   NULLIF(pg_catalog.current_setting('mineconsol.facts_counties', true), '')::text[] AS counties
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
	 GROUP BY r.mine_id
),
-- L1: other licences of the same holder on the same ore body within the merge distance.
l1 AS (
	SELECT a.id, array_agg(b.id ORDER BY b.id) AS l1_same_holder_ids
	  FROM mines a
	 CROSS JOIN p
	  JOIN mines b ON b.holder_uscc = a.holder_uscc AND b.ore_body = a.ore_body AND b.id <> a.id
	 WHERE a.holder_uscc IS NOT NULL AND a.ore_body IS NOT NULL
	   AND (p.counties IS NULL OR a.county_code = ANY (p.counties))
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
	 WHERE p.counties IS NULL OR m.county_code = ANY (p.counties)
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
cluster_scale AS (
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
  LEFT JOIN cluster_info ci ON ci.id = f.id;

COMMENT ON VIEW mine_facts IS
  'One row per mine with every fact a rule needs, judged at as_of(): the mine''s own columns but its geometry (join mines for it: classify() does not need it, and leaving it out keeps rows small), then scope, C1 penalties, C4 protected-area overlaps, planned/concentrated/eco-fragile zones, scale class, M1/L2 smallness, merge reach and anchor flag, merge cluster (merge_cluster per county over in-scope mines), the cluster''s retained mine and scale, L1 same-holder licences, and the parameters in force. classify() reads it. While refresh_results() runs it computes only the counties being refreshed (the internal setting mineconsol.facts_counties).';
COMMENT ON COLUMN mine_facts.as_of IS 'The day the facts are judged at (mineconsol.as_of, default today)';
COMMENT ON COLUMN mine_facts.in_scope IS 'Scope (三(一)): licensed by the city or a county, and S1 (licence valid at as_of with reserves > 0), S2, S3, or an expired licence (so that C2 can close it)';
COMMENT ON COLUMN mine_facts.licence_valid IS 'valid_from <= as_of <= valid_to; NULL when valid_to is not recorded';
COMMENT ON COLUMN mine_facts.c1_act_on IS 'C1: the first illegal-mining act (up to as_of) with at least penalty_count illegal-mining penalties in the penalty_window_years before it; NULL when none';
COMMENT ON COLUMN mine_facts.c1_penalties IS 'C1: number of those penalties';
COMMENT ON COLUMN mine_facts.c1_first_penalty IS 'C1: first of those penalties';
COMMENT ON COLUMN mine_facts.c1_last_penalty IS 'C1: last of those penalties';
COMMENT ON COLUMN mine_facts.c4_zones IS 'C4: red-line and protected zones the mining area overlaps with positive area, as "name (kind)"';
COMMENT ON COLUMN mine_facts.c4_overlap_km2 IS 'C4: area of those overlaps, km²';
COMMENT ON COLUMN mine_facts.planned_zone IS 'S4: a planned mining zone that covers the mining area; NULL when none';
COMMENT ON COLUMN mine_facts.concentrated_zone IS 'L2: a concentrated mining zone that covers the mining area; NULL when none';
COMMENT ON COLUMN mine_facts.eco_fragile_zones IS 'A1: ecologically fragile zones the mining area overlaps with positive area';
COMMENT ON COLUMN mine_facts.scale_class IS 'Production scale class from scale_thresholds (''unknown'' when no row fits)';
COMMENT ON COLUMN mine_facts.m1_small IS 'M1: area below small_area_km2 and reserves below small_reserves_t; NULL when either is not recorded';
COMMENT ON COLUMN mine_facts.l2_small IS 'L2: small or very small scale inside a concentrated mining zone; NULL when inside one with an unknown scale class';
COMMENT ON COLUMN mine_facts.merge_reach IS 'Reach for merge_cluster: merge_distance_m when M1-small, else safety_distance_m when L2-small, else 0';
COMMENT ON COLUMN mine_facts.anchor IS 'Neither M1- nor L2-small: a larger mine small neighbours merge into';
COMMENT ON COLUMN mine_facts.cluster_id IS 'Merge cluster within the county (merge_cluster over in-scope mines, ordered by id); NULL when in none';
COMMENT ON COLUMN mine_facts.cluster_size IS 'Number of mines in the cluster';
COMMENT ON COLUMN mine_facts.retained_mine_id IS 'L4: the cluster''s retained mine (anchor first, then most of group_enterprise/downstream_processing/green_listed, largest reserves, largest area, lowest id; never one whose own verdict is ban, close or refer); NULL when none qualifies';
COMMENT ON COLUMN mine_facts.cluster_scale_class IS 'L3: scale class of the merged mine: the members'' capacities in the retained mine''s unit against its mineral''s thresholds';
COMMENT ON COLUMN mine_facts.l1_same_holder_ids IS 'L1: other mines of the same holder (holder_uscc) on the same ore body within merge_distance_m';
COMMENT ON COLUMN mine_facts.merge_distance_m IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.safety_distance_m IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.small_area_km2 IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.small_reserves_t IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.penalty_count IS 'Parameter in force';
COMMENT ON COLUMN mine_facts.penalty_window_years IS 'Parameter in force';

-- Availability: 0.1.0
CREATE FUNCTION classify(facts mine_facts) RETURNS verdict
AS 'MODULE_PATHNAME', 'mc_classify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION classify(mine_facts) IS
  'The plan''s verdict on one mine (三(二); docs/rules.md): the decisive disposition by precedence, every matched rule code (decisive first; notes; "X?" where a missing fact leaves rule X undecided) and one reason per code. Pure: reads only the row''s fields, by name.';

-- Availability: 0.1.0
CREATE VIEW dispositions AS
SELECT f.id, f.license_no, f.name, f.holder, f.holder_uscc, f.county_code, f.licensed_by,
	   f.mineral, f.mineral_group, f.ore_body, m.geom, f.elev_top, f.elev_bottom, f.area_km2,
	   f.reserves_t, f.capacity, f.capacity_unit, f.valid_from, f.valid_to, f.expiry_cause,
	   f.transfer_mode, f.documents_incomplete, f.area_delineated, f.eco_ok, f.safety_ok,
	   f.product_ok, f.backward_process, f.restoration_ok, f.group_enterprise,
	   f.downstream_processing, f.green_listed, f.fake_consolidation_suspected, f.rectify_by,
	   f.note,
	   (f.v).disposition, (f.v).rules, (f.v).reasons
  -- classify() once per row (OFFSET 0 keeps the subquery, so that the three
  -- fields do not call it three times), as a scalar: no function scan.
  FROM (SELECT f.*, classify(f) AS v FROM mine_facts f OFFSET 0) f
  -- LEFT: a query that does not read geom skips the join altogether.
  LEFT JOIN mines m ON m.id = f.id;
COMMENT ON VIEW dispositions IS
  'Every mine (all columns of mines) with its verdict at as_of(): disposition, rules (decisive first) and reasons.';
COMMENT ON COLUMN dispositions.disposition IS 'Decisive disposition';
COMMENT ON COLUMN dispositions.rules IS 'Every matched rule code, decisive first';
COMMENT ON COLUMN dispositions.reasons IS 'One sentence per rule code, with the facts behind it';

-- Availability: 0.1.0; 0.2.0 simplifies an area of many vertices first.
CREATE FUNCTION gap_resources(merged geometry, merge_distance float8) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $fn$
DECLARE
	-- Above this many vertices GEOS's buffer of a ragged outline (a comb)
	-- takes seconds to hours and cannot be cancelled: the closing is then
	-- computed from a simplification of the area (see below).
	max_vertices constant int := 256;
	coarse geometry := merged;
	tolerance float8 := greatest(merge_distance / 20, ST_Perimeter(merged) / 10000);
	closed geometry;
BEGIN
	IF ST_NPoints(merged) > max_vertices THEN
		-- Douglas-Peucker at merge_distance / 20 (or the perimeter / 10 000
		-- when larger), the tolerance growing fourfold until at most
		-- max_vertices remain (or it exceeds the extent); the closing and the
		-- gap are then those of the simplified area, which lies within the
		-- tolerance of the real one.
		-- Mines have tens of corner points: a cluster's area is simplified
		-- only when it is made of many or very ragged mines.
		LOOP
			coarse := ST_Simplify(merged, tolerance, true);
			-- Many separate parts keep a few vertices each whatever the
			-- tolerance: stop once it exceeds the area's extent.
			EXIT WHEN ST_NPoints(coarse) <= max_vertices
				   OR tolerance > greatest(ST_XMax(merged) - ST_XMin(merged), ST_YMax(merged) - ST_YMin(merged));
			tolerance := tolerance * 4;
		END LOOP;
	END IF;
	IF coarse IS DISTINCT FROM merged THEN
		coarse := ST_CollectionExtract(ST_MakeValid(coarse), 3);
	END IF;
	IF ST_NumGeometries(coarse) > 16 THEN
		-- Many separate parts (a large cluster): the outward buffer of the
		-- whole is the union of the parts' buffers, which GEOS computes part
		-- by part and unions in cascade, instead of one buffer over all the
		-- parts at once (minutes for 10 000 parts, where cancelling does not
		-- reach).
		closed := ST_Buffer((SELECT ST_Union(ST_Buffer(p.geom, merge_distance / 2)) FROM ST_Dump(coarse) p),
							-merge_distance / 2);
	ELSE
		closed := ST_Buffer(ST_Buffer(coarse, merge_distance / 2), -merge_distance / 2);
	END IF;
	-- Slivers under 1 m² that the buffers' arc approximation leaves are dropped.
	RETURN (SELECT ST_Multi(COALESCE(ST_Union(g.geom), ST_GeomFromText('POLYGON EMPTY', ST_SRID(merged))))
			  FROM ST_Dump(ST_CollectionExtract(ST_Difference(closed, coarse), 3)) g
			 WHERE ST_Area(g.geom) >= 1);
END
$fn$;
COMMENT ON FUNCTION gap_resources(geometry, float8) IS
  'Gap resources (夹缝资源) of a merged area: its closing by half the merge distance (buffer out, then in) minus the area, as a MultiPolygon (empty when none; parts under 1 m² dropped). Over 256 vertices, computed on a simplification (tolerance merge_distance/20 or more), which bounds the time.';

-- Availability: 0.1.0
CREATE VIEW merge_plan AS
WITH members AS (
	SELECT f.county_code, f.cluster_id, f.id, f.ore_body, m.geom, f.reserves_t, f.area_km2,
		   f.retained_mine_id, f.cluster_scale_class, f.merge_distance_m
	  FROM mine_facts f
	  JOIN mines m ON m.id = f.id
	 WHERE f.cluster_id IS NOT NULL
),
clusters AS (
	SELECT m.county_code, m.cluster_id,
		   min(m.ore_body) AS ore_body,
		   min(m.retained_mine_id) AS retained_mine_id,
		   array_agg(m.id ORDER BY m.id) AS member_ids,
		   ST_Union(m.geom) AS merged,
		   sum(m.reserves_t) AS total_reserves_t,
		   min(m.cluster_scale_class) AS scale_class,
		   min(m.merge_distance_m)::float8 AS merge_distance
	  FROM members m
	 GROUP BY m.county_code, m.cluster_id
)
SELECT c.county_code, c.cluster_id, c.ore_body, c.retained_mine_id,
	   CASE WHEN c.retained_mine_id IS NULL
			THEN 'every member is banned, closed or referred: no mine can be retained' END AS note,
	   c.member_ids,
	   ST_Multi(c.merged)::geometry(MultiPolygon) AS geom,
	   gap_resources(c.merged, c.merge_distance)::geometry(MultiPolygon) AS gap_geom,
	   c.total_reserves_t,
	   ST_Area(c.merged) / 1e6 AS total_area_km2,
	   c.scale_class,
	   CASE WHEN c.scale_class = 'unknown' THEN NULL
			ELSE c.scale_class IN ('large', 'medium') END AS reaches_medium
  FROM clusters c;
COMMENT ON VIEW merge_plan IS
  'One row per merge cluster at as_of(): county, ore body, the retained mine (L4; NULL with a note when every member is disqualified), members, merged area, gap resources (夹缝资源) between the members, total reserves and area, the merged mine''s scale class and whether it reaches medium (L3).';
COMMENT ON COLUMN merge_plan.county_code IS 'County (clusters are computed per county)';
COMMENT ON COLUMN merge_plan.cluster_id IS 'Cluster number within the county (mine_facts.cluster_id)';
COMMENT ON COLUMN merge_plan.ore_body IS 'Ore body the members work';
COMMENT ON COLUMN merge_plan.retained_mine_id IS 'L4: the retained mine (整合保留矿山); NULL when every member is banned, closed or referred';
COMMENT ON COLUMN merge_plan.note IS 'Why there is no retained mine, when there is none';
COMMENT ON COLUMN merge_plan.member_ids IS 'All members, the retained mine included, by id';
COMMENT ON COLUMN merge_plan.geom IS 'Merged area: union of the members'' mining areas';
COMMENT ON COLUMN merge_plan.gap_geom IS 'Gap resources (夹缝资源): morphological closing of the union by half the merge distance, minus the union (parts under 1 m² dropped); empty when the members touch';
COMMENT ON COLUMN merge_plan.total_reserves_t IS 'Sum of the members'' retained reserves, t';
COMMENT ON COLUMN merge_plan.total_area_km2 IS 'Area of the merged area, km² (overlaps counted once)';
COMMENT ON COLUMN merge_plan.scale_class IS 'Production scale class of the merged mine (members'' capacities against the retained mine''s mineral); ''unknown'' when scale_thresholds has no row';
COMMENT ON COLUMN merge_plan.reaches_medium IS 'L3: the merged mine is large or medium; NULL when its scale class is unknown';

-- Availability: 0.1.0
CREATE VIEW "overlaps" AS
SELECT a.id AS mine_id_a, b.id AS mine_id_b,
	   a.county_code AS county_code_a, b.county_code AS county_code_b,
	   ST_Area(ST_Intersection(a.geom, b.geom)) / 1e6 AS overlap_km2,
	   greatest(a.elev_bottom, b.elev_bottom) AS elev_bottom,
	   least(a.elev_top, b.elev_top) AS elev_top,
	   ST_Multi(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3))::geometry(MultiPolygon) AS geom
  FROM mines a
  JOIN mines b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
 WHERE ST_Relate(a.geom, b.geom, 'T********')
   AND (a.elev_bottom IS NULL OR b.elev_top IS NULL OR a.elev_bottom <= b.elev_top)
   AND (b.elev_bottom IS NULL OR a.elev_top IS NULL OR b.elev_bottom <= a.elev_top);
COMMENT ON VIEW "overlaps" IS
  'Overlapping mining rights (矿权重叠), a registry error the counties must fix: pairs of mines whose areas overlap with positive area and whose elevation ranges intersect (an unrecorded range counts as intersecting).';
COMMENT ON COLUMN "overlaps".mine_id_a IS 'The mine with the lower id';
COMMENT ON COLUMN "overlaps".mine_id_b IS 'The mine with the higher id';
COMMENT ON COLUMN "overlaps".county_code_a IS 'County of mine a';
COMMENT ON COLUMN "overlaps".county_code_b IS 'County of mine b';
COMMENT ON COLUMN "overlaps".overlap_km2 IS 'Area of the overlap, km²';
COMMENT ON COLUMN "overlaps".elev_bottom IS 'Bottom of the shared elevation range, m (NULL when unknown)';
COMMENT ON COLUMN "overlaps".elev_top IS 'Top of the shared elevation range, m (NULL when unknown)';
COMMENT ON COLUMN "overlaps".geom IS 'The overlap';
