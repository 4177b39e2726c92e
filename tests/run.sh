#!/usr/bin/env bash
# Runs the integration and browser tests against a throwaway instance built
# from scratch: its own PostgreSQL cluster, the sanitizer build of the
# workers, the real nginx. Stops everything it started, whatever happens.
#   tests/run.sh [integration|browser|all | FILE.test.mjs...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}

export GONGKAI_VAR=${GONGKAI_TEST_VAR:-$repo/var-test}
export GONGKAI_PORT=${GONGKAI_TEST_PORT:-8281}
export GONGKAI_DEMO=1
export GONGKAI_WORKERS=${GONGKAI_WORKERS:-4}
export GONGKAI_BIN=$repo/build/gongkai-san
# The workers abort on the first sanitizer finding; the log keeps it.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

instance() { "$repo/scripts/instance.sh" "$@"; }

cleanup() {
    local rc=$?
    instance down >/dev/null 2>&1 || true
    if [ $rc -ne 0 ] && [ -f "$GONGKAI_VAR/log/gongkai.log" ]; then
        echo "--- last lines of $GONGKAI_VAR/log/gongkai.log"
        grep -v ' GET \| POST \| HEAD ' "$GONGKAI_VAR/log/gongkai.log" | tail -n 30 || true
    fi
    exit $rc
}
trap cleanup EXIT

instance down >/dev/null 2>&1 || true
rm -rf "$GONGKAI_VAR"
instance up

echo "== SQL: working-day calendar"
instance psql -X -q -v ON_ERROR_STOP=1 -f "$repo/tests/sql/calendar_test.sql"

files=()
case $what in
    integration) files=("$repo"/tests/integration/*.test.mjs) ;;
    browser) files=("$repo"/tests/browser/*.test.mjs) ;;
    all) files=("$repo"/tests/integration/*.test.mjs "$repo"/tests/browser/*.test.mjs) ;;
    *) files=("$@") ;; # test files named on the command line
esac
# One file at a time: several tests change shared state (stop PostgreSQL,
# kill workers, clear login throttling).
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

# A sanitizer report in any worker fails the run even if every request
# looked fine.
if grep -q -E 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$GONGKAI_VAR/log/gongkai.log"; then
    echo "sanitizer findings in the workers' log:" >&2
    grep -E -A20 'ERROR: AddressSanitizer|runtime error:' "$GONGKAI_VAR/log/gongkai.log" | head -60 >&2
    exit 1
fi
