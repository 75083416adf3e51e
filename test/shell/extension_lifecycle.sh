#!/usr/bin/env bash
# CREATE EXTENSION mineconsol CASCADE on an empty database, DROP EXTENSION,
# and CREATE again: what a DBA does first.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_lifecycle
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT

plan 7
out=$(psql -X -q -d $db -c "CREATE EXTENSION mineconsol CASCADE" 2>&1)
ok $? "CREATE EXTENSION mineconsol CASCADE on an empty database"
like "$out" 'installing required extension "postgis"' "CASCADE installs PostGIS"
is "$(q $db "SELECT count(*) FROM mineconsol.counties")" 17 "seed data is there"
q $db "DROP EXTENSION mineconsol" >/dev/null 2>&1
ok $? "DROP EXTENSION mineconsol"
is "$(q $db "SELECT count(*) FROM pg_class WHERE relnamespace = 'mineconsol'::regnamespace
             UNION ALL SELECT count(*) FROM pg_proc WHERE pronamespace = 'mineconsol'::regnamespace
             UNION ALL SELECT count(*) FROM pg_type WHERE typnamespace = 'mineconsol'::regnamespace" | paste -sd,)" \
   "0,0,0" "no table, function or type is left behind (the empty schema stays, as PostgreSQL creates it outside the extension)"
is "$(q $db "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")" 1 "PostGIS stays installed"
q $db "CREATE EXTENSION mineconsol" >/dev/null 2>&1
ok $? "CREATE EXTENSION again after the drop"
