-- The demo's map: one self-contained HTML file with inline SVG, written to the
-- path in psql variable :out, showing every mine coloured by its disposition,
-- the merge clusters (dashed outlines), the retained mines (stars), the gap
-- resources between members (hatched) and the zones the rules look at.
--
--   psql -X -v out=/tmp/demo/map.html [-v as_of=2023-07-15] -f test/demo/map.sql
--
-- Panel 0 is the whole city (mines as dots); panels 1-4 zoom on the four
-- counties with the most merge clusters, each on the district of its largest
-- cluster (every county of the sample spans 20-40 km, its mines 100-900 m).
-- Geometries are in the working SRID (metres); ST_AsSVG writes y negated, so
-- a panel's viewBox is "minx -maxy width height".  Panels have a fixed size in
-- pixels, so s (metres per pixel) sizes the symbols, hatches and labels that
-- must look the same in every panel.
--
-- Reads mineconsol.dispositions, merge_plan, zones, counties and as_of() only;
-- writes nothing but temporary objects.  mineconsol.as_of is taken from the
-- session unless :as_of is given.
--
-- The page speaks the session's language (lc_messages, e.g. zh_CN.UTF-8):
-- every text through tr(), codes through label(); <html lang> is the
-- catalogue's own Language (its header, tr('')), "en" without one.  In a
-- translated page counties and the city are named in Chinese only, and the
-- font stack starts with the fonts a Chinese desktop has.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?out}
\else
	\echo 'map.sql: give the output file: psql -v out=/path/map.html -f test/demo/map.sql'
	\quit
\endif
\if :{?as_of}
SET mineconsol.as_of = :'as_of';
\endif
SET client_min_messages = warning;
SELECT set_config('search_path', 'mineconsol, ' || current_setting('search_path'), false) \gset
-- the page's language: the Language of the catalogue's header (gettext gives
-- the header for the empty text), else English
CREATE FUNCTION pg_temp.lang() RETURNS text LANGUAGE sql STABLE
AS $$ SELECT COALESCE(replace(substring(mineconsol.tr('') FROM '(?n)^Language: *([A-Za-z_]+)'), '_', '-'), 'en') $$;
-- a place's name: English and Chinese in English, Chinese alone otherwise
CREATE FUNCTION pg_temp.place(name_en text, name text) RETURNS text LANGUAGE sql STABLE
AS $$ SELECT CASE WHEN name_en IS NOT NULL AND pg_temp.lang() = 'en' THEN name_en || ' ' || name ELSE name END $$;

CREATE FUNCTION pg_temp.esc(t text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT replace(replace(replace(replace(t, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;') $$;
-- a number for an SVG attribute: fixed, no exponent, 2 decimals at most
CREATE FUNCTION pg_temp.n(x float8) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT trim_scale(round(x::numeric, 2))::text $$;

-- The verdicts, computed once.
CREATE TEMP TABLE map_d AS
SELECT d.id, d.name, d.license_no::text AS license_no, d.county_code, d.ore_body,
	   d.disposition::text AS disposition, d.rules[1] AS rule, d.reasons[1] AS reason, d.geom
  FROM dispositions d;
CREATE TEMP TABLE map_p AS
SELECT p.county_code, p.cluster_id, p.ore_body, p.retained_mine_id, p.member_ids, p.geom,
	   -- one outline per cluster: a concave hull of the members' vertices, 80 m out
	   -- (buffering each member alone would ring every mine separately)
	   ST_Buffer(ST_ConcaveHull(ST_Points(p.geom), 0.3), 80) AS outline,
	   p.gap_geom, p.scale_class, p.note
  FROM merge_plan p;

-- Palette (Okabe-Ito where it fits): closing kinds red/orange/brown, kept
-- kinds green/blue, out of scope grey; an unknown disposition is grey too.
CREATE TEMP TABLE map_pal AS
SELECT e.disposition::text AS disposition, e.ord,
	   COALESCE(v.colour, '#999999') AS colour, COALESCE(v.label, label('disposition', e.disposition::text)) AS label,
	   (SELECT count(*) FROM map_d d WHERE d.disposition = e.disposition::text) AS n
  FROM unnest(enum_range(NULL::disposition)) WITH ORDINALITY AS e (disposition, ord)
  LEFT JOIN (VALUES
	('ban',                '#6b0f1a', tr('ban (C1: illegal mining)')),
	('close',              '#d55e00', tr('close (C2 expired, C3 late, E1)')),
	('refer',              '#cc79a7', tr('refer: red line / protected (C4)')),
	('rectify',            '#f0e442', tr('rectify by deadline (C3)')),
	('merge_close',        '#e69f00', tr('merge: closed into cluster (C6)')),
	('exit_at_term',       '#8c510a', tr('exit at end of term (C5)')),
	('mine_out_then_exit', '#c8a56a', tr('mine out, then exit (C5)')),
	('merge_retain',       '#009e73', tr('merge: retained mine (C6)')),
	('retain',             '#0072b2', tr('retain (R)')),
	('out_of_scope',       '#9a9a9a', tr('out of scope (S)'))
  ) AS v (disposition, colour, label) ON v.disposition = e.disposition::text;

-- Zones, grouped into the four looks of the legend.
CREATE TEMP TABLE map_z AS
SELECT z.id, z.kind, COALESCE(k.name, z.kind) AS kind_name, z.name, z.geom,
	   CASE WHEN z.kind = 'planned_mining' THEN 'zp'
			WHEN z.kind = 'concentrated_mining' THEN 'zc'
			WHEN z.kind = 'eco_fragile' THEN 'zf'
			ELSE 'zr' END AS look
  FROM zones z
  LEFT JOIN (VALUES ('planned_mining', tr('planned_mining')), ('concentrated_mining', tr('concentrated_mining')),
					('eco_redline', tr('eco_redline')), ('nature_reserve', tr('nature_reserve')),
					('scenic_area', tr('scenic_area')), ('water_source', tr('water_source')),
					('eco_fragile', tr('eco_fragile'))) AS k (kind, name) ON k.kind = z.kind;

-- Panels.  0: the city; 1-4: the counties with the most clusters (then the
-- most members, then the code), each on the ore body of its largest cluster
-- with every mine on it, 1 km around, and every cluster reaching into that,
-- widened to the panel's aspect.
CREATE TEMP TABLE map_panel (
	n int PRIMARY KEY, county_code text, ore_body text, cluster_id int, caption text,
	minx float8, miny float8, w float8, h float8, px_w int, px_h int);

INSERT INTO map_panel (n, minx, miny, w, h, px_w, px_h)
SELECT 0, ST_XMin(e) - 3000, ST_YMin(e) - 3000, ST_XMax(e) - ST_XMin(e) + 6000, ST_YMax(e) - ST_YMin(e) + 6000,
	   1180, round(1180 * (ST_YMax(e) - ST_YMin(e) + 6000) / (ST_XMax(e) - ST_XMin(e) + 6000))
  FROM (SELECT ST_Extent(g)::geometry AS e
		  FROM (SELECT geom AS g FROM map_d UNION ALL SELECT geom FROM map_z) AS a) AS x;

INSERT INTO map_panel (n, county_code, ore_body, cluster_id, minx, miny, w, h, px_w, px_h)
WITH per_county AS (
	SELECT county_code, count(*) AS clusters, sum(cardinality(member_ids)) AS members
	  FROM map_p GROUP BY county_code
), top4 AS (
	SELECT county_code, row_number() OVER (ORDER BY clusters DESC, members DESC, county_code) AS n
	  FROM per_county
), largest AS (
	SELECT DISTINCT ON (county_code) county_code, cluster_id, ore_body, outline, gap_geom
	  FROM map_p ORDER BY county_code, cardinality(member_ids) DESC, cluster_id
), box AS (
	SELECT t.n, l.county_code, l.ore_body, l.cluster_id,
		   ST_Expand(ST_Collect(ARRAY[ST_Envelope(l.outline)] || ARRAY(
					 SELECT ST_Envelope(d.geom) FROM map_d d
					  WHERE d.county_code = l.county_code AND d.ore_body = l.ore_body)), 1000) AS b
	  FROM top4 t JOIN largest l USING (county_code)
	 WHERE t.n <= 4
), grown AS ( -- and any cluster reaching into it, whole
	SELECT n, county_code, ore_body, cluster_id,
		   ST_Expand(ST_Collect(ARRAY[b] || ARRAY(SELECT ST_Envelope(p.outline) FROM map_p p WHERE p.outline && box.b)), 300) AS b
	  FROM box
), sized AS (
	SELECT n, county_code, ore_body, cluster_id, ST_XMin(b) AS x0, ST_YMin(b) AS y0,
		   ST_XMax(b) - ST_XMin(b) AS bw, ST_YMax(b) - ST_YMin(b) AS bh, 760 AS px_w, 500 AS px_h
	  FROM grown
)
SELECT n, county_code, ore_body, cluster_id,
	   x0 + (bw - greatest(bw, bh * px_w / px_h)) / 2, y0 + (bh - greatest(bh, bw * px_h / px_w)) / 2,
	   greatest(bw, bh * px_w / px_h), greatest(bh, bw * px_h / px_w), px_w, px_h
  FROM sized;

ALTER TABLE map_panel ADD s float8, ADD win geometry;
UPDATE map_panel SET s = w / px_w, win = ST_MakeEnvelope(minx, miny, minx + w, miny + h, ST_SRID((SELECT geom FROM map_d LIMIT 1)));

UPDATE map_panel pn SET caption = format(tr('%s. %s — ore body %s, largest cluster of the county (%s mines); the county has %s mines, %s merge clusters. Window %s × %s km.'),
	pn.n, pg_temp.place(c.name_en, COALESCE(c.name, pn.county_code)), pn.ore_body,
	(SELECT cardinality(member_ids) FROM map_p p WHERE p.county_code = pn.county_code AND p.cluster_id = pn.cluster_id),
	(SELECT count(*) FROM map_d d WHERE d.county_code = pn.county_code),
	(SELECT count(*) FROM map_p p WHERE p.county_code = pn.county_code),
	round((pn.w / 1000)::numeric, 1), round((pn.h / 1000)::numeric, 1))
  FROM counties c WHERE c.code = pn.county_code AND pn.n > 0;

-- The layers of each panel, in drawing order.
CREATE TEMP TABLE map_layer (n int, ord int, txt text);

-- hatches sized in pixels
INSERT INTO map_layer
SELECT n, 0, format(
	'<defs>'
	'<pattern id="zr-%1$s" patternUnits="userSpaceOnUse" width="%2$s" height="%2$s" patternTransform="rotate(45)">'
	  '<rect width="%2$s" height="%2$s" fill="#f3c1bd" fill-opacity="0.35"/>'
	  '<line x1="0" y1="0" x2="0" y2="%2$s" stroke="#d9534f" stroke-opacity="0.5" stroke-width="%3$s"/></pattern>'
	'<pattern id="zf-%1$s" patternUnits="userSpaceOnUse" width="%2$s" height="%2$s" patternTransform="rotate(-45)">'
	  '<line x1="0" y1="0" x2="0" y2="%2$s" stroke="#b08d57" stroke-opacity="0.45" stroke-width="%3$s"/></pattern>'
	'<pattern id="gap-%1$s" patternUnits="userSpaceOnUse" width="%4$s" height="%4$s" patternTransform="rotate(-45)">'
	  '<rect width="%4$s" height="%4$s" fill="#ffffff" fill-opacity="0.6"/>'
	  '<line x1="0" y1="0" x2="0" y2="%4$s" stroke="#222" stroke-width="%5$s"/></pattern>'
	'</defs>'
	'<rect x="%6$s" y="%7$s" width="%8$s" height="%9$s" fill="#fbfaf5"/>',
	n, pg_temp.n(9 * s), pg_temp.n(1.2 * s), pg_temp.n(5 * s), pg_temp.n(1.3 * s),
	pg_temp.n(minx), pg_temp.n(-(miny + h)), pg_temp.n(w), pg_temp.n(h))
  FROM map_panel;

-- zones
INSERT INTO map_layer
SELECT pn.n, 10, string_agg(format('<path class="z %s" d="%s"%s><title>%s</title></path>',
		z.look, ST_AsSVG(z.geom, 0, CASE WHEN pn.n = 0 THEN 0 ELSE 1 END),
		CASE z.look WHEN 'zr' THEN format(' fill="url(#zr-%s)"', pn.n)
					WHEN 'zf' THEN format(' fill="url(#zf-%s)"', pn.n) ELSE '' END,
		pg_temp.esc(format(tr('%s (%s)'), z.name, z.kind_name))),
	'' ORDER BY z.look DESC, z.id)
  FROM map_panel pn JOIN map_z z ON z.geom && pn.win
 GROUP BY pn.n;

-- gap resources (detail panels)
INSERT INTO map_layer
SELECT pn.n, 20, string_agg(format('<path class="gap" fill="url(#gap-%s)" d="%s"><title>%s</title></path>',
		pn.n, ST_AsSVG(p.gap_geom, 0, 1),
		pg_temp.esc(format(tr('gap resources of cluster %s (%s): %s m²'), p.cluster_id, p.ore_body, round(ST_Area(p.gap_geom))))),
	'' ORDER BY p.county_code, p.cluster_id)
  FROM map_panel pn JOIN map_p p ON p.gap_geom && pn.win AND NOT ST_IsEmpty(p.gap_geom)
 WHERE pn.n > 0
 GROUP BY pn.n;

-- mines: polygons in the detail panels; dots (a round-capped zero-length
-- stroke, the same size at any zoom) over a dark halo in the overview, the
-- rarer dispositions drawn last.  data-mine-id: the overview has exactly one
-- per mine with a geometry.
INSERT INTO map_layer
SELECT pn.n, 30, string_agg(format('<path class="m d-%s" data-mine="%s" d="%s"><title>%s</title></path>',
		d.disposition, d.id, ST_AsSVG(d.geom, 0, 1),
		pg_temp.esc(format(tr('%s (#%s, %s) — %s: %s'), d.name, d.id, COALESCE(d.license_no, tr('no licence')),
						   label('disposition', d.disposition), d.reason))),
	'' ORDER BY d.id)
  FROM map_panel pn JOIN map_d d ON d.geom && pn.win
 WHERE pn.n > 0
 GROUP BY pn.n;

INSERT INTO map_layer
SELECT 0, 30, '<path class="halo" d="' || string_agg(format('M%s %sh0', round(ST_X(pt)), round(-ST_Y(pt))), '') || '"/>'
  FROM (SELECT ST_PointOnSurface(geom) AS pt FROM map_d WHERE geom IS NOT NULL) AS x;
INSERT INTO map_layer
SELECT 0, 31, string_agg(format('<path class="dot d-%s" data-mine-id="%s" d="M%s %sh0"><title>%s</title></path>',
		d.disposition, d.id, round(ST_X(pt)), round(-ST_Y(pt)),
		pg_temp.esc(format(tr('%s (#%s) — %s'), d.name, d.id, label('disposition', d.disposition)))),
	'' ORDER BY pal.n DESC, d.id)
  FROM (SELECT *, ST_PointOnSurface(geom) AS pt FROM map_d WHERE geom IS NOT NULL) AS d
  JOIN map_pal pal USING (disposition);

-- merge clusters: the members' union buffered by 80 m, dashed
INSERT INTO map_layer
SELECT pn.n, 40, string_agg(format('<path class="cl" d="%s"><title>%s</title></path>%s',
		ST_AsSVG(p.outline, 0, CASE WHEN pn.n = 0 THEN 0 ELSE 1 END),
		pg_temp.esc(format(tr('merge cluster %s of %s on ore body %s: %s mines, scale %s%s'), p.cluster_id, p.county_code,
						   p.ore_body, cardinality(p.member_ids), label('scale', p.scale_class),
						   CASE WHEN p.retained_mine_id IS NOT NULL THEN format(tr(', retained mine #%s'), p.retained_mine_id)
								WHEN p.note IS NOT NULL THEN format(tr('; %s'), tr(p.note)) ELSE '' END)),
		CASE WHEN pn.n > 0 THEN format('<text class="lbl" x="%s" y="%s" font-size="%s">%s</text>',
			pg_temp.n(greatest(ST_XMin(p.outline), pn.minx + 4 * pn.s)),
			pg_temp.n(greatest(-ST_YMax(p.outline) - 5 * pn.s, -(pn.miny + pn.h) + 16 * pn.s)), pg_temp.n(12 * pn.s),
			pg_temp.esc(format(tr('cluster %s · %s mines%s'), p.cluster_id, cardinality(p.member_ids),
							   CASE WHEN p.retained_mine_id IS NULL THEN tr(' · none retained') ELSE '' END))) ELSE '' END),
	'' ORDER BY p.county_code, p.cluster_id)
  FROM map_panel pn JOIN map_p p ON p.outline && pn.win
 GROUP BY pn.n;

-- retained mines: a star at a point on the mine's surface; data-retained-id
-- once per cluster with a retained mine, in the overview
INSERT INTO map_layer
SELECT pn.n, 50, string_agg(format('<use href="#star" %s="%s" transform="translate(%s %s) scale(%s)"><title>%s</title></use>',
		CASE WHEN pn.n = 0 THEN 'data-retained-id' ELSE 'data-retained' END, p.retained_mine_id,
		pg_temp.n(ST_X(pt)), pg_temp.n(-ST_Y(pt)), pg_temp.n(pn.s * CASE WHEN pn.n = 0 THEN 0.8 ELSE 1.4 END),
		pg_temp.esc(format(tr('retained mine #%s: %s (cluster %s)'), p.retained_mine_id, d.name, p.cluster_id))),
	'' ORDER BY p.county_code, p.cluster_id)
  FROM map_panel pn
  JOIN map_p p ON p.retained_mine_id IS NOT NULL
  JOIN map_d d ON d.id = p.retained_mine_id
 CROSS JOIN LATERAL ST_PointOnSurface(d.geom) AS pt
 WHERE pt && pn.win
 GROUP BY pn.n;

-- overview: county names (at the middle of their mines) and the detail windows
INSERT INTO map_layer
SELECT 0, 60, string_agg(format('<text class="cty" x="%s" y="%s" font-size="%s" text-anchor="middle">%s</text>',
		round(ST_X(c)), round(greatest(-ST_Y(c), -(o.miny + o.h) + 16 * o.s)), pg_temp.n(13 * o.s),
		pg_temp.esc(pg_temp.place(k.name_en, k.name))), '' ORDER BY k.code)
  FROM (SELECT county_code, ST_MakePoint(ST_X(ST_Centroid(e)), ST_YMax(e) + 2500) AS c
		  FROM (SELECT county_code, ST_Extent(geom)::geometry AS e FROM map_d GROUP BY county_code) AS a) AS x
  JOIN counties k ON k.code = x.county_code
 CROSS JOIN map_panel o WHERE o.n = 0;
INSERT INTO map_layer
SELECT 0, 70, string_agg(format('<rect class="win" x="%s" y="%s" width="%s" height="%s"/>'
								'<text class="winl" x="%s" y="%s" font-size="%s">%s</text>',
		round(d.minx), round(-(d.miny + d.h)), round(d.w), round(d.h),
		round(d.minx + d.w + 600), round(-(d.miny + d.h) + 2000), pg_temp.n(15 * o.s), d.n), '' ORDER BY d.n)
  FROM map_panel d, map_panel o WHERE o.n = 0 AND d.n > 0;

-- scale bars: the round length nearest 140 px
INSERT INTO map_layer
SELECT n, 80, format('<g class="sb"><path d="M%s %sh%s"/><path d="M%s %sv%sM%s %sv%s"/>'
					 '<text class="lbl" x="%s" y="%s" font-size="%s">%s</text></g>',
		pg_temp.n(x0), pg_temp.n(y0), pg_temp.n(len),
		pg_temp.n(x0), pg_temp.n(y0 - 4 * s), pg_temp.n(8 * s), pg_temp.n(x0 + len), pg_temp.n(y0 - 4 * s), pg_temp.n(8 * s),
		pg_temp.n(x0), pg_temp.n(y0 - 8 * s), pg_temp.n(12 * s),
		CASE WHEN len >= 1000 THEN (len / 1000)::text || ' km' ELSE len::text || ' m' END)
  FROM (SELECT n, s, minx + 20 * s AS x0, -miny - 20 * s AS y0,
			   (CASE WHEN m >= 5 THEN 5 WHEN m >= 2 THEN 2 ELSE 1 END * k)::int AS len
		  FROM (SELECT n, s, minx, miny, 140 * s / 10 ^ floor(log(140 * s)) AS m, 10 ^ floor(log(140 * s)) AS k
				  FROM map_panel) AS a) AS b;

-- The page.
\pset format unaligned
\pset tuples_only on
\pset footer off
\o :out
SELECT concat_ws(E'\n',
	'<!DOCTYPE html>',
	format('<html lang="%s"><head><meta charset="utf-8">', pg_temp.esc(pg_temp.lang())),
	format('<title>%s</title>', pg_temp.esc(format(tr('%s mine consolidation — dispositions as of %s'),
												   CASE WHEN pg_temp.lang() = 'en' THEN COALESCE(city.name_en, city.name) ELSE city.name END, as_of()))),
	'<style>',
	format('body{font-family:%s;margin:16px 20px;color:#222;background:#fff}',
		   CASE WHEN pg_temp.lang() = 'en' THEN '"Noto Sans","Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",Arial,sans-serif'
				ELSE '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif' END),
	'h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:14px 0 4px;font-weight:600}p.sub{margin:0 0 10px;color:#555}',
	'.row{display:flex;gap:18px;align-items:flex-start}.grid{display:grid;grid-template-columns:repeat(2,760px);gap:10px 20px}',
	'figure{margin:0}figcaption{font-size:13px;margin:2px 0 4px;max-width:760px}',
	'svg.panel{border:1px solid #bbb;display:block;background:#fbfaf5}',
	'svg.panel path,svg.panel rect.win{vector-effect:non-scaling-stroke}',
	'.m{stroke:#333;stroke-width:0.7px;fill-opacity:0.92}',
	'.dot{fill:none;stroke-width:6px;stroke-linecap:round}.halo{fill:none;stroke:#333;stroke-width:8px;stroke-linecap:round}',
	'.cl{fill:none;stroke:#111;stroke-width:1.6px;stroke-dasharray:7 4}',
	'.gap{stroke:#222;stroke-width:0.6px}',
	'.z.zp{fill:#56b4e9;fill-opacity:0.07;stroke:#3a8fc4;stroke-width:1.2px;stroke-dasharray:6 3}',
	'.z.zc{fill:#1f5f99;fill-opacity:0.07;stroke:#1f5f99;stroke-width:1.2px}',
	'.z.zr{stroke:#d9534f;stroke-opacity:0.7;stroke-width:1px}.z.zf{stroke:#b08d57;stroke-opacity:0.6;stroke-width:1px}',
	'.lbl,.cty,.winl{paint-order:stroke;stroke:#fff;stroke-linejoin:round;fill:#111}.lbl{stroke-width:3px}',
	'.cty{font-weight:600;fill:#333;stroke-width:4px}.winl{font-weight:700;stroke-width:4px}',
	'.sb path{fill:none;stroke:#111;stroke-width:1.5px}',
	'rect.win{fill:none;stroke:#000;stroke-width:1.5px}',
	'.legend{font-size:13px;min-width:330px}.legend table{border-collapse:collapse}.legend td{padding:2px 6px 2px 0;vertical-align:middle}',
	'.legend td.n{text-align:right;font-variant-numeric:tabular-nums}.legend tr.zero{color:#999}',
	'.sw{display:inline-block;width:22px;height:14px;border:1px solid #333;vertical-align:middle}',
	(SELECT string_agg(format('.d-%1$s{fill:%2$s}.dot.d-%1$s{stroke:%2$s}.sw.d-%1$s{background:%2$s}', disposition, colour), '' ORDER BY ord)
	   FROM map_pal),
	'</style></head><body>',
	-- symbols shared by every panel (not display:none: that would hide them)
	'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
	'<symbol id="star" overflow="visible"><path d="M0 -8L2 -2.8L7.6 -2.5L3.2 1.1L4.7 6.5L0 3.4L-4.7 6.5L-3.2 1.1L-7.6 -2.5L-2 -2.8Z" '
	'fill="#111" stroke="#fff" stroke-width="1.2" stroke-linejoin="round" vector-effect="non-scaling-stroke"/></symbol>'
	'</defs></svg>',
	format('<h1>%s</h1>', pg_temp.esc(format(tr('%s: mine consolidation plan — disposition of every mine'),
											 pg_temp.place(city.name_en, city.name)))),
	format('<p class="sub">%s</p>', format(tr('As of %s · %s mines · %s merge clusters (%s with a retained mine) · %s zones'),
		   '<b>' || as_of() || '</b>', (SELECT count(*) FROM map_d), (SELECT count(*) FROM map_p),
		   (SELECT count(retained_mine_id) FROM map_p), (SELECT count(*) FROM map_z))),
	'<div class="row">',
	(SELECT format('<figure><figcaption>%s</figcaption>'
				   '<svg class="panel" id="panel-0" xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s">',
				   pg_temp.esc(tr('0. The whole city: one dot per mine; boxes 1-4 are the detail panels below.')),
				   px_w, px_h, round(minx), round(-(miny + h)), round(w), round(h))
		 || (SELECT string_agg(txt, E'\n' ORDER BY ord) FROM map_layer l WHERE l.n = 0) || '</svg></figure>'
	   FROM map_panel WHERE n = 0),
	-- legend
	'<div class="legend"><h2>' || pg_temp.esc(tr('Disposition (mines)')) || '</h2><table>'
	|| (SELECT string_agg(format('<tr class="%s" data-disposition="%s"><td><span class="sw d-%s"></span></td><td>%s</td><td class="n">%s</td></tr>',
								 CASE WHEN n = 0 THEN 'zero' ELSE 'dsp' END, disposition, disposition, pg_temp.esc(label), n), '' ORDER BY ord)
		  FROM map_pal)
	|| format('<tr><td></td><td><b>%s</b></td><td class="n"><b>%s</b></td></tr></table>', pg_temp.esc(tr('all mines')), (SELECT count(*) FROM map_d))
	|| '<h2>' || pg_temp.esc(tr('Merge plan')) || '</h2><table>'
	   '<tr><td><svg class="sw0" width="24" height="16"><rect x="2" y="2" width="20" height="12" rx="4" fill="none" stroke="#111" stroke-width="1.6" stroke-dasharray="5 3"/></svg></td>'
	   '<td>' || pg_temp.esc(tr('merge cluster (hull of the members, 80 m out)')) || '</td></tr>'
	   '<tr><td><svg class="sw0" width="24" height="18"><use href="#star" transform="translate(12 9)"/></svg></td><td>' || pg_temp.esc(tr('retained mine (整合保留矿山)')) || '</td></tr>'
	   '<tr><td><svg class="sw0" width="24" height="16"><defs><pattern id="gap-l" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(-45)">'
	   '<line x1="0" y1="0" x2="0" y2="5" stroke="#222" stroke-width="1.3"/></pattern></defs>'
	   '<rect x="1" y="1" width="22" height="14" fill="url(#gap-l)" stroke="#222" stroke-width="0.6"/></svg></td><td>' || pg_temp.esc(tr('gap resources between members (夹缝资源)')) || '</td></tr>'
	   '</table><h2>' || pg_temp.esc(tr('Zones')) || '</h2><table>'
	   '<tr><td><svg class="sw0" width="24" height="16"><rect x="1" y="1" width="22" height="14" fill="#56b4e9" fill-opacity="0.07" stroke="#3a8fc4" stroke-width="1.2" stroke-dasharray="6 3"/></svg></td><td>' || pg_temp.esc(tr('planned mining zone')) || '</td></tr>'
	   '<tr><td><svg class="sw0" width="24" height="16"><rect x="1" y="1" width="22" height="14" fill="#1f5f99" fill-opacity="0.07" stroke="#1f5f99" stroke-width="1.2"/></svg></td><td>' || pg_temp.esc(tr('concentrated mining zone')) || '</td></tr>'
	   '<tr><td><svg class="sw0" width="24" height="16"><defs><pattern id="zr-l" patternUnits="userSpaceOnUse" width="9" height="9" patternTransform="rotate(45)">'
	   '<rect width="9" height="9" fill="#f3c1bd" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="9" stroke="#d9534f" stroke-opacity="0.5" stroke-width="1.2"/></pattern></defs>'
	   '<rect x="1" y="1" width="22" height="14" fill="url(#zr-l)" stroke="#d9534f" stroke-opacity="0.7"/></svg></td><td>' || pg_temp.esc(tr('ecological red line, nature reserve, scenic area, water source')) || '</td></tr>'
	   '<tr><td><svg class="sw0" width="24" height="16"><defs><pattern id="zf-l" patternUnits="userSpaceOnUse" width="9" height="9" patternTransform="rotate(-45)">'
	   '<line x1="0" y1="0" x2="0" y2="9" stroke="#b08d57" stroke-opacity="0.45" stroke-width="1.2"/></pattern></defs>'
	   '<rect x="1" y="1" width="22" height="14" fill="url(#zf-l)" stroke="#b08d57" stroke-opacity="0.6"/></svg></td><td>' || pg_temp.esc(tr('ecologically fragile area')) || '</td></tr>'
	   '</table><p style="color:#555;max-width:330px">'
	|| pg_temp.esc(tr('Hover a mine, cluster or zone for its name and the reason for its disposition. Overview dots sit on each mine''s area; panels 1-4 draw the areas themselves.'))
	|| '</p></div>',
	'</div>',
	'<h2>' || pg_temp.esc(tr('Detail: the four counties with the most merge clusters')) || '</h2><div class="grid">',
	(SELECT string_agg(format('<figure><figcaption>%s</figcaption>'
							  '<svg class="panel" id="panel-%s" data-county="%s" xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s">',
							  pg_temp.esc(caption), n, county_code, px_w, px_h,
							  pg_temp.n(minx), pg_temp.n(-(miny + h)), pg_temp.n(w), pg_temp.n(h))
					   || (SELECT string_agg(txt, E'\n' ORDER BY ord) FROM map_layer l WHERE l.n = pn.n) || '</svg></figure>',
					   E'\n' ORDER BY n)
	   FROM map_panel pn WHERE n > 0),
	'</div>',
	format('<p class="sub">%s</p>', pg_temp.esc(format(tr('Generated by test/demo/map.sql from mineconsol.dispositions and merge_plan at as_of() = %s.'), as_of()))),
	'</body></html>')
  FROM counties city WHERE city.kind = 'city'
 ORDER BY city.code LIMIT 1;
\o
