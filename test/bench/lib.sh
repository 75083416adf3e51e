# Shared by the benchmark scripts (sourced): timing and memory of one query
# in a fresh backend, best of two runs, a fresh registry database, and a line
# describing the machine.  Needs DB (the database) set by the caller.

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# The PostGIS reference every ratio of the registry benchmarks is taken
# against: the same clustering the merge plan needs, on the stored mines.
DBSCAN="SELECT count(c) FROM (SELECT ST_ClusterDBSCAN(geom, 500, 1) OVER (PARTITION BY ore_body) c FROM mineconsol.mines) s"

# measure QUERY [SETUP]: "<ms> <VmHWM kB>" for one run in a fresh backend;
# SETUP runs first in the same backend, untimed.
measure() {
	psql_q ${2:+-c "$2"} -c '\timing on' -c "$1" -c '\timing off' \
		-c "SELECT 'hwm ' || substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+([0-9]+)')" |
		awk '/^Time:/ { ms = $2 } /^hwm / { kb = $2 } END { print ms, kb }'
}

# best QUERY [SETUP]: two runs; "<best ms> <max VmHWM kB>"
best() {
	local a b
	a=$(measure "$1" "${2:-}")
	b=$(measure "$1" "${2:-}")
	printf '%s\n%s\n' "$a" "$b" |
		awk 'NR == 1 || $1 < ms { ms = $1 } $2 > kb { kb = $2 } END { print ms, kb }'
}

# best_pair QUERY_A QUERY_B [RUNS]: the two queries alternate (A B A B …),
# RUNS times each (3), each run in a fresh backend, so that a slow spell of
# a shared machine hits both; "<best ms A> <best ms B>".
best_pair() {
	local i runs=${3:-3} a b
	for i in $(seq 1 "$runs"); do
		a=$(measure "$1")
		b=$(measure "$2")
		echo "${a%% *} ${b%% *}"
	done | awk 'NR == 1 || $1 < a { a = $1 } NR == 1 || $2 < b { b = $2 } END { print a, b }'
}

# registry_db N: DB dropped and created afresh, with mineconsol and a registry
# of N synthetic mines (test/bench/load_registry.sql), the generator's
# functions in schema bench.  Used by the benchmarks that give each N a fresh
# database; drop_db removes it at the end.
registry_db() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
	psql_q -c "SET client_min_messages = warning" -c "CREATE EXTENSION mineconsol CASCADE" \
		-c "CREATE SCHEMA bench" -c "SET search_path = bench, public" \
		-f test/bench/synthetic_mines.sql -v n="$1" -f test/bench/load_registry.sql >/dev/null
}
drop_db() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB"; }

machine() {
	printf '%s, %s cores, %s GB RAM; %s; PostGIS %s; GEOS %s\n' \
		"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" \
		"$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
		"$(psql_q -c "SELECT split_part(version(), ' on ', 1)")" \
		"$(psql_q -c "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")" \
		"$(psql_q -c "SELECT split_part(postgis_geos_version(), '-', 1)")"
}
