\i test/setup.psql
-- merge_cluster against references, on deterministic random mines from
-- test/bench/synthetic_mines.sql (rotated and long thin rectangles, ellipses
-- with up to 197 vertices, two- and three-part multipolygons; dense districts
-- and open country; several ore bodies side by side).
--  1. every row a non-anchor, one reach: the clusters are exactly those of
--     ST_ClusterDBSCAN(geom, reach, 1) OVER (PARTITION BY ..., ore_body) minus
--     singletons, compared row by row (3 data sets x 4 reaches);
--  2. with anchors: a reference from ST_ClusterDBSCAN (groups of non-anchors)
--     and ST_Distance (each group's nearest anchor, ties to the first);
--  3. clusters are numbered 1..k by their first row in window order.
BEGIN;
SELECT plan(16);
\i test/bench/synthetic_mines.sql

CREATE TEMP TABLE mines AS
  SELECT s.seed, m.*
    FROM (VALUES (7), (11), (23)) AS s(seed),
         LATERAL synthetic_mines(2500, s.seed, n_ore_bodies => 6, n_districts => 10) AS m;
CREATE TEMP TABLE reaches (reach) AS VALUES (0::float8), (150), (500), (1200);

-- label of a row: the smallest id in its cluster, NULL when in none
CREATE TEMP TABLE ours AS
  SELECT reach, seed, id, county_code, c,
         CASE WHEN c IS NOT NULL
              THEN min(id) OVER (PARTITION BY reach, seed, county_code, c) END AS label
    FROM (SELECT r.reach, m.seed, m.id, m.county_code,
                 merge_cluster(m.geom, m.ore_body, r.reach, false)
                   OVER (PARTITION BY r.reach, m.seed, m.county_code ORDER BY m.id) AS c
            FROM reaches AS r CROSS JOIN mines AS m) AS s;

CREATE TEMP TABLE theirs AS
  SELECT reach, seed, id,
         CASE WHEN count(*) OVER w > 1 THEN min(id) OVER w END AS label
    FROM (SELECT r.reach, m.seed, m.id, m.county_code, m.ore_body,
                 ST_ClusterDBSCAN(m.geom, r.reach, 1)
                   OVER (PARTITION BY r.reach, m.seed, m.county_code, m.ore_body) AS d
            FROM reaches AS r CROSS JOIN mines AS m) AS s
  WINDOW w AS (PARTITION BY reach, seed, county_code, ore_body, d);

SELECT is(count(*) FILTER (WHERE o.label IS DISTINCT FROM t.label), 0::bigint,
          format('seed %s, reach %s m: same clusters as ST_ClusterDBSCAN minus singletons (%s of %s rows in %s clusters)',
                 o.seed, o.reach, count(o.label), count(*), count(DISTINCT o.label)))
  FROM ours AS o JOIN theirs AS t USING (reach, seed, id)
 GROUP BY o.seed, o.reach
 ORDER BY o.seed, o.reach;

SELECT is((SELECT count(*) FROM (
             SELECT c, rank() OVER (PARTITION BY reach, seed, county_code ORDER BY min(id)) AS k
               FROM ours WHERE c IS NOT NULL
              GROUP BY reach, seed, county_code, c) AS x
            WHERE k <> c), 0::bigint,
          'clusters are numbered 1..k by their first row in window order');

-- ---------------------------------------------------------------- anchors
-- every fifth mine an anchor (reach 0), the others small (reach r)
CREATE FUNCTION pg_temp.anchor_mismatches(p_seed int, r float8) RETURNS text
LANGUAGE sql AS $$
WITH m AS (
  SELECT id, county_code, ore_body, geom, id % 5 = 0 AS anchor FROM mines WHERE seed = p_seed
), ours AS (
  SELECT id, county_code, merge_cluster(geom, ore_body, CASE WHEN anchor THEN 0 ELSE r END, anchor)
                            OVER (PARTITION BY county_code ORDER BY id) AS c
    FROM m
), grp AS (		-- groups of non-anchors
  SELECT id, county_code, ore_body, geom,
         ST_ClusterDBSCAN(geom, r, 1) OVER (PARTITION BY county_code, ore_body) AS g
    FROM m WHERE NOT anchor
), attach AS (		-- each group's nearest anchor within reach, ties to the lowest id
  SELECT DISTINCT ON (county_code, ore_body, g) county_code, ore_body, g, a_id
    FROM (SELECT gr.county_code, gr.ore_body, gr.g, a.id AS a_id, min(ST_Distance(gr.geom, a.geom)) AS d
            FROM grp AS gr
            JOIN m AS a ON a.anchor AND a.county_code = gr.county_code AND a.ore_body = gr.ore_body
                       AND ST_DWithin(gr.geom, a.geom, r)
           GROUP BY 1, 2, 3, 4) AS x
   ORDER BY county_code, ore_body, g, d, a_id
), ref AS (
  SELECT gr.id, gr.county_code,
         CASE WHEN at.a_id IS NOT NULL THEN 'a' || at.a_id
              WHEN count(*) OVER (PARTITION BY gr.county_code, gr.ore_body, gr.g) > 1
              THEN 'g' || gr.ore_body || '/' || gr.g END AS key
    FROM grp AS gr LEFT JOIN attach AS at USING (county_code, ore_body, g)
  UNION ALL
  SELECT a.id, a.county_code,
         CASE WHEN EXISTS (SELECT FROM attach AS at WHERE at.a_id = a.id) THEN 'a' || a.id END
    FROM m AS a WHERE a.anchor
), labels AS (
  SELECT r.id, CASE WHEN r.key IS NOT NULL THEN min(r.id) OVER (PARTITION BY r.county_code, r.key) END AS want,
         CASE WHEN o.c IS NOT NULL THEN min(o.id) OVER (PARTITION BY o.county_code, o.c) END AS got
    FROM ref AS r JOIN ours AS o USING (id)
)
SELECT format('%s mismatches; %s rows in %s clusters, %s anchored',
              count(*) FILTER (WHERE want IS DISTINCT FROM got), count(got), count(DISTINCT got),
              (SELECT count(*) FROM attach))
  FROM labels
$$;

SELECT matches(pg_temp.anchor_mismatches(7, 500), '^0 mismatches; [0-9]{3,} rows in [0-9]+ clusters, [0-9]{2,} anchored$',
               'seed 7, reach 500 m, anchors: groups go to their nearest anchor, as the ST_Distance reference says');
SELECT matches(pg_temp.anchor_mismatches(23, 300), '^0 mismatches; [0-9]{3,} rows in [0-9]+ clusters, [0-9]{2,} anchored$',
               'seed 23, reach 300 m, anchors: groups go to their nearest anchor, as the ST_Distance reference says');

-- the same answer whether the window is partitioned or the ore body does it all
SELECT is((SELECT count(*) FROM (
             SELECT id, CASE WHEN c1 IS NOT NULL THEN min(id) OVER (PARTITION BY ore_body, c1) END AS l1,
                        CASE WHEN c2 IS NOT NULL THEN min(id) OVER (PARTITION BY c2) END AS l2
               FROM (SELECT id, ore_body,
                            merge_cluster(geom, ore_body, 500, false) OVER (PARTITION BY ore_body ORDER BY id) AS c1,
                            merge_cluster(geom, ore_body, 500, false) OVER (ORDER BY id DESC) AS c2
                       FROM mines WHERE seed = 11) AS s) AS x
            WHERE l1 IS DISTINCT FROM l2), 0::bigint,
          'one partition for all ore bodies gives the same clusters as a partition per ore body');

SELECT * FROM finish();
ROLLBACK;
