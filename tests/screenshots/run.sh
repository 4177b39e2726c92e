#!/usr/bin/env bash
# make screenshots: docs/screenshots/*.png from a fresh demo instance.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export GONGKAI_VAR=$repo/var-shots GONGKAI_PORT=${SHOTS_PORT:-8292} GONGKAI_DEMO=1
trap '"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true' EXIT
"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true
rm -rf "$GONGKAI_VAR"
"$repo/scripts/instance.sh" up >/dev/null
node "$repo/tests/screenshots/shots.mjs"
