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

-- The facts, one row per mine.  Built set-wise: penalties, zone relations
-- (mine_zone_relations) and same-holder licences (GiST index on the
-- geometries) are joined once for all mines, the clusters come from one pass
-- of merge_cluster() per county.
-- Availability: 0.1.0
CREATE VIEW mine_facts AS
-- @template sql/templates/mine_facts.sql COUNTIES=NULL::text[] ORE_BODIES=NULL::text[]
;

COMMENT ON VIEW mine_facts IS
  'One row per mine with every fact a rule needs, judged at as_of(): the mine''s own columns but its geometry (join mines for it: classify() does not need it, and leaving it out keeps rows small), then scope, C1 penalties, C4 protected-area overlaps, planned/concentrated/eco-fragile zones, scale class, M1/L2 smallness, merge reach and anchor flag, merge cluster (merge_cluster per county over in-scope mines), the cluster''s retained mine and scale, L1 same-holder licences, and the parameters in force. classify() reads it. mine_facts_in() gives the same rows for some counties or ore bodies.';
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

-- The same facts for the mines of some counties (and of some ore bodies in
-- them): what refresh_results() recomputes.  A standard SQL body is parsed
-- once, when it is created (no caller's search_path reaches it), and the
-- planner inlines it with its arguments as constants, so that one ore body's
-- mines, penalties and zones are read by index (sql/templates/mine_facts.sql).
-- Availability: 0.2.0
CREATE FUNCTION mine_facts_in(counties text[], ore_bodies text[] DEFAULT NULL) RETURNS SETOF mine_facts
LANGUAGE sql STABLE
BEGIN ATOMIC
-- @template sql/templates/mine_facts.sql COUNTIES=mine_facts_in.counties ORE_BODIES=mine_facts_in.ore_bodies
;
END;
COMMENT ON FUNCTION mine_facts_in(text[], text[]) IS
  'The rows of mine_facts whose county is in counties and, unless ore_bodies is NULL, whose ore body is in ore_bodies, computed for those mines alone (clusters never cross a county or an ore body; zones and L1 come from the whole registry). NULL counties: every mine.';

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
