#!/usr/bin/perl
# test/shell/i18n_raise_scan.pl FILE…: every RAISE of the SQL pieces speaks
# through the catalogue.  Prints one line per offence (file:line and the
# literal) and exits 1 if any: a RAISE with a format string of its own
# (RAISE EXCEPTION 'text %', …) instead of USING MESSAGE = …tr(…), or a
# literal of English words in a RAISE that is not the argument of tr().
# ERRCODE values, one-word literals and values compared with are not texts.
use strict;
use warnings;
use warnings FATAL => qw(inplace);	# a file that cannot be read stops the scan
use utf8;
use open qw(:std :encoding(UTF-8));

my $bad = 0;
local $/;						# each file whole
while (my $src = <<>>) {
	my $file = $ARGV;
	$src =~ s/--[^\n]*//g;		# comments (no RAISE literal holds "--")
	while ($src =~ /\bRAISE\b/g) {
		my $start = $-[0];
		my $line = 1 + (substr($src, 0, $start) =~ tr/\n//);
		# The statement: up to the first ; outside a literal.
		my ($i, $inq) = ($start, 0);
		while ($i < length $src) {
			my $c = substr($src, $i, 1);
			if ($c eq "'") { $inq = !$inq; }
			elsif ($c eq ';' && !$inq) { last; }
			$i++;
		}
		my $stmt = substr($src, $start, $i - $start);
		if ($stmt =~ /^RAISE\s+(?:EXCEPTION|WARNING|NOTICE|INFO|LOG|DEBUG)?\s*'/) {
			print "$file:$line: RAISE with its own format string, not USING MESSAGE = tr(…)\n";
			$bad = 1;
		}
		while ($stmt =~ /'((?:[^']|'')*)'/g) {
			my ($lit, $at) = ($1, $-[0]);
			my $before = substr($stmt, 0, $at);
			next if $before =~ /\btr\(\s*$/;
			next if $before =~ /ERRCODE\s*=\s*$/;
			# a value compared with (CASE WHEN x = 'owns it'), not a text shown
			next if $before =~ /(?:OPERATOR\(pg_catalog\.=\)|\b(?!MESSAGE\b|DETAIL\b|HINT\b)[\w.]+\s*(?:=|<>))\s*$/;
			next unless $lit =~ /[A-Za-z]{2,}/ && $lit =~ /\s/;
			print "$file:$line: literal outside tr(): '$lit'\n";
			$bad = 1;
		}
	}
}
exit $bad;
