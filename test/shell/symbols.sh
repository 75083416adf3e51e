#!/usr/bin/env bash
# The symbols of the two libraries the server loads (docs/architecture.md,
# "Two libraries"):
#   - the module mineconsol exports only mc_* functions and their pg_finfo_
#     records, besides PostgreSQL's Pg_magic_func and _PG_init; every C
#     function of a fresh install is mc_<its SQL name> (two documented
#     exceptions) and is among them;
#   - the legacy library mineconsol-0.1 exports the same and every C name
#     the frozen 0.1.0 script uses, nothing else;
#   - one session can load both (a database on 0.1.0's definitions updated
#     in the middle of it): the settings are defined once and read alike by
#     both, and after the update nothing refers to the legacy library.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
db=mineconsol_symbols
new_db $db

plan 12
# The directory the running server loads $libdir from (the private install
# of make test, or the system's).
libdir=$(q postgres "SELECT setting FROM pg_config() WHERE name = 'PKGLIBDIR'")
exports() { nm -D --defined-only "$1" | awk '{ print $3 }' | sort; }
module=$(exports "$libdir/mineconsol.so")
legacy=$(exports "$libdir/mineconsol-0.1.so")

n=$(printf '%s\n' "$module" | grep -c '^mc_')
[ "$n" -ge 40 ]
ok $? "the module exports the mc_ functions ($n)"
is "$(printf '%s\n' "$module" | grep -Ev '^(pg_finfo_)?mc_[a-z0-9_]+$' | paste -sd' ')" "Pg_magic_func _PG_init" \
   "the module exports nothing else but Pg_magic_func and _PG_init"
is "$(printf '%s\n' "$module" | grep '^mc_' | sed 's/^/pg_finfo_/' | paste -sd' ')" \
   "$(printf '%s\n' "$module" | grep '^pg_finfo_' | paste -sd' ')" "each exported function has its pg_finfo_ record"

out=$(psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION mineconsol CASCADE" 2>&1)
ok $? "a fresh install binds every C function"
# C name = mc_ || SQL name, but for one body serving two SQL names
# (classify_row is classify's) and an overload (verify_audit(text)).
is "$(q $db "SELECT string_agg(p.oid::regprocedure || ' -> ' || p.prosrc, ', ' ORDER BY 1)
               FROM pg_proc p
              WHERE p.pronamespace = 'mineconsol'::regnamespace
                AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
                AND p.prosrc <> 'mc_' || p.proname")" \
   "mineconsol.classify_row(record) -> mc_classify, mineconsol.verify_audit(text) -> mc_verify_audit_digest" \
   "every C function is mc_<its SQL name>, but for the two the C files say"
missing=$(q $db "SELECT DISTINCT prosrc FROM pg_proc WHERE pronamespace = 'mineconsol'::regnamespace
                    AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')
                    AND probin = '\$libdir/mineconsol' ORDER BY 1" | comm -23 - <(printf '%s\n' "$module"))
is "$missing" "" "each of them is exported by the module"

# The frozen script's C names, each of them exported by the legacy library.
old_names=$(grep -oE "MODULE_PATHNAME', '[a-z0-9_]+'" "$here/../../sql/mineconsol--0.1.0.sql" |
	sed -E "s/.*'([a-z0-9_]+)'$/\1/" | sort -u)
[ "$(printf '%s\n' "$old_names" | wc -l)" -ge 40 ]
ok $? "the frozen 0.1.0 script names its C functions"
is "$(printf '%s\n' "$old_names" | comm -23 - <(printf '%s\n' "$legacy") | paste -sd' ')" "" \
   "the legacy library exports every C name of 0.1.0's script"
is "$(printf '%s\n' "$legacy" | grep -Ev '^(pg_finfo_)?mc_[a-z0-9_]+$' | sed 's/^pg_finfo_//' | sort -u |
      comm -23 - <(printf '%s\n' "$old_names") | paste -sd' ')" "Pg_magic_func _PG_init" \
   "and nothing else but the module's mc_ functions, Pg_magic_func and _PG_init"

# One session, both libraries: 0.1.0's definitions load the legacy library
# (which defines the settings), the update re-binds them, and the module,
# loaded next, reads the setting the legacy library holds.
psql -X -q -d $db -c "DROP EXTENSION mineconsol" -c "CREATE EXTENSION mineconsol VERSION '0.1.0'" >/dev/null 2>&1
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db 2>&1 <<'SQL'
SET mineconsol.as_of = '2023-06-30';
SELECT 'legacy ' || mineconsol.as_of();
ALTER EXTENSION mineconsol UPDATE;
SELECT 'module ' || mineconsol.as_of();
SET mineconsol.as_of = '2024-01-02';
SELECT 'module ' || mineconsol.as_of() || ' ' || (mineconsol.try_license_no('C1409022011087110000001') IS NOT NULL);
SELECT 'loaded ' || (pg_read_file('/proc/self/maps') ~ '/mineconsol-0\.1\.so')
       || ' ' || (pg_read_file('/proc/self/maps') ~ '/mineconsol\.so');
SELECT 'legacy left ' || count(*) FROM pg_proc WHERE probin LIKE '%mineconsol-0.1%';
SQL
)
is "$(printf '%s\n' "$out" | paste -sd'|')" \
   "legacy 2023-06-30|module 2023-06-30|module 2024-01-02 true|loaded true true|legacy left 0" \
   "a session that used 0.1.0's definitions, updated and used the module: one setting, both libraries loaded"
is "$(q $db "SELECT mineconsol.as_of() = current_date")" t "a new session reads the default"
is "$(q $db "SELECT 1")" 1 "the server is up"
