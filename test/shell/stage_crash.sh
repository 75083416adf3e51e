#!/usr/bin/env bash
# A backend is killed with SIGKILL in the middle of a batch of transitions
# (autocommit statements and multi-statement transactions); the server
# restarts and recovers.  No half-written event: every unit's stage matches
# its events, no event lacks its transition, and the chain verifies.
#
# The kill is sent by the server's own OS user through COPY … TO PROGRAM, so
# the test works whoever runs it (root, postgres or the cluster's owner).
#
# Killing a backend restarts every session of the server, so the test runs
# only on the throwaway cluster of `make test` (socket under
# /tmp/mineconsol.*) or when MINECONSOL_CRASH_TEST=1 says the server may be
# crashed; otherwise it is skipped.
set -u
. "$(dirname "$0")/../lib/tap.sh"
case "${PGHOST:-}" in
/tmp/mineconsol.*/socket) ;;
*)
	if [ "${MINECONSOL_CRASH_TEST:-0}" != 1 ]; then
		echo "1..0 # SKIP not a throwaway cluster (set MINECONSOL_CRASH_TEST=1 to crash this server)"
		exit 0
	fi ;;
esac
db=mineconsol_stage_crash
new_db $db
scratch work stage-crash -d

UNITS=300
plan 8
approved_scheme $db $UNITS
ok $? "an approved scheme and $UNITS units"

# The batch: every unit walked to plans_approved, alternating single
# statements with transactions of ten steps; slow enough to be killed inside
# (a pause of 5 ms per unit: at least 1.5 s, however fast the appends are).
q $db "WITH steps AS (SELECT ARRAY['reserves_verified', 'valued', 'transferred', 'rights_settled', 'plans_approved'] AS s)
       SELECT CASE WHEN u % 20 = 1 AND k = 1 THEN 'BEGIN; ' ELSE '' END
              || format('SELECT mineconsol.advance(''unit'', %s, %L, %L);', u, s[k],
                        jsonb_build_object('date', '2023-05-01', 'doc_no', 'b-' || u || '-' || k, 'shares', '{\"甲\": 1}'::jsonb))
              || CASE WHEN u % 20 = 10 AND k = 5 THEN ' COMMIT;' ELSE '' END
              || CASE WHEN k = 3 THEN ' SELECT pg_sleep(0.005);' ELSE '' END
         FROM generate_series(1, $UNITS) u, steps, generate_series(1, 5) k ORDER BY u, k" >"$work/batch.sql"
PGAPPNAME=stage_crash_victim psql -X -q -At -d $db -f "$work/batch.sql" >"$work/batch.out" 2>&1 &
victim_client=$!

# Wait until the batch is under way, then kill its backend.
pid=
for _ in $(seq 1 100); do
	pid=$(q $db "SELECT pid FROM pg_stat_activity WHERE application_name = 'stage_crash_victim' AND state = 'active'" 2>/dev/null)
	events=$(q $db "SELECT count(*) FROM mineconsol.stage_events WHERE track = 'unit'" 2>/dev/null)
	[ -n "$pid" ] && [ "${events:-0}" -gt 200 ] && break
	sleep 0.05
done
[ -n "$pid" ]
ok $? "the batch is running (backend $pid, $events unit events so far)"
psql -X -q -d $db -c "COPY (SELECT 1) TO PROGRAM 'kill -9 $pid'" >/dev/null 2>&1
wait $victim_client
# psql says so in one of several ways, depending on where in the
# conversation the kill finds it.
grep -q 'server closed the connection unexpectedly\|terminating connection\|connection to server was lost\|could not send data to server\|no connection to the server' "$work/batch.out"
ok $? "the backend died in the middle of the batch" || grep -v '^$' "$work/batch.out" | tail -n 5 | sed 's/^/# /'

# Wait for crash recovery.
ready=1
for _ in $(seq 1 120); do
	if pg_isready -q && q $db "SELECT 1" >/dev/null 2>&1; then ready=0; break; fi
	sleep 0.5
done
ok $ready "the server recovered"

stage_sum="WITH d AS (SELECT array_position(ARRAY['planned', 'reserves_verified', 'valued', 'transferred', 'rights_settled',
             'plans_approved', 'licensed', 'restored'], stage) - 1 AS depth FROM mineconsol.units) SELECT sum(depth) FROM d"
landed=$(q $db "SELECT count(*) FROM mineconsol.stage_events WHERE track = 'unit'")
total=$((UNITS * 5))
[ "$landed" -gt 0 ] && [ "$landed" -lt "$total" ]
ok $? "part of the batch landed ($landed of $total transitions)"
is "$(q $db "$stage_sum")" "$landed" "the units' stages add up to the events: no transition without its event, no event without its transition"
is "$(q $db "SELECT row(ok, checked = (SELECT count(*) FROM mineconsol.stage_events), first_bad_event)::text FROM mineconsol.verify_audit()")" \
   "(t,t,)" "the chain verifies after recovery"
q $db "SELECT mineconsol.advance('unit', id, 'reserves_verified', '{\"date\": \"2023-05-02\", \"doc_no\": \"after\"}')
         FROM mineconsol.units WHERE stage = 'planned'" >/dev/null 2>&1
is "$(q $db "SELECT ok FROM mineconsol.verify_audit()")" t "appending continues after recovery"
