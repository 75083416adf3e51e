#!/usr/bin/env bash
# sql/expand.pl, which the Makefile runs on every piece: a directive becomes
# the install piece's statement (quotes, dollar quotes and comments with
# semicolons inside kept whole; @replace makes CREATE CREATE OR REPLACE) or a
# template filled in; a directive naming no statement, two statements or no
# file, or a template's key missing or unused, stops the build.
# No server needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
expand="$here/../../sql/expand.pl"
work=$(mktemp -d /tmp/mineconsol-expand.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

cat >piece.sql <<'SQL'
-- a piece; a comment; with semicolons
CREATE FUNCTION f(a int) RETURNS text
LANGUAGE sql AS $fn$ SELECT 'x;' || $1 /* ; */ $fn$;
COMMENT ON FUNCTION f(int) IS 'it''s; done';

CREATE TABLE t (a int);  CREATE TABLE t2 (b text DEFAULT ';');
SQL

plan 24
printf '%s\n' '-- before' '-- @replace piece.sql CREATE FUNCTION f(' '-- @copy piece.sql COMMENT ON FUNCTION f(' \
	'-- @copy piece.sql CREATE TABLE t2' 'SELECT 1;' >good.sql
out=$(perl "$expand" good.sql)
ok $? "a piece with directives expands"
is "$out" "-- before
CREATE OR REPLACE FUNCTION f(a int) RETURNS text
LANGUAGE sql AS \$fn\$ SELECT 'x;' || \$1 /* ; */ \$fn\$;
COMMENT ON FUNCTION f(int) IS 'it''s; done';
CREATE TABLE t2 (b text DEFAULT ';');
SELECT 1;" "each directive is the whole statement, its semicolons inside quotes kept"

fails() { # fails DIRECTIVE WANT DESCRIPTION
	local out rc
	printf '%s\n' "$1" >bad.sql
	out=$(perl "$expand" bad.sql 2>&1 >/dev/null)
	rc=$?
	[ $rc -ne 0 ]
	ok $? "$3: fails"
	like "$out" "$2" "$3: says why"
}
printf '%s\n' '-- @copy piece.sql COMMENT ON FUNCTION f( .. CREATE TABLE t2' >range.sql
is "$(perl "$expand" range.sql)" "COMMENT ON FUNCTION f(int) IS 'it''s; done';

CREATE TABLE t (a int);  CREATE TABLE t2 (b text DEFAULT ';');" "START .. LAST: the statements from one to the other, and what stands between them"
fails '-- @copy piece.sql CREATE TABLE t2 .. COMMENT ON FUNCTION f(' 'the last statement comes before the first' "a range backwards"

# A template: its header (to the first blank line) dropped, @KEY@ filled in.
printf '%s\n' '-- header' '-- more header' '' 'CREATE TYPE @T@;' "COMMENT ON TYPE @T@ IS '@NOUN@';" >tmpl.sql
printf '%s\n' '-- @template tmpl.sql T=code NOUN="a credit code"' >use.sql
is "$(perl "$expand" use.sql)" "CREATE TYPE code;
COMMENT ON TYPE code IS 'a credit code';" "a template is filled in, without its header"
fails '-- @template tmpl.sql T=code' 'tmpl.sql needs NOUN' "a template's key not given"
fails '-- @template tmpl.sql T=code NOUN=x EXTRA=y' 'tmpl.sql has no @EXTRA@' "a key the template does not use"
# A template may use templates (its own keys filled in first); @copy reads a
# piece with its templates filled in.
printf '%s\n' '-- outer' '' '-- @template inner.sql N=@T@_a' "COMMENT ON TYPE @T@ IS 'x';" >outer.sql
printf '%s\n' '-- inner' '' 'CREATE TYPE @N@;' >inner.sql
printf '%s\n' '-- @template outer.sql T=code' >nested.sql
is "$(perl "$expand" nested.sql)" "CREATE TYPE code_a;
COMMENT ON TYPE code IS 'x';" "a template's own @template lines are filled in, with its keys"
printf '%s\n' '-- @copy nested.sql CREATE TYPE code_a' >copied.sql
is "$(perl "$expand" copied.sql)" "CREATE TYPE code_a;" "@copy finds a statement a piece makes from a template"
printf '%s\n' '-- loop' '' '-- @template loop.sql K=@K@' >loop.sql
fails '-- @template loop.sql K=1' 'nested deeper than 8' "a template that uses itself"
fails '-- @template outer.sql T=code X=1' 'outer.sql has no @X@' "a nested use still checks its keys"
fails '-- @copy piece.sql CREATE TABLE t' '2 statements of piece.sql begin so' "a START that begins two statements"
fails '-- @copy piece.sql CREATE FUNCTION g(' 'no statement of piece.sql begins so' "a START that begins none"
fails '-- @copy nowhere.sql CREATE FUNCTION f(' 'cannot read nowhere.sql' "a file that is not there"

# The build: a copy of the tree's Makefile and SQL with one bad directive.
mkdir repo && cp -r "$here/../../Makefile" "$here/../../mineconsol.control" "$here/../../sql" repo/ || exit 1
rm -f repo/sql/mineconsol--*--*.sql
printf '%s\n' '-- @copy sql/66_adopt.sql CREATE FUNCTION no_such_function(' >repo/sql/upgrade/99_bad.sql
out=$(make -C repo -s sql/mineconsol--0.1.0--0.2.0.sql 2>&1)
rc=$?
[ $rc -ne 0 ] && [ ! -e repo/sql/mineconsol--0.1.0--0.2.0.sql ] && [ ! -e repo/sql/mineconsol--0.1.0--0.2.0.sql.tmp ]
ok $? "make stops on it and leaves no upgrade script behind"
like "$out" '99_bad.sql:1: @copy sql/66_adopt.sql CREATE FUNCTION no_such_function\(: no statement' "make says which directive"
