#!/usr/bin/env bash
# The demo's map (test/demo/map.sql) on the demo's sample: the HTML file is
# written, its five panels (the city and four counties) are well-formed SVG,
# the overview has one dot per mine in the colour class of its disposition,
# one star per merge cluster with a retained mine, and the legend lists every
# disposition present with its count.  No browser needed.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
db=mineconsol_demo_map
scratch work map -d
plan 9

new_db $db
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null 2>"$work/load.err" <<'SQL' \
	|| { echo "Bail out! cannot load the sample"; sed 's/^/# /' "$work/load.err"; exit 1; }
SET client_min_messages = warning;
CREATE EXTENSION mineconsol CASCADE;
\set seed 2022
\i test/demo/sample.sql
SET search_path = mineconsol, public;
SELECT count(*) FROM import_mines('demo.register');
INSERT INTO violations (mine_id, kind, occurred_on, penalized_on, doc_no)
  SELECT m.id, v.kind, v.occurred_on, v.penalized_on, v.doc_no
    FROM demo.violations v JOIN mines m ON m.license_no::text = v.license_no;
INSERT INTO zones (kind, name, county_code, geom) SELECT kind, name, county_code, ST_Multi(geom) FROM demo.zones;
SQL

out=$work/out/map.html
mkdir "$work/out"
psql -X -q -d "$db" -v out="$out" -v as_of=2023-07-15 -f test/demo/map.sql >"$work/map.log" 2>&1
ok $? "map.sql runs"
[ -s "$out" ]; ok $? "it writes $out"
size=$(wc -c <"$out")
[ "$size" -lt 3000000 ]; ok $? "it is under 3 MB ($size bytes)"

# id disposition, one line per mine: from the database and from the overview
Q="SET mineconsol.as_of = '2023-07-15'; SELECT id || ' ' || disposition FROM mineconsol.dispositions WHERE geom IS NOT NULL ORDER BY id"
psql -X -q -At -d "$db" -c "$Q" >"$work/want_mines"
q "$db" "SET mineconsol.as_of = '2023-07-15'; SELECT retained_mine_id FROM mineconsol.merge_plan WHERE retained_mine_id IS NOT NULL ORDER BY 1" \
	>"$work/want_retained"
psql -X -q -At -d "$db" -F ' ' -c "SET mineconsol.as_of = '2023-07-15'" \
	-c "SELECT disposition, count(*) FROM mineconsol.dispositions GROUP BY 1 ORDER BY 1" >"$work/want_counts"

python3 - "$out" "$work" <<'PY' >"$work/check.log" 2>&1
import re, sys, xml.dom.minidom
html = open(sys.argv[1], encoding='utf-8').read()
work = sys.argv[2]
panels = re.findall(r'<svg class="panel".*?</svg>', html, re.S)
parsed = []
for p in panels:
    try:
        parsed.append(xml.dom.minidom.parseString(p))
    except Exception as e:
        print('not well-formed:', e)
open(work + '/panels', 'w').write('%d %d\n' % (len(panels), len(parsed)))
over = parsed[0].documentElement if parsed else None
mines, retained = [], []
if over is not None:
    for e in over.getElementsByTagName('path'):
        if e.hasAttribute('data-mine-id'):
            cls = [c[2:] for c in e.getAttribute('class').split() if c.startswith('d-')]
            mines.append((int(e.getAttribute('data-mine-id')), cls[0] if cls else '?'))
    for e in over.getElementsByTagName('use'):
        if e.hasAttribute('data-retained-id'):
            retained.append(int(e.getAttribute('data-retained-id')))
open(work + '/got_mines', 'w').write(''.join('%d %s\n' % m for m in sorted(mines)))
open(work + '/got_retained', 'w').write(''.join('%d\n' % r for r in sorted(retained)))
rows = re.findall(r'<tr class="(?:dsp|zero)" data-disposition="([a-z_]+)">.*?<td class="n">(\d+)</td></tr>', html)
open(work + '/got_counts', 'w').write(''.join('%s %s\n' % r for r in rows if r[1] != '0'))
PY
ok $? "the HTML can be read (python3)"
is "$(cat "$work/panels" 2>/dev/null)" "5 5" "5 panels, each well-formed SVG"
cmp -s "$work/want_mines" "$work/got_mines"
ok $? "overview: one dot per mine with a geometry ($(wc -l <"$work/want_mines")), classed by its disposition"
cmp -s "$work/want_retained" "$work/got_retained"
ok $? "overview: one star per merge cluster with a retained mine ($(wc -l <"$work/want_retained"))"
sort "$work/got_counts" >"$work/got_counts.s"; sort "$work/want_counts" >"$work/want_counts.s"
cmp -s "$work/want_counts.s" "$work/got_counts.s"
ok $? "legend: every disposition present, with its count"
like "$(grep -o 'As of <b>[0-9-]*</b>' "$out")" '2023-07-15' "the as-of date is shown"
