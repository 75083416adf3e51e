#!/usr/bin/env bash
# The README's SQL examples run as written: every ```sql block in order in one
# session (raising exactly the errors its comments show), and every documented
# error (`=> statement` followed by ERROR/DETAIL/HINT) says what the server says.
# The examples start from an empty database and create what they use
# (CREATE EXTENSION, the roles of "Counties, roles and security").
set -u
here=$(cd "$(dirname "$0")" && pwd)
db=mineconsol_readme
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP OWNED BY xinfu_clerk" -c "DROP ROLE IF EXISTS xinfu_clerk" -c "DROP ROLE IF EXISTS dingxiang_readers" >/dev/null 2>&1
}
trap cleanup EXIT
cleanup
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || exit 1
cd "$here/../.." && PGDATABASE=$db python3 test/readme/check_readme.py README.md
