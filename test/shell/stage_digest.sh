#!/usr/bin/env bash
# audit_digest() beside appends in progress: an event is numbered when it is
# appended, not when it commits, so a digest taken while a change is still
# open could miss an event below the highest id it sees.  audit_digest()
# waits for such changes; the digest then covers them and verifies.  It
# refuses REPEATABLE READ, whose snapshot would not show them.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_stage_digest
new_db $db

plan 7
approved_scheme $db 2
ok $? "an approved scheme and two units"

# A moves unit 1 and keeps its transaction open for two seconds; then B
# moves unit 2 and commits, so B's event is the highest visible id while
# A's, below it, is not committed yet.
psql -X -q -At -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1 <<'SQL' &
BEGIN;
SELECT mineconsol.advance('unit', 1, 'reserves_verified', '{"date": "2023-02-01", "doc_no": "a"}');
SELECT pg_sleep(2);
COMMIT;
SQL
sleep 0.7
b=$(q $db "SELECT (mineconsol.advance('unit', 2, 'reserves_verified', '{\"date\": \"2023-02-01\", \"doc_no\": \"b\"}')).id")
start=$(date +%s%N)
digest=$(q $db "SELECT mineconsol.audit_digest()")
waited=$(( ($(date +%s%N) - start) / 1000000 ))
wait
is "$(printf '%s' "$digest" | cut -d: -f2)" "$b" "the digest covers the events up to the highest visible one"
[ "$waited" -ge 500 ]
ok $? "audit_digest() waited for the change still open (${waited} ms)"
is "$(printf '%s' "$digest" | cut -d: -f3)" 3 "its heads include the event that was open: 3 chains (scheme, unit 1, unit 2)"
is "$(q $db "SELECT row(ok, first_bad_event)::text FROM mineconsol.verify_audit('$digest')")" "(t,)" \
   "the trail verifies against the digest afterwards"
is "$(q $db "SELECT mineconsol.audit_digest()")" "$digest" "a digest taken now is the same"
out=$(psql -X -q -At -d $db 2>&1 <<'SQL'
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT mineconsol.audit_digest();
SQL
)
like "$out" 'ERROR:  audit_digest\(\) needs READ COMMITTED isolation' "REPEATABLE READ is refused (its snapshot would miss such events)"
