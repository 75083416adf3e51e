#!/usr/bin/env bash
# po/extract.sh [OUT]: extract every user-facing message of mineconsol into a
# gettext template (default po/mineconsol.pot), as `make update-po` does.
#   - C: xgettext over src/*.c with PostgreSQL's backend keywords (errmsg,
#     errdetail, errhint, their _plural forms, errcontext, GUC_check_err*)
#     and gettext_noop / pgettext_noop (the templates of verdict reasons,
#     labels of codes, departments);
#   - SQL: every literal given to mineconsol.tr('…') in the pieces sql/NN_*.sql
#     and sql/upgrade/NN_*.sql
#     (RAISE messages, details and hints, texts of the views), and of the
#     demo (test/demo.sh, test/demo/*.sql: the report's and the map's texts,
#     served by the same tr()), read by po/sql-messages.pl.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-po/mineconsol.pot}
tmp=$(mktemp -d /tmp/mineconsol-po.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

xgettext --from-code=UTF-8 --language=C --no-wrap --sort-by-file --add-comments=translator \
	--package-name=mineconsol --msgid-bugs-address= \
	-k_ -kgettext_noop -kmc_gettext --flag=mc_gettext:1:pass-c-format -kpgettext_noop:1c,2 \
	-kmc_ngettext:1,2 --flag=mc_ngettext:1:pass-c-format --flag=mc_ngettext:2:pass-c-format \
	-kerrmsg -kerrmsg_plural:1,2 -kerrdetail -kerrdetail_log -kerrdetail_plural:1,2 \
	-kerrhint -kerrhint_plural:1,2 -kerrcontext \
	-kGUC_check_errmsg -kGUC_check_errdetail -kGUC_check_errhint \
	--flag=_:1:pass-c-format \
	--flag=errmsg:1:c-format --flag=errmsg_plural:1:c-format --flag=errmsg_plural:2:c-format \
	--flag=errdetail:1:c-format --flag=errdetail_log:1:c-format \
	--flag=errdetail_plural:1:c-format --flag=errdetail_plural:2:c-format \
	--flag=errhint:1:c-format --flag=errhint_plural:1:c-format --flag=errhint_plural:2:c-format \
	--flag=errcontext:1:c-format \
	--flag=GUC_check_errmsg:1:c-format --flag=GUC_check_errdetail:1:c-format \
	--flag=GUC_check_errhint:1:c-format \
	-o "$tmp/c.pot" src/*.c
perl po/sql-messages.pl sql/[0-9][0-9]_*.sql sql/upgrade/[0-9][0-9]_*.sql test/demo.sh test/demo/*.sql >"$tmp/sql.pot"
msgcat --no-wrap --sort-by-file --use-first -o "$tmp/all.pot" "$tmp/c.pot" "$tmp/sql.pot"
# A stable header: no creation date, so that re-extracting an unchanged
# source changes nothing.
sed -e '/^"POT-Creation-Date:/d' \
	-e 's/^# SOME DESCRIPTIVE TITLE\./# Messages of the mineconsol PostgreSQL extension./' \
	-e 's/^"Content-Type: text\/plain; charset=CHARSET\\n"/"Content-Type: text\/plain; charset=UTF-8\\n"/' \
	"$tmp/all.pot" >"$out"
