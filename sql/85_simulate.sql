-- What-if plans (simulate()): the counts of v_county_progress as a refresh
-- would store them with other parameter values, computed without writing.

-- Availability: 0.2.0
CREATE FUNCTION simulate(overrides jsonb)
RETURNS TABLE (county_code text, mines_before bigint, mines_after bigint, mines_exiting bigint,
			   reduction_ratio numeric, meets_target boolean, large_medium_share numeric)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
SET mineconsol.simulate_parameters = ''
SET mineconsol.as_of = ''
AS $fn$
DECLARE
	k text;
	t text;
BEGIN
	IF jsonb_typeof(overrides) <> 'object' THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('simulate() takes a JSON object of parameter values'),
				  ERRCODE = 'invalid_parameter_value',
				  DETAIL = format(mineconsol.tr('It was given a JSON %s.'), jsonb_typeof(overrides)),
				  HINT = mineconsol.tr('For example: SELECT * FROM mineconsol.simulate(''{"merge_distance_m": 800}'').');
	END IF;
	FOR k, t IN SELECT e.key, jsonb_typeof(e.value) FROM jsonb_each(overrides) e ORDER BY e.key LOOP
		IF NOT EXISTS (SELECT 1 FROM mineconsol.parameters p WHERE p.name = k) OR k = 'working_srid' THEN
			RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('unknown parameter "%s" in simulate()''s overrides'), k),
					  ERRCODE = 'invalid_parameter_value',
					  HINT = mineconsol.tr('SELECT name FROM mineconsol.parameters lists them (working_srid cannot be simulated).');
		END IF;
		IF t <> 'number' OR (overrides ->> k)::numeric < 0 THEN
			RAISE EXCEPTION USING MESSAGE = format(mineconsol.tr('parameter "%s" in simulate()''s overrides must be a non-negative number'), k),
					  ERRCODE = 'invalid_parameter_value',
					  DETAIL = format(mineconsol.tr('It was given %s.'), overrides -> k);
		END IF;
	END LOOP;
	-- For this call only (the SET clauses restore both on exit): the
	-- overridden parameters, and the day stored results judge at.
	PERFORM set_config('mineconsol.simulate_parameters', overrides::text, true);
	PERFORM set_config('mineconsol.as_of', to_char(mineconsol.results_as_of(), 'YYYY-MM-DD'), true);
	RETURN QUERY
	WITH f AS MATERIALIZED (
		-- The facts refresh_requested_results() reads (mine_facts_in()), of every county.
		SELECT f.county_code, f.in_scope, f.mineral_group,
			   CASE WHEN f.retained_mine_id = f.id THEN f.cluster_scale_class ELSE f.scale_class END AS scale_class,
			   v.disposition
		  FROM mineconsol.mine_facts f
		 CROSS JOIN LATERAL mineconsol.classify(f) v
	), n AS (
		SELECT f.county_code,
			   count(*) FILTER (WHERE f.in_scope) AS mines_before,
			   count(*) FILTER (WHERE f.disposition IN ('merge_retain', 'retain', 'rectify')) AS mines_after,
			   count(*) FILTER (WHERE f.disposition IN ('exit_at_term', 'mine_out_then_exit')) AS mines_exiting,
			   count(*) FILTER (WHERE f.disposition IN ('merge_retain', 'retain', 'rectify')
								  AND f.scale_class IN ('large', 'medium')) AS large_medium_after
		  FROM f
		 WHERE f.mineral_group = 'sand_gravel_clay'
		 GROUP BY f.county_code
	)
	SELECT n.county_code, n.mines_before, n.mines_after, n.mines_exiting,
		   round(1 - n.mines_after::numeric / NULLIF(n.mines_before, 0), 3),
		   1 - n.mines_after::numeric / NULLIF(n.mines_before, 0) >= mineconsol.param('reduction_target'),
		   round(n.large_medium_after::numeric / NULLIF(n.mines_after, 0), 3)
	  FROM n
	  JOIN mineconsol.counties c ON c.code = n.county_code
	 WHERE c.kind = 'county'
	 ORDER BY n.county_code;
END
$fn$;
COMMENT ON FUNCTION simulate(jsonb) IS
  'What-if: per county the caller may see, the counts of v_county_progress as refresh_results() would store them if parameters held the overrides (e.g. ''{"merge_distance_m": 800}''), at results_as_of(). Writes nothing; an unknown or non-numeric key raises 22023.';
REVOKE ALL ON FUNCTION simulate(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION simulate(jsonb) TO mineconsol_admin, mineconsol_editor, mineconsol_reader, mineconsol_inspector;
