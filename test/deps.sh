#!/usr/bin/env bash
# make deps: install the Debian packages the build, the tests and the demo
# need, for the PostgreSQL this machine has (or its distribution's default:
# 15 on Debian 12, 17 on Debian 13; PGVER=NN to choose).  As root it runs
# apt-get; as anyone else it prints the exact command and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. test/lib/cluster.sh
ensure_deps "$@"
log "PostgreSQL $PGVER: every package the build and the tests need is installed"
