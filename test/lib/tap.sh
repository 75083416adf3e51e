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
