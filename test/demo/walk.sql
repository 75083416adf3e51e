-- The programme's first year, replayed for the demo: every county drafts its
-- scheme and adopts its merge plan; most schemes are heard, noticed,
-- submitted and approved (a few late, two not yet); units of approved counties
-- verify reserves, are valued and sold; closures are decided, licences
-- cancelled and announced, explosives disposed of.  Dates are fixed per
-- county (k = its place in code order), so the walk is the same every time.
SET search_path = mineconsol, public;

CREATE TEMPORARY TABLE walk_county AS
SELECT c.code AS county_code, row_number() OVER (ORDER BY c.code)::int AS k
  FROM counties c
 WHERE c.kind = 'county' AND EXISTS (SELECT 1 FROM mines m WHERE m.county_code = c.code);

INSERT INTO schemes (county_code) SELECT county_code FROM walk_county;

-- advance(track, id, stage, date, doc_no[, extra]) for a set of rows.
CREATE FUNCTION pg_temp.step(track text, id bigint, stage text, on_day date, doc text, extra jsonb DEFAULT '{}')
RETURNS bigint LANGUAGE sql AS $$
	SELECT (mineconsol.advance(track, id, stage,
							   jsonb_build_object('date', on_day, 'doc_no', doc) || extra)).id
$$;

\echo drafting the schemes and adopting the merge plans
SELECT count(pg_temp.step('scheme', s.id, 'drafted', date '2022-09-01' + w.k, format('%s政发〔2022〕%s号', w.county_code, 30 + w.k)))
  AS schemes_drafted
  FROM schemes s JOIN walk_county w USING (county_code);
SELECT sum(adopt_merge_plan(county_code)) AS units_adopted FROM walk_county;
SELECT c.name AS county,
	   (SELECT count(*) FROM units u WHERE u.county_code = w.county_code) AS units,
	   (SELECT count(*) FROM closures cl JOIN mines m ON m.id = cl.mine_id WHERE m.county_code = w.county_code) AS closures
  FROM walk_county w JOIN counties c ON c.code = w.county_code ORDER BY w.k;

\echo hearings, public notices, submissions and approvals
SELECT count(pg_temp.step('scheme', s.id, 'hearing_held', date '2022-09-20' + w.k, format('%s听〔2022〕%s号', w.county_code, w.k)))
  FROM schemes s JOIN walk_county w USING (county_code);
SELECT count(pg_temp.step('scheme', s.id, 'noticed', date '2022-09-28' + w.k, format('%s公〔2022〕%s号', w.county_code, w.k),
						  '{"media": "忻州日报"}'))
  FROM schemes s JOIN walk_county w USING (county_code);
SELECT count(pg_temp.step('scheme', s.id, 'submitted', date '2022-10-18' + w.k, format('%s政〔2022〕%s号', w.county_code, 50 + w.k)))
  AS submitted FROM schemes s JOIN walk_county w USING (county_code) WHERE w.k <= 13;
SELECT count(pg_temp.step('scheme', s.id, 'approved', date '2022-11-18' + w.k, format('忻政函〔2022〕%s号', 100 + w.k)))
  AS approved FROM schemes s JOIN walk_county w USING (county_code) WHERE w.k <= 12;

\echo units of the approved counties: reserves verified, valued, sold, rights settled
CREATE TEMPORARY TABLE walk_unit AS
SELECT u.id, u.retained_mine_id, m.holder
  FROM units u JOIN schemes s ON s.county_code = u.county_code AND s.stage = 'approved'
  JOIN mines m ON m.id = u.retained_mine_id;
SELECT count(pg_temp.step('unit', id, 'reserves_verified', date '2023-02-08' + (id % 30)::int, format('忻规资储备字〔2023〕%s号', id)))
  FROM walk_unit;
SELECT count(pg_temp.step('unit', id, 'valued', date '2023-03-12' + (id % 25)::int, format('忻评〔2023〕%s号', id)))
  FROM walk_unit WHERE id % 7 <> 0;
SELECT count(pg_temp.step('unit', id, 'transferred', date '2023-06-01' + (id % 40)::int, format('忻出让〔2023〕%s号', id)))
  FROM walk_unit WHERE id % 7 <> 0 AND id % 3 <> 0;
SELECT count(pg_temp.step('unit', id, 'rights_settled', date '2023-07-10', format('忻产权〔2023〕%s号', id),
						  jsonb_build_object('shares', jsonb_build_object(holder, 1))))
  FROM walk_unit u WHERE id % 7 <> 0 AND id % 3 = 1
   AND EXISTS (SELECT 1 FROM units x WHERE x.id = u.id AND x.stage = 'transferred');

\echo closures: decided, licence cancelled, announced, explosives disposed of
CREATE TEMPORARY TABLE walk_closure AS
SELECT cl.mine_id FROM closures cl JOIN mines m ON m.id = cl.mine_id
  JOIN schemes s ON s.county_code = m.county_code AND s.stage = 'approved';
SELECT count(pg_temp.step('closure', mine_id, 'closure_decided', date '2023-01-05' + (mine_id % 20)::int, format('关闭决定〔2023〕%s号', mine_id)))
  FROM walk_closure;
SELECT count(pg_temp.step('closure', mine_id, 'license_cancelled', date '2023-03-01' + (mine_id % 30)::int, format('注销〔2023〕%s号', mine_id)))
  FROM walk_closure WHERE mine_id % 5 <> 0;
SELECT count(pg_temp.step('closure', mine_id, 'announced', date '2023-04-10' + (mine_id % 30)::int, format('公告〔2023〕%s号', mine_id),
						  '{"media": "忻州日报"}'))
  FROM walk_closure WHERE mine_id % 5 <> 0 AND mine_id % 3 <> 0;
SELECT count(pg_temp.step('closure', mine_id, 'explosives_disposed', date '2023-05-20' + (mine_id % 30)::int, format('公爆〔2023〕%s号', mine_id)))
  FROM walk_closure WHERE mine_id % 5 <> 0 AND mine_id % 3 <> 0 AND mine_id % 2 = 0;

\echo what a county clerk meets on the way (each is refused with SQLSTATE 23514):
SELECT count(pg_temp.step('unit', id, stage, date '2023-02-01' + n::int, 'x'))
  FROM (SELECT min(u.id) AS id FROM units u JOIN schemes s ON s.county_code = u.county_code WHERE s.stage <> 'approved') u,
	   unnest(ARRAY['reserves_verified', 'valued']) WITH ORDINALITY AS st(stage, n);
\set ON_ERROR_STOP off
SELECT advance('unit', (SELECT min(u.id) FROM units u JOIN schemes s ON s.county_code = u.county_code WHERE s.stage <> 'approved'),
			   'transferred', '{"date": "2023-06-01", "doc_no": "x"}');
SELECT advance('scheme', (SELECT min(id) FROM schemes WHERE stage = 'noticed'), 'approved', '{"date": "2023-01-01", "doc_no": "x"}');
SELECT advance('closure', (SELECT min(mine_id) FROM closures WHERE stage = 'closure_decided'), 'license_cancelled', '{"date": "2023-03-01"}');
\set ON_ERROR_STOP on
