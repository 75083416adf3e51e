# Minimal TAP for the shell tests.  Source it, call plan N, then ok/is/like.
_tap_n=0
plan() { echo "1..$1"; }
ok() { # ok CONDITION-EXIT-CODE DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2"; else echo "not ok $_tap_n - $2"; fi
}
is() { # is GOT WANT DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_tap_n - $3"
	else echo "not ok $_tap_n - $3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
like() { # like GOT REGEX DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if printf '%s' "$1" | grep -qE -- "$2"; then echo "ok $_tap_n - $3"
	else echo "not ok $_tap_n - $3"; printf '#   got:  %s\n#   want: /%s/\n' "$1" "$2"; fi
}
# q DB SQL: one value, no alignment, errors to stderr.
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# The databases, roles and scratch paths of a test, removed when it exits
# (the databases and roles also first, when an earlier run left them), with
# whatever the test's own function more_cleanup, if it defines one, removes.
_tap_dbs=() _tap_roles=() _tap_paths=()
_tap_drop_dbs() {
	local d
	for d in "${_tap_dbs[@]}"; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
	done
	for d in "${_tap_roles[@]}"; do
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $d" >/dev/null 2>&1
	done
	if declare -F more_cleanup >/dev/null; then more_cleanup; fi
}
_tap_cleanup() {
	_tap_drop_dbs
	[ ${#_tap_paths[@]} -eq 0 ] || rm -rf "${_tap_paths[@]}"
}
roles_of_test() { # roles_of_test ROLE…: roles the test creates, dropped with its databases (call before new_db)
	_tap_roles+=("$@")
}
new_db() { # new_db NAME…: new empty databases for this test
	local d
	trap _tap_cleanup EXIT
	_tap_dbs+=("$@")
	_tap_drop_dbs
	for d in "$@"; do
		psql -X -q -d postgres -c "CREATE DATABASE $d" >/dev/null || exit 1
	done
}
scratch() { # scratch VAR NAME [-d]: a new file (directory with -d) /tmp/mineconsol-NAME.*, the server's user may read it, path in $VAR
	local p
	trap _tap_cleanup EXIT
	p=$(mktemp ${3:-} "/tmp/mineconsol-$2.XXXXXX") && chmod a+rX "$p" || exit 1
	_tap_paths+=("$p")
	printf -v "$1" '%s' "$p"
}

# approved_scheme DB UNITS: mineconsol created in DB, county 140902's scheme
# walked to approved, and units 1 … UNITS of that county at their first
# stage: the start of the stage workflow's shell tests.
approved_scheme() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$1" >/dev/null 2>&1 <<SQL
CREATE EXTENSION mineconsol CASCADE;
SET search_path = mineconsol, public;
INSERT INTO schemes (county_code) VALUES ('140902');
SELECT advance('scheme', (SELECT id FROM schemes), s, jsonb_build_object('date', '2022-10-01', 'doc_no', 'd-' || s, 'media', '忻州日报'))
  FROM unnest(ARRAY['drafted', 'hearing_held', 'noticed', 'submitted', 'approved']) WITH ORDINALITY AS u(s, n) ORDER BY n;
INSERT INTO units (id, county_code) SELECT g, '140902' FROM generate_series(1, $2) g;
SQL
}
