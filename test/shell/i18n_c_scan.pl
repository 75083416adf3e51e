#!/usr/bin/perl
# test/shell/i18n_c_scan.pl FILE…: no English text of the C sources reaches
# people without the catalogue.  Every string literal with English words in
# it (two words or more) must be the text of a call that translates it
# (ereport's errmsg/errdetail/errhint and their _plural forms, errcontext,
# GUC_check_err*, mc_gettext, mc_ngettext, gettext_noop, pgettext_noop), or
# one of the texts that are not for people listed below, each with its
# reason.  Prints one line per offence (file:line, the call, the literal) and
# exits 1 if any.
use strict;
use warnings;
use warnings FATAL => qw(inplace);	# a file that cannot be read stops the scan

# Calls that translate their text in mineconsol's domain.
my %translating = map { $_ => 1 } qw(
	errmsg errmsg_plural errdetail errdetail_plural errdetail_log errhint errhint_plural
	errcontext GUC_check_errmsg GUC_check_errdetail GUC_check_errhint
	mc_gettext mc_ngettext gettext_noop pgettext_noop);

# Calls whose texts are not for people, and why.
my %not_for_people = (
	elog => "internal errors that cannot happen in use: PostgreSQL does not translate elog()",
	AllocSetContextCreate => "a memory context's name, for developers (MemoryContextStats)",
	mc_prepare_kept => "an SQL statement",
	SPI_execute => "an SQL statement",
	SPI_execute_with_args => "an SQL statement",
	SPI_prepare => "an SQL statement",
	mc_trigger_check => "the trigger's firing in SQL words (BEFORE INSERT FOR EACH ROW)",
	DefineCustomStringVariable => "a setting's description: PostgreSQL translates those in its own domain only",
	DefineCustomIntVariable => "a setting's description: PostgreSQL translates those in its own domain only",
	DefineCustomBoolVariable => "a setting's description: PostgreSQL translates those in its own domain only",
);

# Single texts that are not for people, by their start, and why.
my @allowed = (
	[qr/^out of memory$/, "audit.c: the reason inside an elog() of a failed SHA-256"],
);

# An SQL statement or a piece of one (upper-case keywords).
my $sql = qr/\b(?:SELECT|FROM|WHERE|JOIN|ORDER BY|GROUP BY|UPDATE|INSERT|DELETE|RETURNING|FOR UPDATE|WITH|CASE WHEN|ELSE|END|EXISTS|LATERAL|OPERATOR\(pg_catalog)\b/;

my $bad = 0;
local $/;						# each file whole
while (my $src = <<>>) {
	my $file = $ARGV;
	# comments blanked out, lines kept
	$src =~ s{/\*.*?\*/}{ (my $c = $&) =~ s/[^\n]/ /g; $c }gse;
	$src =~ s{//[^\n]*}{}g;
	# the same with the literals' insides blanked: parentheses and
	# semicolons in texts do not count when looking for the call
	(my $bare = $src) =~ s{"((?:[^"\\\n]|\\.)*)"}{ '"' . ('x' x length $1) . '"' }ge;
	while ($src =~ /"((?:[^"\\\n]|\\.)*)"/g) {
		my ($lit, $pos) = ($1, $-[0]);
		next unless $lit =~ /[A-Za-z]{2,} [A-Za-z]/;
		next if $lit =~ $sql;
		next if grep { $lit =~ $_->[0] } @allowed;
		# the call the literal is an argument of: back to the unmatched (
		my $before = substr($bare, 0, $pos);
		my ($depth, $i) = (0, length($before) - 1);
		for (; $i >= 0; $i--) {
			my $c = substr($before, $i, 1);
			if ($c eq ')') { $depth++; }
			elsif ($c eq '(') { last if $depth-- == 0; }
			elsif ($c eq ';' || $c eq '{' || $c eq '}') { $i = -1; last; }
		}
		my $fn = $i >= 0 && substr($before, 0, $i) =~ /(\w+)\s*$/ ? $1 : '';
		next if $translating{$fn} || $not_for_people{$fn};
		my $line = 1 + ($before =~ tr/\n//);
		print "$file:$line: ", ($fn || '(no call)'), ": \"$lit\"\n";
		$bad = 1;
	}
}
exit $bad;
