#!/usr/bin/env bash
# An attacker's review of the update's scratch table: 97_maint.sql fills a
# temporary copy of the stage graph's seed rows (shipped_transitions).  The
# update script's search path is mineconsol, public, pg_temp: a bare name
# would find a public.shipped_transitions first, with its owner's trigger
# running as the updating superuser.  The script's guard (sql/03_i18n.sql)
# looks at functions and operators on the path, not at tables, nor at a
# trigger's function outside the path.  Two who could plant one:
#   - the database's owner, a role that is not a superuser (public is its);
#   - a clerk who made the table while public was open to every role (a
#     database from PostgreSQL 14), after the DBA closed public as README
#     says, with a trigger calling a function in its own session's pg_temp.
# Each must stay what it is, and its table untouched.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_attack_review_scratch_owner
db2=mineconsol_attack_review_scratch_clerk
roles_of_test mc_as_owner mc_as_clerk
new_db $db $db2

# The trigger function's body: makes ROLE a superuser when a superuser runs it.
planted_body() {
	printf '%s\n' "BEGIN" \
		"	IF current_setting('is_superuser') = 'on' THEN" \
		"		EXECUTE 'ALTER ROLE $1 SUPERUSER';" \
		"	END IF;" \
		"	RETURN NULL;" \
		"END"
}

plan 8
psql -X -q -d postgres -c "CREATE ROLE mc_as_owner LOGIN" -c "CREATE ROLE mc_as_clerk LOGIN" \
	-c "ALTER DATABASE $db OWNER TO mc_as_owner" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE" >/dev/null 2>&1
psql -X -q -v ON_ERROR_STOP=1 -U mc_as_owner -d $db >/dev/null 2>&1 <<SQL
CREATE SCHEMA mc_as_own;
CREATE FUNCTION mc_as_own.planted() RETURNS trigger LANGUAGE plpgsql AS \$\$
$(planted_body mc_as_owner)
\$\$;
CREATE TABLE public.shipped_transitions (track text, from_stage text, to_stage text, evidence_keys text[], due_after_stage text,
	due_within_param text, clause text, description text, seeded boolean, recorded_by text);
CREATE TRIGGER planted AFTER INSERT ON public.shipped_transitions
	FOR EACH STATEMENT EXECUTE FUNCTION mc_as_own.planted();
SQL
ok $? "0.1.0 in a database owned by a role that is not a superuser, which made public.shipped_transitions with a trigger"
err=$(psql -X -q -v ON_ERROR_STOP=1 -d $db -c "ALTER EXTENSION mineconsol UPDATE" 2>&1)
ok $? "the update" || printf '%s\n' "$err" | sed 's/^/# /'
is "$(q $db "SELECT rolsuper FROM pg_roles WHERE rolname = 'mc_as_owner'")" f \
   "the database's owner is not a superuser after it (its trigger did not run)"
is "$(q $db "SELECT count(*) || ' rows, ' || (SELECT clause FROM mineconsol.stage_transitions WHERE to_stage = 'drafted')
             FROM public.shipped_transitions")" "0 rows, 四(一), 四(三)" \
   "its table is untouched, and the update set the seed rows from its own scratch copy"

psql -X -q -v ON_ERROR_STOP=1 -d $db2 >/dev/null 2>&1 <<'SQL'
CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE;
GRANT CREATE ON SCHEMA public TO PUBLIC;
SET ROLE mc_as_clerk;
CREATE TABLE public.shipped_transitions (track text, from_stage text, to_stage text, evidence_keys text[], due_after_stage text,
	due_within_param text, clause text, description text, seeded boolean, recorded_by text);
RESET ROLE;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
ok $? "0.1.0 where a clerk made public.shipped_transitions while public was open; public closed since"
# The clerk's session stays open through the update (run from it by \!).
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -U mc_as_clerk -d $db2 2>&1 <<SQL
CREATE FUNCTION pg_temp.planted() RETURNS trigger LANGUAGE plpgsql AS \$\$
$(planted_body mc_as_clerk)
\$\$;
CREATE TRIGGER planted AFTER INSERT ON public.shipped_transitions
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.planted();
\\! psql -X -q -At -v ON_ERROR_STOP=1 -d $db2 -c 'ALTER EXTENSION mineconsol UPDATE' 2>&1 | grep -v 'WARNING\|HINT'
SQL
)
ok $? "the update, while the clerk's session holds a trigger calling its pg_temp function" || printf '%s\n' "$out" | sed 's/^/# /'
is "$(q $db2 "SELECT rolsuper FROM pg_roles WHERE rolname = 'mc_as_clerk'")" f \
   "the clerk is not a superuser after it"
is "$(q $db2 "SELECT extversion || ', ' || (SELECT count(*) FROM public.shipped_transitions) || ' rows'
              FROM pg_extension WHERE extname = 'mineconsol'")" "0.2.0, 0 rows" \
   "the extension is updated and the clerk's table untouched"
