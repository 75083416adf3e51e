-- A refresh recomputes only the ore bodies an edit touched: the marks name
-- them (result_changes.ore_body, created with its table in 80_results) and
-- each stored verdict says which ore body it was computed for.  Verdicts
-- stored by 0.1.0 keep NULL: their counties were never refreshed by 0.2.0,
-- so the first refresh recomputes each of them whole.
ALTER TABLE disposition_results ADD COLUMN ore_body text;
-- @copy sql/80_results.sql COMMENT ON COLUMN disposition_results.ore_body IS
-- @copy sql/20_registry.sql CREATE INDEX mines_county_ore_body_idx ON
DROP INDEX disposition_results_county_idx;
-- @copy sql/80_results.sql CREATE INDEX disposition_results_county_idx ON

-- An ore body is an identifier, at most 200 bytes: a longer one could not
-- be indexed beside its county in disposition_results, and one county's
-- refresh would fail for every county refreshed with it.  Longer ones stop
-- the update, with the mines that have them; nothing is cut.
DO $check$
DECLARE
	ids text;
BEGIN
	SELECT pg_catalog.string_agg(x.id::text, ', ') INTO ids
	  FROM (SELECT m.id FROM mines m WHERE pg_catalog.octet_length(m.ore_body) > 200 ORDER BY m.id LIMIT 20) x;
	IF ids IS NOT NULL THEN
		RAISE EXCEPTION USING MESSAGE = mineconsol.tr('cannot update mineconsol: some mines have an ore body longer than 200 bytes'),
			  ERRCODE = 'check_violation',
			  DETAIL = pg_catalog.format(mineconsol.tr('Mines %s (the first 20 at most).'), ids),
			  HINT = mineconsol.tr('Shorten their ore_body (an identifier of the ore body), then run ALTER EXTENSION mineconsol UPDATE again.');
	END IF;
END
$check$;
ALTER TABLE mines ADD CONSTRAINT mines_ore_body_length CHECK (octet_length(ore_body) <= 200);
-- @copy sql/20_registry.sql COMMENT ON COLUMN mines.ore_body IS
-- The views that repeat the columns of mines take the new comment too.
COMMENT ON COLUMN mine_facts.ore_body IS NULL;
COMMENT ON COLUMN dispositions.ore_body IS NULL;
-- @copy sql/95_comments.sql DO $comments$
