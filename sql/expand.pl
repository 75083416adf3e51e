#!/usr/bin/perl
# sql/expand.pl PIECE: print a piece of an install or upgrade script with its
# directives replaced by what they name, so that SQL the scripts need twice
# is written once.  The Makefile runs it on every piece when it assembles the
# scripts.  A directive is a line of its own:
#
#   -- @copy FILE START      the statement of FILE (an install piece, e.g.
#                            sql/66_adopt.sql, as written) that begins with
#                            START, e.g. "COMMENT ON FUNCTION
#                            adopt_merge_plan(", as it is: an upgrade piece
#                            takes a definition unchanged from its install
#                            piece
#   -- @copy FILE START .. LAST
#                            the statements from the one that begins with
#                            START to the one that begins with LAST, and
#                            what stands between them, as they are
#   -- @replace FILE START   the same, its leading CREATE made CREATE OR
#                            REPLACE (START names it as the piece writes it:
#                            "CREATE FUNCTION adopt_merge_plan(")
#   -- @template FILE KEY=VALUE…
#                            FILE (sql/templates/…) without its header (the
#                            lines up to the first blank one), each @KEY@ in
#                            it replaced by VALUE (quoted "…" when it holds
#                            spaces): what two pieces define alike.  A
#                            template may itself hold @template lines (its
#                            keys filled in first), to a depth of 8
#
# @copy and @replace read FILE with its @template lines filled in, so an
# upgrade piece can take a statement an install piece makes from a template.
# A statement runs from its first line that is not blank or a comment to the
# semicolon that ends it outside quotes, dollar quotes and comments; START
# must begin exactly one statement of FILE.  A template's every @KEY@ must be
# given and every KEY used.  Anything else (no such file, no such statement,
# two of them) is an error naming the directive, and the build stops.
# test/shell/expand.sh tests it.
use strict;
use warnings;
use Text::ParseWords qw(shellwords);

die "usage: $0 PIECE\n" unless @ARGV == 1;
my $piece = $ARGV[0];
my %statements;    # FILE => [ statement texts ]

# The statements of a file, in order, each with its terminating semicolon.
sub statements_of {
	my ($file) = @_;
	open(my $fh, '<:raw', $file) or return undef;
	local $/;
	my $text = <$fh>;
	close $fh;
	$text = with_templates($file, $text, 0);
	my @out;
	my ($start, $i, $n) = (undef, 0, length $text);
	while ($i < $n) {
		my $rest = substr($text, $i, 2);
		my $c = substr($text, $i, 1);
		if ($rest eq '--') {    # comment to the end of the line
			my $e = index($text, "\n", $i);
			$i = $e < 0 ? $n : $e + 1;
			next;
		}
		if ($rest eq '/*') {
			my $e = index($text, '*/', $i + 2);
			die "$file: unterminated comment\n" if $e < 0;
			$i = $e + 2;
			next;
		}
		if ($c =~ /\s/) { $i++; next; }
		$start = $i unless defined $start;
		if ($c eq "'" || $c eq '"') {    # '' and "" double themselves
			my $j = $i + 1;
			while (1) {
				my $e = index($text, $c, $j);
				die "$file: unterminated $c quote\n" if $e < 0;
				if (substr($text, $e + 1, 1) eq $c) { $j = $e + 2; next; }
				$i = $e + 1;
				last;
			}
			next;
		}
		if ($c eq '$' && substr($text, $i) =~ /^(\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)/) {
			my $tag = $1;
			my $e = index($text, $tag, $i + length $tag);
			die "$file: unterminated $tag quote\n" if $e < 0;
			$i = $e + length $tag;
			next;
		}
		if ($c eq ';') {
			push @out, { text => substr($text, $start, $i + 1 - $start), from => $start, to => $i + 1 };
			undef $start;
		}
		$i++;
	}
	return { text => $text, statements => \@out };
}

# The one statement of $file that begins with $start (its index).
sub find_statement {
	my ($where, $file, $start) = @_;
	my $st = $statements{$file}{statements};
	my @found = grep { substr($st->[$_]{text}, 0, length $start) eq $start } 0 .. $#$st;
	die "$where: no statement of $file begins so\n" if @found == 0;
	die "$where: " . scalar(@found) . " statements of $file begin so\n" if @found > 1;
	return $found[0];
}

# $text with each of its @template lines replaced by the template's text
# ($depth: how many templates $text is already inside).
sub with_templates {
	my ($where, $text, $depth) = @_;
	my $line_no = 0;
	my $out = '';
	for my $line (split /^/, $text) {
		$line_no++;
		if ($line =~ /^-- \@template +(\S+) +(\S.*?)\s*$/) {
			die "$where:$line_no: templates nested deeper than 8\n" if $depth >= 8;
			$out .= template("$where:$line_no: \@template $1", $1, $2, $depth + 1);
		} else {
			$out .= $line;
		}
	}
	return $out;
}

# A template's text for one use: header dropped, every @KEY@ replaced, and
# the templates it uses filled in.
sub template {
	my ($where, $file, $args, $depth) = @_;
	my %value;
	for my $arg (shellwords($args)) {
		$arg =~ /^([A-Z][A-Z_]*)=(.*)$/s or die "$where: not KEY=VALUE: $arg\n";
		$value{$1} = $2;
	}
	open(my $fh, '<:raw', $file) or die "$where: cannot read $file: $!\n";
	local $/;
	my $text = <$fh>;
	close $fh;
	$text =~ s/\A.*?\n\n//s or die "$where: $file has no header ending in a blank line\n";
	my %used;
	$text =~ s{\@([A-Z][A-Z_]*)\@}{
		defined $value{$1} or die "$where: $file needs $1\n";
		$used{$1} = 1;
		$value{$1}
	}ge;
	my @unused = grep { !$used{$_} } sort keys %value;
	die "$where: $file has no \@$unused[0]\@\n" if @unused;
	return with_templates($file, $text, $depth);
}

open(my $in, '<:raw', $piece) or die "$piece: $!\n";
my $line_no = 0;
while (my $line = <$in>) {
	$line_no++;
	if ($line =~ /^-- \@template +(\S+) +(\S.*?)\s*$/) {
		print template("$piece:$line_no: \@template $1", $1, $2, 1);
		next;
	}
	if ($line !~ /^-- \@(copy|replace) +(\S+) +(\S.*?)\s*$/) {
		die "$piece:$line_no: not a directive: $line" if $line =~ /^-- \@/;
		print $line;
		next;
	}
	my ($how, $file, $start) = ($1, $2, $3);
	my $where = "$piece:$line_no: \@$how $file $start";
	$statements{$file} //= statements_of($file) // die "$where: cannot read $file: $!\n";
	my ($first, $last) = split / \.\. /, $start, 2;
	my $i = find_statement($where, $file, $first);
	my $j = defined $last ? find_statement($where, $file, $last) : $i;
	die "$where: the last statement comes before the first\n" if $j < $i;
	die "$where: \@replace takes one statement\n" if $how eq 'replace' && $j > $i;
	my $st = $statements{$file}{statements};
	my $statement = substr($statements{$file}{text}, $st->[$i]{from}, $st->[$j]{to} - $st->[$i]{from});
	if ($how eq 'replace') {
		$statement =~ s/^CREATE (?!OR REPLACE )/CREATE OR REPLACE /
		  or die "$where: the statement is not a CREATE\n";
	}
	print $statement, "\n";
}
close $in;
