#!/usr/bin/env bash
# The per-role settings at work, with real logins: a county clerk whose
# settings apply_role_settings() stored (small values, to keep the test
# short) leaves a transaction open holding the whole registry locked; the
# server ends that session after idle_in_transaction_session_timeout and the
# city's query, which waited for the lock, goes on.  lock_timeout and
# statement_timeout end the clerk's own statements that wait or run too long.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_role_settings
clerk=mc_rss_clerk city=mc_rss_city
work=$(mktemp -d /tmp/mineconsol-role-settings.XXXXXX)
chmod 755 "$work"
cleanup() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS $clerk" -c "DROP ROLE IF EXISTS $city" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
cleanup
mkdir -p "$work" && chmod 755 "$work"
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || exit 1

plan 10
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db 2>&1 <<SQL
CREATE EXTENSION mineconsol CASCADE;
CREATE ROLE $clerk LOGIN IN ROLE mineconsol_editor;
CREATE ROLE $city LOGIN IN ROLE mineconsol_admin;
INSERT INTO mineconsol.role_counties VALUES ('$clerk', '140902');
INSERT INTO mineconsol.mines (name, county_code) VALUES ('xinfu-1', '140902'), ('dingxiang-1', '140921');
SELECT setting || '=' || value FROM mineconsol.apply_role_settings('$clerk',
  idle_in_transaction_session_timeout => '1s', lock_timeout => '2s', statement_timeout => '3s');
SQL
)
is "$(printf '%s\n' "$out" | grep '=' | tr '\n' ' ')" \
   "idle_in_transaction_session_timeout=1s lock_timeout=2s statement_timeout=3s " \
   "apply_role_settings() stores the clerk's settings"
is "$(psql -X -q -At -U $clerk -d $db -c "SELECT current_setting('idle_in_transaction_session_timeout') || ' ' || current_setting('lock_timeout') || ' ' || current_setting('statement_timeout')")" \
   "1s 2s 3s" "the clerk's sessions start with them"
is "$(psql -X -q -At -U $city -d $db -c "SELECT current_setting('idle_in_transaction_session_timeout')")" \
   "0" "… and only the clerk's"

# The clerk locks the registry (its UPDATE grant allows it) and goes idle.
{
	printf '%s\n' "BEGIN;" "LOCK TABLE mineconsol.mines IN ACCESS EXCLUSIVE MODE;" "SELECT 'locked';"
	sleep 8
	printf '%s\n' "SELECT 'still here';"
} | psql -X -q -At -U $clerk -d $db >"$work/clerk.out" 2>"$work/clerk.err" &
clerk_pid=$!
for _ in $(seq 1 100); do
	[ "$(q $db "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'mines' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
	sleep 0.1
done
is "$(cat "$work/clerk.out")" "locked" "the clerk holds ACCESS EXCLUSIVE on mines, idle in its transaction"

start=$(date +%s.%N)
got=$(psql -X -q -At -U $city -d $db -c "SET statement_timeout = '7s'" -c "SELECT count(*) FROM mineconsol.mines" 2>&1)
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
is "$got" "2" "the city's query, queued behind the lock, answers"
awk -v t="$elapsed" 'BEGIN { exit !(t < 6) }'
ok $? "… after ${elapsed}s: the server ended the clerk's idle transaction, not the clerk (who waits 8 s)"
wait $clerk_pid
like "$(cat "$work/clerk.err")" "terminating connection due to idle-in-transaction timeout" \
     "the clerk's session was ended by idle_in_transaction_session_timeout"
is "$(cat "$work/clerk.out")" "locked" "… and its later statement never ran"

# lock_timeout: the clerk waits at most 2 s for a row the city holds.
{
	printf '%s\n' "BEGIN;" "UPDATE mineconsol.mines SET note = 'city' WHERE name = 'xinfu-1';" "SELECT 'held';"
	sleep 4
	printf '%s\n' "COMMIT;"
} | psql -X -q -At -U $city -d $db >"$work/city.out" 2>&1 &
city_pid=$!
for _ in $(seq 1 100); do
	[ "$(cat "$work/city.out")" = held ] && break
	sleep 0.1
done
got=$(psql -X -q -At -U $clerk -d $db -v VERBOSITY=verbose -c "UPDATE mineconsol.mines SET note = 'clerk' WHERE name = 'xinfu-1'" 2>&1)
like "$got" "55P03: canceling statement due to lock timeout" "a clerk's statement gives up waiting for a lock after lock_timeout (55P03)"
wait $city_pid

got=$(psql -X -q -At -U $clerk -d $db -v VERBOSITY=verbose -c "SELECT pg_sleep(10)" 2>&1)
like "$got" "57014: canceling statement due to statement timeout" "a clerk's statement that runs too long is cancelled by statement_timeout (57014)"
