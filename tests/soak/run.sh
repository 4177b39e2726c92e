#!/usr/bin/env bash
# make soak: mixed load for SOAK_SECONDS (default 600) on its own instance.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export GONGKAI_VAR=$repo/var-soak GONGKAI_PORT=${SOAK_PORT:-8291} GONGKAI_DEMO=1
export GONGKAI_WORKERS=${GONGKAI_WORKERS:-4}
# The per-address login limit would turn the load's failed logins into
# 429s for everyone on 127.0.0.1; the soak is about memory and errors.
export GONGKAI_LOGIN_FAIL_ADDR=100000 GONGKAI_LOGIN_FAIL_ACCOUNT=1000
trap '"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true' EXIT
"$repo/scripts/instance.sh" down >/dev/null 2>&1 || true
rm -rf "$GONGKAI_VAR"
"$repo/scripts/instance.sh" up
node "$repo/tests/soak/soak.mjs"
