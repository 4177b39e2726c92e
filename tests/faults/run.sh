#!/usr/bin/env bash
# make faults: the durability test on its own instance (tests/faults/faults.mjs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export GONGKAI_VAR=$repo/var-faults GONGKAI_PORT=${FAULTS_PORT:-8290} GONGKAI_DEMO=1
export GONGKAI_WORKERS=${GONGKAI_WORKERS:-4}
trap '"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true' EXIT
"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true
rm -rf "$GONGKAI_VAR"
"$repo/scripts/instance.sh" up
node "$repo/tests/faults/faults.mjs"
