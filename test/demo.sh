#!/usr/bin/env bash
# make demo: the main job (issue 7). Not built yet.
echo "mineconsol: 'make demo' is not available yet; 'make test' runs the suite." >&2
exit 2
