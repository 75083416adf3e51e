#!/usr/bin/env bash
# make test: install what is missing, build (warnings are errors), install
# into a private copy of the server tree, run the whole suite on a throwaway
# cluster that uses it, remove both, exit non-zero on any failure.  The last
# line printed is "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib/cluster.sh

ensure_deps
build
trap stop_cluster EXIT
start_cluster
status=0
make -s PG_CONFIG="$PG_CONFIG" installcheck || status=$?
if [ $status -ne 0 ]; then
	tail -n 40 "$CLUSTER_DIR/log/server.log" >&2 || true
fi
exit $status
