#!/usr/bin/env bash
# The demo's map (test/demo/map.sql) on the demo's sample: the HTML file is
# written, its five panels (the city and four counties) are well-formed SVG,
# the overview has one dot per mine in the colour class of its disposition,
# one star per merge cluster with a retained mine, and the legend lists every
# disposition present with its count.  No browser needed.
# Languages: by default (lc_messages C) the page is English (lang="en"), the
# same map under lc_messages zh_CN.UTF-8 is Chinese (lang="zh-CN", the
# Chinese title, legend and tooltips, a CJK font stack) with the same
# drawing; the demo's report (test/demo/report.sql) has Chinese headings in
# zh_CN.UTF-8 and English ones in C; test/demo.sh refuses an unknown
# MINECONSOL_DEMO_LANG before it does anything.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
db=mineconsol_demo_map
scratch work map -d
plan 23

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
PGOPTIONS="-c lc_messages=C" psql -X -q -d "$db" -v out="$out" -v as_of=2023-07-15 -f test/demo/map.sql >"$work/map.log" 2>&1
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

# The page's language.
like "$(grep -o '<html lang="[^"]*"' "$out")" '<html lang="en"' "English by default: <html lang=\"en\">"
grep -q '<h2>Disposition (mines)</h2>' "$out" && grep -q '<td>ban (C1: illegal mining)</td>' "$out" \
	&& grep -q 'mine consolidation plan — disposition of every mine</h1>' "$out"
ok $? "English by default: the heading and legend as they were"
! grep -qP '[\x{4e00}-\x{9fff}]' <(grep -o '<h2>[^<]*</h2>' "$out")
ok $? "English by default: no Chinese in the section headings"

zh=$work/out/map_zh.html
PGOPTIONS="-c lc_messages=zh_CN.UTF-8" psql -X -q -d "$db" -v out="$zh" -v as_of=2023-07-15 -f test/demo/map.sql >"$work/map_zh.log" 2>&1
ok $? "map.sql runs under lc_messages zh_CN.UTF-8"
like "$(grep -o '<html lang="[^"]*"' "$zh")" '<html lang="zh-CN"' "Chinese: <html lang=\"zh-CN\">"
like "$(grep -o '<title>[^<]*</title>' "$zh" | head -n 1)" '<title>忻州市矿山资源整合——截至 2023-07-15 的处置意见</title>' "Chinese: the page's title"
grep -q '<h2>处置意见（矿山数）</h2>' "$zh" && grep -q '<td>取缔关闭（C1：非法采矿）</td>' "$zh" \
	&& grep -q '<td>整合保留矿山</td>' "$zh" && grep -q '<h2>区域</h2>' "$zh"
ok $? "Chinese: the legend's headings and labels"
grep -q '<title>[^<]*——整合关闭</title>' "$zh" && grep -q '<title>[^<]*（生态保护红线）</title>' "$zh"
ok $? "Chinese: tooltips name dispositions and zone kinds in Chinese"
grep -q 'font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif' "$zh"
ok $? "Chinese: a CJK font stack"
# the same drawing in both languages: the pages differ in their texts only
strip() { sed -e 's/<title>[^<]*<\/title>//g' -e 's/<text\([^>]*\)>[^<]*<\/text>/<text\1\/>/g' "$1" | grep -o '<path class="[^"]*" d[^>]*>\|<path class="dot[^>]*>\|<use [^>]*>'; }
[ "$(strip "$out" | wc -l)" -gt 100 ] && cmp -s <(strip "$out") <(strip "$zh")
ok $? "Chinese: the same mines, clusters, stars and zones as the English page"

# The report's headings.
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "DELETE FROM mineconsol.results_as_of" \
	-c "INSERT INTO mineconsol.results_as_of (as_of) VALUES ('2023-07-15')" \
	-c "SELECT count(*) FROM mineconsol.refresh_results()" >"$work/refresh.log" 2>&1
ok $? "the results are refreshed for the report"
PGOPTIONS="-c lc_messages=zh_CN.UTF-8 -c mineconsol.as_of=2023-07-15" psql -X -q -d "$db" -f test/demo/report.sql >"$work/report_zh" 2>&1
grep -q '^各县（市、区）整合进度' "$work/report_zh" && grep -q '县（市、区） | 整合前 | 整合后' "$work/report_zh" \
	&& grep -q '^ 取缔关闭 ' "$work/report_zh" && grep -q '^各部门任务' "$work/report_zh"
ok $? "the report in zh_CN.UTF-8: Chinese headings, columns and dispositions"
PGOPTIONS="-c lc_messages=C -c mineconsol.as_of=2023-07-15" psql -X -q -d "$db" -f test/demo/report.sql >"$work/report_en" 2>&1
grep -q '^Progress by county' "$work/report_en" && grep -q 'county *| before | after' "$work/report_en" \
	&& grep -q '^ ban ' "$work/report_en" && ! grep -qP '^[^|]*[\x{4e00}-\x{9fff}]' <(grep -v '^ ' "$work/report_en")
ok $? "the report in C: English headings, columns and disposition codes"

# An unknown language: refused before anything is built or started.
err=$(MINECONSOL_DEMO_LANG=fr bash test/demo.sh 2>&1 >/dev/null); rc=$?
[ $rc -ne 0 ] && [[ $err == *"MINECONSOL_DEMO_LANG=fr is not a language of the demo; use en (English, the default) or zh (Chinese)"* ]]
ok $? "test/demo.sh: MINECONSOL_DEMO_LANG=fr is refused with a clear message"
