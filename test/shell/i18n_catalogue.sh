#!/usr/bin/env bash
# The message catalogue is complete: po/mineconsol.pot is what the sources
# give today (every errmsg/errdetail/errhint literal of src/, every reason
# template and label, every tr('…') of sql/), po/zh_CN.po translates every
# message of it with none fuzzy or untranslated (msgfmt -c --statistics);
# no RAISE of the SQL pieces and no English text of the C sources bypasses
# the catalogue.
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
perl test/shell/i18n_raise_scan.pl sql/[0-9][0-9]_*.sql sql/upgrade/[0-9][0-9]_*.sql >"$tmp/raise"
ok $? "every RAISE message, detail and hint of sql/NN_*.sql and sql/upgrade/NN_*.sql goes through tr()"
sed -n '1,10{s/^/# /;p}' "$tmp/raise"
# A text of the C sources with English words in it is the text of a call
# that translates it (errmsg…, mc_gettext, gettext_noop…), or on the scan's
# short list of texts not for people (SQL, elog, memory context names…).
perl test/shell/i18n_c_scan.pl src/*.c >"$tmp/c"
ok $? "no English text of src/*.c reaches people outside the catalogue"
sed -n '1,10{s/^/# /;p}' "$tmp/c"
