#!/usr/bin/perl
# po/sql-messages.pl FILE…: the messages of the SQL pieces as a gettext
# template on stdout: every string literal passed to mineconsol.tr('…') (or
# tr('…') where the search path finds mineconsol), also cast to text as the
# functions that run as their owner write it: tr('…'::pg_catalog.text), which
# no overload in a schema another role could write matches better.  A literal
# with a '%' is a format() template (%s, %1$s, %%), which msgfmt -c checks like a C one.
use strict;
use warnings;

my (%seen, @order);
for my $file (@ARGV) {
	open my $fh, '<:encoding(UTF-8)', $file or die "$file: $!";
	local $/;
	my $src = <$fh>;
	close $fh;
	while ($src =~ /\b(?:mineconsol\.)?tr\(\s*'((?:[^']|'')*)'(?:::(?:pg_catalog\.)?text)?\s*\)/g) {
		my $msg = $1;
		my $line = 1 + (substr($src, 0, $-[0]) =~ tr/\n//);
		$msg =~ s/''/'/g;
		push @order, $msg unless $seen{$msg};
		push @{ $seen{$msg} }, "$file:$line";
	}
}

binmode STDOUT, ':encoding(UTF-8)';
print "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n";
for my $msg (@order) {
	(my $q = $msg) =~ s/(["\\])/\\$1/g;
	$q =~ s/\n/\\n/g;
	$q =~ s/\t/\\t/g;
	print "#: @{ $seen{$msg} }\n";
	print "#, c-format\n" if $msg =~ /%/;
	print "msgid \"$q\"\nmsgstr \"\"\n\n";
}
