-- adopt_merge_plan (sql/66_adopt.sql): adopts the stored merge plan.

-- @replace sql/66_adopt.sql CREATE FUNCTION adopt_merge_plan(
COMMENT ON FUNCTION adopt_merge_plan(text) IS
  'Turns the county''s stored merge plan (merge_plan_results and disposition_results, as the last refresh_results() computed them from the whole registry; 55000 when never computed) into consolidation units (stage planned: one per cluster with a retained mine, every member in unit_members) and closures (stage to_close: every member merging into another mine, and every mine of the county whose verdict is ban or close). Needs the county''s scheme at least drafted; adopting again replaces the previous adoption while every unit is still planned and every closure to_close, and is refused (23514) once one has moved, even if reverted since (its stage history stays). Returns the number of units.';
