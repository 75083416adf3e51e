#!/usr/bin/env bash
# An attacker's review, the parts that need their own database or process:
# ALTER EXTENSION UPDATE with a function planted in PostGIS's schema (a
# writable public, as databases older than PostgreSQL 15 have it), and
# test/demo.sh's MINECONSOL_DEMO_LANG with shell in it.
set -u
. "$(dirname "$0")/../lib/tap.sh"
db=mineconsol_attack_review_i18n
roles_of_test mc_ai_planter
new_db $db

plan 9
# A role that may create in public plants format(text, text, text): it
# matches a call format(unknown, unknown, text) better than pg_catalog's
# variadic format, and would run as the superuser who updates.
# plant SIGNATURE CALL: public.SIGNATURE, which makes mc_ai_planter a
# superuser when a superuser calls it, then returns CALL.
plant() {
	printf '%s\n' "CREATE FUNCTION public.$1 RETURNS text LANGUAGE plpgsql AS \$\$" \
		"BEGIN" \
		"	IF current_setting('is_superuser') = 'on' THEN" \
		"		EXECUTE 'ALTER ROLE mc_ai_planter SUPERUSER';" \
		"	END IF;" \
		"	RETURN $2;" \
		"END \$\$;"
}
{
	printf '%s\n' "GRANT CREATE ON SCHEMA public TO PUBLIC;" "CREATE EXTENSION mineconsol VERSION '0.1.0' CASCADE;" \
		"CREATE ROLE mc_ai_planter;" "SET ROLE mc_ai_planter;"
	plant 'format(text, text, text)' 'pg_catalog.format($1, $2, $3)'
	plant 'regexp_replace(text, varchar, text)' 'pg_catalog.regexp_replace($1, $2, $3)'
	echo "RESET ROLE;"
} | psql -X -q -v ON_ERROR_STOP=1 -d $db >/dev/null 2>&1
ok $? "0.1.0 installed; a role planted format() and regexp_replace() in a public every role may write"
err=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $db -c "ALTER EXTENSION mineconsol UPDATE" 2>&1)
like "$err" 'ERROR:  55000: schema "public" is writable by every role \(PUBLIC\)' \
   "the update refuses (55000) while every role may create in PostGIS's schema"
# The DBA revokes the privilege: what was planted before is still there.
q $db "REVOKE CREATE ON SCHEMA public FROM PUBLIC" >/dev/null
err=$(psql -X -q -v ON_ERROR_STOP=1 -d $db -c "ALTER EXTENSION mineconsol UPDATE" 2>&1)
like "$err" 'ERROR:  (format|regexp_replace)\(.* in schema "public" belongs to role "mc_ai_planter", which is not a superuser' \
   "… and while a function planted there before the revoke is still there"
q $db "DROP FUNCTION public.format(text, text, text); DROP FUNCTION public.regexp_replace(text, varchar, text)" >/dev/null
q $db "ALTER EXTENSION mineconsol UPDATE" >/dev/null
ok $? "once they are gone, the update runs"
is "$(q $db "SELECT extversion FROM pg_extension WHERE extname = 'mineconsol'")" "0.2.0" "the extension is at 0.2.0"
is "$(q $db "SELECT rolsuper FROM pg_roles WHERE rolname = 'mc_ai_planter'")" "f" \
   "the planted format() and regexp_replace() never ran as the superuser who updated"

# The same guard at install time: a database whose public every role may
# write gets no mineconsol until that is revoked.
db2=mineconsol_attack_review_i18n_install
new_db $db2
q $db2 "GRANT CREATE ON SCHEMA public TO PUBLIC; CREATE EXTENSION postgis" >/dev/null 2>&1
err=$(psql -X -q -v ON_ERROR_STOP=1 -d $db2 -c "CREATE EXTENSION mineconsol" 2>&1)
like "$err" 'ERROR:  schema "public" is writable by every role \(PUBLIC\)' \
   "CREATE EXTENSION refuses (55000) while every role may create in PostGIS's schema"
is "$(q $db2 "SELECT count(*) FROM pg_extension WHERE extname = 'mineconsol'")/$(q $db2 "SELECT count(*) FROM pg_namespace WHERE nspname = 'mineconsol'")" \
   "0/0" "… and installs nothing"

# The demo's language is one of two words, checked before anything runs.
marker=/tmp/mineconsol-attack-review-i18n.$$
rm -f "$marker"
MINECONSOL_DEMO_LANG="zh\$(touch $marker);\`touch $marker\`" bash test/demo.sh >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && [ ! -e "$marker" ]
ok $? "test/demo.sh: MINECONSOL_DEMO_LANG with \$(…) and \`…\` in it is refused (exit 2) and runs nothing"
rm -f "$marker"
