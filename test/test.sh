#!/usr/bin/env bash
# make test: install what is missing (make deps), build (warnings are errors),
# install into a private copy of the server tree, run the whole suite (SQL
# tests, then shell tests) on a throwaway cluster that uses it, remove both,
# exit non-zero on any failure.  The last line printed is "N passed, M failed".
#   test/test.sh [run-suite arguments]   e.g. test/test.sh security   or   test/test.sh --shell test/shell/upgrade.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib/cluster.sh

# Whatever stops it before the suite runs (packages, build, server) is one
# failure, and the summary line still comes last.
suite_ran=
finish() {
	local rc=$?
	stop_cluster
	if [ -z "$suite_ran" ]; then
		if [ "$rc" -ne 0 ]; then echo "# make test stopped before the suite ran (exit $rc)"
		else echo "# make test stopped before the suite ran"; fi
		echo "0 passed, 1 failed"
	fi
}
trap finish EXIT
ensure_deps
build
start_cluster
export MINECONSOL_SERVER_LOG=$CLUSTER_DIR/log/server.log
suite_ran=1
status=0
bash test/run-suite.sh "$@" || status=$?
exit $status
