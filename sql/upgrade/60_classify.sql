-- Classification (sql/60_classify.sql).

-- gap_resources(): an area of many vertices is simplified before its buffers.
-- @replace sql/60_classify.sql CREATE FUNCTION gap_resources(
COMMENT ON FUNCTION gap_resources(geometry, float8) IS
  'Gap resources (夹缝资源) of a merged area: its closing by half the merge distance (buffer out, then in) minus the area, as a MultiPolygon (empty when none; parts under 1 m² dropped). Over 256 vertices, computed on a simplification (tolerance merge_distance/20 or more), which bounds the time.';

COMMENT ON FUNCTION classify(mine_facts) IS
  'The plan''s verdict on one mine (三(二); docs/rules.md): the decisive disposition by precedence, every matched rule code (decisive first; notes; "X?" where a missing fact leaves rule X undecided) and one reason per code. Pure: reads only the row''s fields, by name.';
