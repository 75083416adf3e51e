#!/usr/bin/env bash
# Fuzz every C entry point of mineconsol from SQL: merge_cluster (EMPTY parts
# anywhere, every geometry type, Z/M, NaN and infinite ordinates, ±1e308,
# mutated EWKB, 20 000-vertex rings), working_geometry, classify (any facts
# missing), the corner-point parser (damaged licences, runaway numbers, 40 000
# lines), and the licence-number and credit-code types and try_ functions.
# The statements come from test/fuzz/generate.sql with a fixed seed (a failure
# can be replayed).  Each runs on its own under statement_timeout = 1s and must
# end with a result or a clean error: never a crash, a timeout (57014) or an
# internal error (XX000); after each batch the server still answers.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
DB=${MINECONSOL_TEST_DB:-mineconsol_regression}
SEED=${FUZZ_SEED:-0.5}
work=$(mktemp -d /tmp/mineconsol-fuzz.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "SET client_min_messages = warning" \
	-c "CREATE EXTENSION IF NOT EXISTS mineconsol CASCADE" >/dev/null 2>&1 \
	|| { echo "Bail out! cannot create the extension"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v seed="$SEED" -v outfile="$work/all.sql" \
	-f test/fuzz/generate.sql >/dev/null 2>"$work/generate.err" \
	|| { echo "Bail out! cannot generate the statements"; sed 's/^/# /' "$work/generate.err"; exit 1; }
# one file per batch
awk -v dir="$work" '/^-- batch [0-9]+$/ { f = dir "/batch" $3 ".sql" } f { print > f }' "$work/all.sql"

names=([1]="merge_cluster over adversarial and mutated geometries"
	[2]="working_geometry over the same geometries"
	[3]="classify with random facts missing"
	[4]="the corner-point parser over damaged and runaway texts"
	[5]="licence numbers and credit codes")
plan 20

for b in 1 2 3 4 5; do
	f=$work/batch$b.sql
	n=$(grep -c '^SELECT' "$f")
	t0=$(date +%s.%N)
	PGOPTIONS="-c statement_timeout=1s -c client_min_messages=error" \
		psql -X -q -At -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -d "$DB" -f "$f" >"$work/out$b" 2>"$work/err$b"
	rc=$?
	t=$(echo "$(date +%s.%N) - $t0" | bc -l)
	states=$(sed -n 's/^psql:[^ ]* ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' "$work/err$b" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=" "}')
	nerr=$(grep -c '^psql:[^ ]* ERROR:' "$work/err$b")
	ok "$rc" "batch $b, $(printf '%s' "${names[$b]}"): psql ran all $n statements without losing the server ($(printf '%.1f' "$t") s)"
	[ "$rc" -eq 0 ] || tail -n 5 "$work/err$b" | sed 's/^/# /'
	is "$(q "$DB" 'SELECT 1' 2>&1)" 1 "batch $b: the server answers afterwards"
	bad=$(grep -E '^psql:[^ ]* ERROR:  (57014|XX...|53...|58...):' "$work/err$b" | head -n 3)
	[ -z "$bad" ]
	ok $? "batch $b: every statement ended within 1 s with a result or a clean error (${nerr} errors: ${states:-none})"
	[ -n "$bad" ] && printf '%s\n' "$bad" | cut -c1-300 | sed 's/^/# /'
	# a statement that gets a result prints exactly one line
	lines=$(wc -l <"$work/out$b")
	[ $((lines + nerr)) -eq "$n" ]
	ok $? "batch $b: $lines results and $nerr errors make the $n statements"
done
