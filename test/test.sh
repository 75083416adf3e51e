#!/usr/bin/env bash
# make test: install what is missing, build (warnings are errors), install, run
# the whole suite on a throwaway cluster, remove the cluster, exit non-zero on
# any failure.  The last line printed is "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib/cluster.sh

ensure_deps
# One install-and-test at a time on this machine: the library and the control
# file go into the server's shared directories.
exec 9>/tmp/mineconsol-install.lock
flock 9
build_and_install
trap stop_cluster EXIT
start_cluster
status=0
make -s PG_CONFIG="$PG_CONFIG" installcheck || status=$?
if [ $status -ne 0 ]; then
	tail -n 40 "$CLUSTER_DIR/server.log" >&2 || true
fi
exit $status
