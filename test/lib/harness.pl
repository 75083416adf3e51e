#!/usr/bin/perl
# The suite's judge: Perl's TAP::Harness (what `prove` uses) reads every test's
# TAP and decides; this script only says what the tests are and prints the
# summary line.
#
#   harness.pl [--results DIR] [--expected DIR] [--diffs FILE] [--server-log FILE]
#              [--sql NAME]... [SHELL-TEST.sh]...
#
# --sql NAME: a pg_regress test that has already run; its output DIR/NAME.out
#   (pgTAP inside) is the TAP stream, and the file fails as a whole, besides
#   any failing test in it, when the output differs from the expected one.
# SHELL-TEST.sh: run with bash; its standard output is the TAP stream (standard
#   error is kept in DIR/shell/NAME.err and shown when the test fails).
#
# A file fails when a test in it fails, when fewer or more tests run than it
# planned, when it bails out or when it exits non-zero.  The last line printed
# is "N passed, M failed": N and M count TAP test lines, and a failing file
# with no failing test line in it (a wrong plan, a crash, a differing output)
# counts as one failure.  Before it, for the failing files: the server log
# lines that belong to them (--server-log: lines of the pg_regress/NAME client
# for an SQL test, of warnings and worse written while a shell test ran) and
# the head of the regression diffs.  Exit status 0 only when M is 0.
use strict;
use warnings;
use Getopt::Long;
use File::Basename qw(basename);
use File::Path qw(make_path);
use TAP::Harness;

my ($results, $expected, $diffs, $server_log, $log_from) = ('results', 'expected', 'regression.diffs', undef, 0);
my @sql;
GetOptions('results=s' => \$results, 'expected=s' => \$expected, 'diffs=s' => \$diffs,
           'server-log=s' => \$server_log, 'log-from=i' => \$log_from, 'sql=s' => \@sql)
	or die "usage: $0 [--results DIR] [--expected DIR] [--diffs FILE] [--server-log FILE] [--sql NAME]... [TEST.sh]...\n";
my @shell = @ARGV;
make_path("$results/shell") if @shell;

# Each test: [source, description]; %how maps the description to its command.
my (@tests, %how, %kind);
for my $t (@sql) {
	my $d = "sql/$t";
	push @tests, [$t, $d];
	$kind{$d} = 'sql';
	# The output is the TAP; a differing output fails the file (exit 1).
	$how{$d} = ['sh', '-c', '[ -f "$1" ] || { echo "# no output: $1"; exit 2; }
		cat "$1"; cmp -s "$1" "$2" || { echo "# $1 differs from $2"; exit 1; }',
		'sh', "$results/$t.out", "$expected/$t.out"];
}
for my $f (@shell) {
	my $n = basename($f, '.sh');
	my $d = "shell/$n";
	push @tests, [$f, $d];
	$kind{$d} = 'shell';
	$how{$d} = ['sh', '-c', 'exec bash "$1" 2>"$2"', 'sh', $f, "$results/shell/$n.err"];
}

my %shell_log;    # description -> [start, end) byte offsets of the server log
my $log_size = sub { defined $server_log && -f $server_log ? -s $server_log : 0 };
# The SQL tests ran (pg_regress) between --log-from and now.
my $sql_log_to = $log_size->();
my ($aggregate, $last_ran);
my $harness = TAP::Harness->new({
	verbosity => 0,
	failures  => 1,     # print the failing test lines
	comments  => 1,     # and the diagnostics (# lines) tests print
	timer     => 1,
	color     => -t STDOUT ? 1 : 0,
	merge     => 0,
	exec      => sub { my ($h, $src) = @_; my ($d) = grep { $_->[0] eq $src } @tests; $how{$d->[1]} },
	callbacks => {
		before_runtests => sub { $aggregate = shift },
		parser_args     => sub { my ($args, $job) = @_; $shell_log{$job->[1]} = [$log_size->()] },
		after_test      => sub { my ($job) = @_; push @{$shell_log{$job->[1]}}, $log_size->(); $last_ran = $job->[1] },
	},
});

my $bailed;
eval { $harness->runtests(@tests); 1 } or do { $bailed = $@ || 'unknown error'; print "# $bailed" };

my ($passed, $failed, @bad) = (0, 0);
my %ran = map { $_ => 1 } ($aggregate ? $aggregate->descriptions : ());
for my $t (@tests) {
	my $d = $t->[1];
	my ($p) = $ran{$d} ? $aggregate->parsers($d) : ();
	if (!$p) {    # never ran: testing stopped before it
		$failed++;
		push @bad, $d;
		next;
	}
	$passed += scalar $p->passed;
	$failed += scalar $p->failed;
	if ($p->has_problems || (defined $bailed && $d eq $last_ran)) {
		$failed++ unless scalar $p->failed;
		push @bad, $d;
	}
}

# What belongs to the failures: stderr of failing shell tests, the server log
# lines of each failing file, the regression diffs.
for my $d (@bad) {
	next unless $kind{$d} eq 'shell';
	my $err = "$results/shell/" . substr($d, 6) . '.err';
	my @lines = read_lines($err);
	next unless @lines;
	print "---- $d: standard error (last 20 lines) ----\n";
	print @lines[($#lines > 19 ? $#lines - 19 : 0) .. $#lines];
}
if (grep { $kind{$_} eq 'sql' } @bad and -s $diffs) {
	my @lines = read_lines($diffs);
	print "---- $diffs (first 100 of ", scalar @lines, " lines) ----\n";
	print @lines[0 .. ($#lines > 99 ? 99 : $#lines)];
}
if (defined $server_log && @bad) {
	my @log = split /^/, read_chunk($server_log, $log_from, $sql_log_to);
	for my $d (@bad) {
		my @excerpt = $kind{$d} eq 'sql' ? log_of_client(\@log, "pg_regress/" . substr($d, 4))
		                                 : log_between($server_log, @{$shell_log{$d} || [0, 0]});
		# Crashes are reported by the postmaster, under no client name.
		push @excerpt, grep { /terminated by signal|was terminated by|server process .* exited|PANIC:/ } @log
			if $kind{$d} eq 'sql';
		next unless @excerpt;
		@excerpt = @excerpt[($#excerpt > 39 ? $#excerpt - 39 : 0) .. $#excerpt];
		print "---- $d: server log (", scalar @excerpt, " lines) ----\n", @excerpt;
	}
}
print "$passed passed, $failed failed\n";
exit($failed ? 1 : 0);

sub read_lines {
	my ($f) = @_;
	open(my $fh, '<', $f) or return ();
	my @l = <$fh>;
	return @l;
}

# log_of_client LOG NAME: the server's messages (warnings and worse, with the
# DETAIL/HINT/CONTEXT/STATEMENT lines that follow them) for one client.
sub log_of_client {
	my ($log, $client) = @_;
	my (@out, $take);
	for (@$log) {
		if (/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] (\S*): ([A-Z]+):/) {
			my ($c, $sev) = ($1, $2);
			$take = $sev =~ /^(DETAIL|HINT|CONTEXT|STATEMENT|QUERY)$/ ? $take && $c eq $client
			      : $c eq $client && $sev =~ /^(WARNING|ERROR|FATAL|PANIC)$/;
		}
		push @out, $_ if $take;
	}
	return @out;
}

# log_between FILE FROM TO: warnings and worse (with their detail lines)
# written to the server log while one shell test ran.
sub read_chunk {
	my ($f, $from, $to) = @_;
	return '' unless defined $to && $to > $from;
	open(my $fh, '<', $f) or return '';
	seek($fh, $from, 0);
	read($fh, my $chunk, $to - $from);
	return $chunk;
}

sub log_between {
	my ($f, $from, $to) = @_;
	my (@out, $take);
	for (split /^/, read_chunk($f, $from, $to)) {
		if (/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] \S*: ([A-Z]+):/) {
			my $sev = $1;
			$take = $sev =~ /^(WARNING|ERROR|FATAL|PANIC)$/ ? 1
			      : $sev =~ /^(DETAIL|HINT|CONTEXT|STATEMENT|QUERY)$/ ? $take : 0;
		}
		push @out, $_ if $take;
	}
	return @out;
}
