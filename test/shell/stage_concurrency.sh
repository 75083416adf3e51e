#!/usr/bin/env bash
# Stage workflow under concurrency: 8 clients × 500 transitions on different
# units of one county (some refused on purpose), two clients racing for the
# same rows, and the cached transition graph following a change committed by
# another session.  Every transition lands with its event or not at all; the
# chain verifies; no deadlock.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_stage_conc
new_db $db
scratch work stage-conc -d

CLIENTS=8 PER_CLIENT=500 UNITS_PER_CLIENT=72 RACE_ROWS=200

plan 15
approved_scheme $db $((CLIENTS * UNITS_PER_CLIENT + RACE_ROWS))
ok $? "one approved county scheme and $((CLIENTS * UNITS_PER_CLIENT + RACE_ROWS)) units at planned"

# Client c works on units (c-1)*72+1 … c*72 in turn: every statement moves
# one unit one step, so the units of a client reach different stages.
# Before every tenth one comes a statement that skips a stage and must be
# refused.
for c in $(seq 1 $CLIENTS); do
	psql -X -q -At -d $db >"$work/script.$c" <<SQL
WITH steps AS (
  SELECT ARRAY['planned', 'reserves_verified', 'valued', 'transferred', 'rights_settled', 'plans_approved', 'licensed', 'restored'] AS s),
n AS (SELECT g AS i, ($c - 1) * $UNITS_PER_CLIENT + 1 + (g - 1) % $UNITS_PER_CLIENT AS unit, (g - 1) / $UNITS_PER_CLIENT AS done
        FROM generate_series(1, $PER_CLIENT) g),
ev AS (SELECT jsonb_build_object('date', '2023-05-01', 'doc_no', 'c$c', 'shares', jsonb_build_object('甲', 1),
              'license_no', 'C1409022023057130000001', 'accepted_by', '忻府区自然资源局') AS e)
SELECT stmt FROM (
  SELECT i, 1 AS k, format('SELECT mineconsol.advance(''unit'', %s, %L, %L);', unit, coalesce(s[done + 3], 'nowhere'), e) AS stmt
    FROM n, steps, ev WHERE i % 10 = 0
  UNION ALL
  SELECT i, 2, format('SELECT mineconsol.advance(''unit'', %s, %L, %L);', unit, s[done + 2], e)
    FROM n, steps, ev) x
 ORDER BY i, k;
SQL
done
start=$(date +%s)
for c in $(seq 1 $CLIENTS); do
	psql -X -q -At -d $db -f "$work/script.$c" >"$work/out.$c" 2>"$work/err.$c" &
done
wait
elapsed=$(( $(date +%s) - start ))
echo "# $((CLIENTS * PER_CLIENT)) transitions by $CLIENTS clients in ${elapsed}s"

refused=$(cat "$work"/err.* | grep -c 'ERROR:  unit [0-9]* (county 140902) cannot move from')
other=$(cat "$work"/err.* | grep 'ERROR' | grep -vc 'cannot move from')
landed=$(q $db "SELECT count(*) FROM mineconsol.stage_events WHERE track = 'unit'")
is "$refused" "$((CLIENTS * PER_CLIENT / 10))" "every statement that skips a stage is refused"
is "$other" 0 "no other error (no deadlock, no serialization failure)"
is "$landed" "$((CLIENTS * PER_CLIENT))" "every valid transition landed with exactly one event"
is "$(q $db "WITH d AS (SELECT u.id, array_position(ARRAY['planned', 'reserves_verified', 'valued', 'transferred',
               'rights_settled', 'plans_approved', 'licensed', 'restored'], u.stage) - 1 AS depth FROM mineconsol.units u)
             SELECT sum(depth) FROM d")" "$landed" "the units' stages add up to the events: nothing landed without its event"
is "$(q $db "SELECT count(*) FROM mineconsol.units u WHERE u.stage IS DISTINCT FROM
             (SELECT e.to_stage FROM mineconsol.stage_events e WHERE e.track = 'unit' AND e.row_id = u.id ORDER BY e.id DESC LIMIT 1)
             AND u.stage <> 'planned'")" 0 "each unit is at the stage of its last event"
is "$(q $db "SELECT row(ok, checked = (SELECT count(*) FROM mineconsol.stage_events), first_bad_event)::text FROM mineconsol.verify_audit()")" \
   "(t,t,)" "the chain verifies"
is "$(q $db "SELECT count(*) FROM (SELECT id, at, lag(at) OVER (PARTITION BY track, row_id ORDER BY id) AS before
             FROM mineconsol.stage_events) e WHERE at < before")" 0 \
   "event times increase along each row's chain (ids and chain order agree)"
is "$(q $db "SELECT count(*) FROM mineconsol.units u WHERE u.stage <> 'planned' AND u.last_event_id IS DISTINCT FROM
             (SELECT max(e.id) FROM mineconsol.stage_events e WHERE e.track = 'unit' AND e.row_id = u.id)")" 0 \
   "each unit's head names its last event"

# Two clients race for the same rows: each row moves once, the other gets a
# clear error.
first=$((CLIENTS * UNITS_PER_CLIENT + 1)) last=$((CLIENTS * UNITS_PER_CLIENT + RACE_ROWS))
# a takes the rows in order, b in a random order: a follower in the same
# order would lose every race.
for c in a b; do
	order=g; [ $c = b ] && order='random()'
	q $db "SELECT format('SELECT mineconsol.advance(''unit'', %s, ''reserves_verified'', ''{\"date\": \"2023-02-01\", \"doc_no\": \"race-$c\"}'');', g)
	         FROM generate_series($first, $last) g ORDER BY $order" >"$work/race.$c"
done
# Both start together: they wait for an advisory lock a third session holds
# for a second.
psql -X -q -At -d $db -c "SELECT pg_advisory_lock(5), pg_sleep(1)" >/dev/null &
sleep 0.3
for c in a b; do
	{ echo "SELECT pg_advisory_lock_shared(5), pg_advisory_unlock_shared(5);"; cat "$work/race.$c"; } |
		psql -X -q -At -d $db >/dev/null 2>"$work/race_err.$c" &
done
wait
is "$(q $db "SELECT count(*) FROM mineconsol.stage_events WHERE row_id BETWEEN $first AND $last")" "$RACE_ROWS" \
   "each raced row moved exactly once"
is "$(cat "$work"/race_err.* | grep -c 'ERROR:  unit [0-9]* (county 140902) is already at stage "reserves_verified"')" "$RACE_ROWS" \
   "the loser of each race is told the row is already at that stage"
is "$(q $db "SELECT count(DISTINCT evidence->>'doc_no') FROM mineconsol.stage_events WHERE row_id BETWEEN $first AND $last")" 2 \
   "both clients won some races (they really raced)"
is "$(q $db "SELECT ok FROM mineconsol.verify_audit()")" t "the chain verifies after the race"
is "$(q $db "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")" 0 "no deadlock was detected"

# The cached graph follows a change committed by another session.
out=$(psql -X -q -At -d $db 2>&1 <<SQL
SELECT to_stage FROM mineconsol.advance('unit', $first, 'valued', '{"date": "2023-03-01", "doc_no": "v-1"}');
\! psql -X -q -d $db -c "UPDATE mineconsol.stage_transitions SET evidence_keys = evidence_keys || '{appraiser}' WHERE track = 'unit' AND to_stage = 'transferred'"
SELECT to_stage FROM mineconsol.advance('unit', $first, 'transferred', '{"date": "2023-05-01", "doc_no": "t-1"}');
SQL
)
like "$out" 'Missing evidence: appraiser' "a session's cached graph sees a change another session committed"
