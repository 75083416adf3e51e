-- Adoption (四(三)): a county turns its stored merge plan into consolidation
-- units (one per merge cluster with a retained mine, all members listed) and
-- closures (every member that merges into another mine, and every mine whose
-- own verdict is ban or close), all at their first stage.

-- Availability: 0.1.0
CREATE FUNCTION adopt_merge_plan(county_code text) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $fn$
#variable_conflict use_variable
DECLARE
	v_county constant text := adopt_merge_plan.county_code;
	v_stage text;
	moved record;
	n_units integer;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM mineconsol.counties c WHERE c.code = v_county) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('unknown county "%s"'), v_county),
				  ERRCODE = 'foreign_key_violation',
				  HINT = mineconsol.tr('SELECT code, name FROM mineconsol.counties lists them.');
	END IF;

	-- The scheme row lock serialises two adoptions of one county.
	SELECT s.stage INTO v_stage FROM mineconsol.schemes s WHERE s.county_code = v_county FOR UPDATE;
	IF v_stage IS NULL OR v_stage = 'survey' THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('cannot adopt the merge plan of county %1$s: its scheme is at "%2$s"'),
					v_county, COALESCE(mineconsol.label('stage', v_stage), mineconsol.tr('none'))),
				  ERRCODE = 'check_violation',
				  DETAIL = format(mineconsol.tr('A county''s units are adopted once its scheme is at least "%s".'), mineconsol.label('stage', 'drafted')),
				  HINT = mineconsol.tr('advance(''scheme'', <id>, ''drafted'', <evidence>) first.');
	END IF;

	-- A row that has moved, even if reverted since, has a stage history, which
	-- the audit trail keeps (the stage trigger refuses to delete it).
	SELECT 'unit' AS track, u.id::text AS row_id, u.stage INTO moved
	  FROM mineconsol.units u
	 WHERE u.county_code = v_county AND (u.stage <> 'planned' OR u.last_event_id IS NOT NULL)
	 ORDER BY u.id LIMIT 1;
	IF NOT FOUND THEN
		SELECT 'closure' AS track, c.mine_id::text AS row_id, c.stage INTO moved
		  FROM mineconsol.closures c JOIN mineconsol.mines m ON m.id = c.mine_id
		 WHERE m.county_code = v_county AND (c.stage <> 'to_close' OR c.last_event_id IS NOT NULL)
		 ORDER BY c.mine_id LIMIT 1;
	END IF;
	IF FOUND THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('cannot adopt the merge plan of county %1$s again: %2$s %3$s is at "%4$s" and has a stage history'),
					v_county, mineconsol.label('track', moved.track), moved.row_id, mineconsol.label('stage', moved.stage)),
				  ERRCODE = 'check_violation',
				  DETAIL = mineconsol.tr('The merge plan is adopted again only while no unit or closure of the county has ever moved; stage_events keeps the history of those that have.'),
				  HINT = mineconsol.tr('Keep the adopted units, and add or change units and members by hand where the plan has changed.');
	END IF;

	-- The plan adopted is the stored one: the verdicts the city's reports
	-- show, computed from the whole registry (refresh_results()).
	IF NOT EXISTS (SELECT 1 FROM mineconsol.result_refreshes r
					WHERE r.county_code = v_county AND r.refreshed_at IS NOT NULL) THEN
		RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('cannot adopt the merge plan of county %s: its results have never been computed'), v_county),
				  ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = mineconsol.tr('adopt_merge_plan adopts the stored merge plan (merge_plan_results), which refresh_results() computes.'),
				  HINT = mineconsol.tr('SELECT * FROM mineconsol.refresh_results() first.');
	END IF;

	-- Adopting again replaces the previous, untouched adoption.
	DELETE FROM mineconsol.closures c USING mineconsol.mines m
	 WHERE m.id = c.mine_id AND m.county_code = v_county;
	DELETE FROM mineconsol.units u WHERE u.county_code = v_county;

	-- Three statements, not one: row-level security checks a member against
	-- its unit, which must be visible (committed to this command) first.
	-- The scratch table is named pg_temp.adopt_plan everywhere: pg_temp is
	-- last on this function's path, so a bare name would find a table of
	-- that name in public first, and run its owner's triggers as the caller.
	CREATE TEMPORARY TABLE pg_temp.adopt_plan ON COMMIT DROP AS
	SELECT p.cluster_id, p.retained_mine_id, p.member_ids, NULL::bigint AS unit_id
	  FROM mineconsol.merge_plan_results p
	 WHERE p.county_code = v_county AND p.retained_mine_id IS NOT NULL;

	WITH made AS (
		INSERT INTO mineconsol.units (county_code, retained_mine_id, cluster_id)
		SELECT v_county, p.retained_mine_id, p.cluster_id
		  FROM pg_temp.adopt_plan p
		 ORDER BY p.cluster_id
		RETURNING id, cluster_id
	)
	UPDATE pg_temp.adopt_plan p SET unit_id = made.id FROM made WHERE made.cluster_id = p.cluster_id;

	INSERT INTO mineconsol.unit_members (unit_id, mine_id)
	SELECT p.unit_id, unnest(p.member_ids) FROM pg_temp.adopt_plan p;

	INSERT INTO mineconsol.closures (mine_id, unit_id)
	SELECT m.mine_id, p.unit_id
	  FROM pg_temp.adopt_plan p CROSS JOIN LATERAL unnest(p.member_ids) AS m(mine_id)
	 WHERE m.mine_id <> p.retained_mine_id;
	DROP TABLE pg_temp.adopt_plan;

	-- Mines closed on their own verdict (ban, close), merged or not.
	INSERT INTO mineconsol.closures (mine_id)
	SELECT d.mine_id
	  FROM mineconsol.disposition_results d
	  JOIN mineconsol.mines m ON m.id = d.mine_id
	 WHERE m.county_code = v_county
	   AND d.disposition IN ('ban', 'close')
	ON CONFLICT (mine_id) DO NOTHING;

	SELECT count(*) INTO n_units FROM mineconsol.units u WHERE u.county_code = v_county;
	RETURN n_units;
END
$fn$;
COMMENT ON FUNCTION adopt_merge_plan(text) IS
  'Turns the county''s stored merge plan into units (stage planned) and closures (stage to_close) and returns the number of units. Needs the scheme drafted and stored results (55000); refused (23514) once a unit or closure has moved.';
