#!/usr/bin/env bash
# Every temporary table the install and upgrade scripts make, or their
# functions make when they run, is named pg_temp.<name> wherever it is used.
# pg_temp comes last on the scripts' search path and on the paths their
# functions pin (SET search_path FROM CURRENT): a bare name would find a
# table of that name in public or PostGIS's schema first, one that a role
# which once could create there may have planted, and run its triggers as
# whoever runs the script or the function (test/sql/results_security.sql
# and test/shell/attack_review_upgrade_scratch.sh show both).  Reads the
# assembled scripts (templates filled in), comments left out; the released
# 0.1.0 script is not read (the upgrade replaces what it made).
# No server needed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
cd "$here/../.." || exit 1
make -s sql/mineconsol--0.2.0.sql sql/mineconsol--0.1.0--0.2.0.sql >/dev/null || exit 1

# scan FILE…: one line per offence: FILE: what is wrong.
scan() {
	perl -0777 -ne '
		my $file = $ARGV;
		s/--[^\n]*//g;
		my %temp;
		while (/CREATE\s+(?:LOCAL\s+)?TEMP(?:ORARY)?\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)/gi) {
			my $name = $1;
			if ($name =~ /^pg_temp\.(\w+)$/) { $temp{$1} = 1; }
			else { print "$file: CREATE TEMPORARY TABLE $name, not pg_temp.$name\n"; }
		}
		for my $t (sort keys %temp) {
			while (/(\S{0,8})\b\Q$t\E\b/g) {
				print "$file: $t without pg_temp.\n" unless $1 =~ /pg_temp\.$/;
			}
		}' "$@"
}

plan 3
is "$(scan sql/mineconsol--0.2.0.sql sql/mineconsol--0.1.0--0.2.0.sql)" "" \
	"the install and upgrade scripts name every temporary table pg_temp.<name>"
like "$(scan sql/mineconsol--0.2.0.sql sql/mineconsol--0.1.0--0.2.0.sql | wc -l; grep -c 'TEMPORARY TABLE pg_temp\.' sql/mineconsol--0.2.0.sql sql/mineconsol--0.1.0--0.2.0.sql)" \
	'^0
sql/mineconsol--0.2.0.sql:[1-9]
sql/mineconsol--0.1.0--0.2.0.sql:[1-9]' "… and both make some (the check reads something)"
scratch=$(mktemp -d /tmp/mineconsol-temp-names.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
printf '%s\n' 'CREATE TEMPORARY TABLE t1 (a int);' 'CREATE TEMP TABLE pg_temp.t2 (a int);' \
	'-- t2 in a comment is fine' 'INSERT INTO t2 VALUES (1); DROP TABLE pg_temp.t2;' >"$scratch/bad.sql"
is "$(scan "$scratch/bad.sql" | sed "s|$scratch/||")" "bad.sql: CREATE TEMPORARY TABLE t1, not pg_temp.t1
bad.sql: t2 without pg_temp." "a bare temporary table, and a bare use of a pg_temp one, are found"
