#!/usr/bin/env bash
# The message catalogue is complete: po/mineconsol.pot is what the sources
# give today (every errmsg/errdetail/errhint literal of src/, every reason
# template and label, every tr('…') of sql/), po/zh_CN.po translates every
# message of it with none fuzzy or untranslated (msgfmt -c --statistics);
# no RAISE of the SQL pieces and no detail the stage trigger composes in C
# bypasses the catalogue.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
cd "$here/../.."
tmp=$(mktemp -d /tmp/mineconsol-i18n.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
plan 5
bash po/extract.sh "$tmp/now.pot" 2>/dev/null
ids() { msgcat --no-wrap --sort-output "$1" | grep -E '^(msgctxt|msgid) '; }
diff <(ids "$tmp/now.pot") <(ids po/mineconsol.pot) >"$tmp/d"
ok $? "po/mineconsol.pot has every message of the sources, and no other (make update-po)"
sed -n '1,10{s/^/# /;p}' "$tmp/d"
stats=$(LC_ALL=C msgfmt -c --statistics -o /dev/null po/zh_CN.po 2>&1)
! printf '%s\n' "$stats" | grep -Eq 'untranslated|fuzzy|error'
ok $? "po/zh_CN.po: $stats"
diff <(ids "$tmp/now.pot") <(msgattrib --no-obsolete po/zh_CN.po | ids /dev/stdin) >/dev/null
ok $? "po/zh_CN.po has exactly the messages of the template"
perl test/shell/i18n_raise_scan.pl sql/[0-9][0-9]_*.sql >"$tmp/raise"
ok $? "every RAISE message, detail and hint of sql/NN_*.sql goes through tr()"
sed -n '1,10{s/^/# /;p}' "$tmp/raise"
# A text composed with StringInfo or psprintf in the stage files: its
# literal must be a template of the catalogue (mc_gettext), not English
# (SQL statements aside).
grep -nE '(appendStringInfo(String)?\([^,]+, *|psprintf\(|graph_invalid\([^,]+, *)"[^"]*[A-Za-z]{2,} [A-Za-z]' \
	src/stage_*.c | grep -vE '"(SELECT|UPDATE|INSERT|DELETE|WITH) ' >"$tmp/c"
[ ! -s "$tmp/c" ]
ok $? "the stage files compose no English text outside mc_gettext()"
sed -n '1,10{s/^/# /;p}' "$tmp/c"
