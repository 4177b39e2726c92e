#!/usr/bin/env bash
# make failover: PostgreSQL primary + synchronous streaming standby, the workers on a multi-host
# connection string. Two rounds under a write load (tests/failover/failover.mjs drives the load,
# checks that writes resume without a worker restart and that no acknowledged write is missing;
# docs/reliability.md):
#   1. crash:      the primary is stopped with `pg_ctl -m immediate`, the standby promoted.
#   2. switchover: the old primary is rebuilt as a standby of the new one (pg_basebackup); then
#                  the new primary is fenced (default_transaction_read_only, the workers keep
#                  their connections to it) and the rebuilt standby promoted.
#
#   tests/failover/run.sh           the whole test (own instance in var-failover/)
#   tests/failover/run.sh stop DIR | fence SOCKDIR | promote DIR | psql SOCKDIR ARGS
#                                   the steps, used by failover.mjs
#
# Environment: FAILOVER_PORT (nginx, default 8293), FAILOVER_VAR (default <repo>/var-failover),
# GONGKAI_WORKERS (default 4), and the FAILOVER_* knobs of failover.mjs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
export GONGKAI_VAR=${FAILOVER_VAR:-$repo/var-failover} GONGKAI_PORT=${FAILOVER_PORT:-8293}
export GONGKAI_DEMO=1 GONGKAI_WORKERS=${GONGKAI_WORKERS:-4}
VAR=$GONGKAI_VAR
# Two data directories, each with its own socket directory. A is instance.sh's own cluster.
A=$VAR/pg A_SOCK=$VAR/run
B=$VAR/pg-standby B_SOCK=$VAR/run-standby

# The workers' DSN: both servers, the first that accepts writes wins. libpq tries the hosts in
# order at every (re)connect, so after a promotion the survivor is found without a restart.
export GONGKAI_DSN="host=$A_SOCK,$B_SOCK dbname=gongkai user=gongkai_app passfile=$VAR/secrets/pgpass target_session_attrs=read-write"
# Public read-only pages may come from a standby (a little behind): prefer-standby picks one if
# any is up, else the primary (tests/failover/reads.mjs).
export GONGKAI_READ_DSN="host=$A_SOCK,$B_SOCK dbname=gongkai user=gongkai_app passfile=$VAR/secrets/pgpass target_session_attrs=prefer-standby"
export GONGKAI_READ_PATHS="/faq /policies"

# PostgreSQL refuses to run as root: as root, run it as the user instance.sh uses.
as_pg() {
    if [ "$EUID" = 0 ]; then (cd / && runuser -u gongkai -- "$@"); else "$@"; fi
}
instance() { "$repo/scripts/instance.sh" "$@"; }
psql_at() {  # psql_at SOCKDIR ARGS — as the postgres superuser (peer, pg_ident map "admin")
    local sock=$1; shift
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -U postgres -d gongkai "$@"
}
say() { echo "failover: $*"; }

case ${1:-} in
    stop) as_pg "$PGBIN/pg_ctl" -D "$2" -m immediate -w -s stop; exit 0 ;;
    promote) as_pg "$PGBIN/pg_ctl" -D "$2" -w -s promote; exit 0 ;;
    fence)
        # A fenced primary refuses writes in every session, the live ones included.
        psql_at "$2" -c 'ALTER SYSTEM SET default_transaction_read_only = on'
        psql_at "$2" -c 'SELECT pg_reload_conf()' >/dev/null
        exit 0 ;;
    psql) sock=$2; shift 2; psql_at "$sock" "$@"; exit 0 ;;
    "") ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

pg_stop_dir() {  # pg_stop_dir DIR: fine if it is not running
    if [ -f "$1/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$1" -m fast -w -s stop >/dev/null 2>&1 || true
    fi
}
cleanup() {
    instance down >/dev/null 2>&1 || true
    pg_stop_dir "$A"
    pg_stop_dir "$B"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# make_standby DIR SOCKDIR PRIMARY_SOCKDIR NAME: a base backup of the primary streaming its WAL
# (-R writes standby.signal and primary_conninfo), on its own socket directory. The copy inherits
# the primary's settings; postgresql.auto.conf is read last, so the lines appended here win.
make_standby() {
    local dir=$1 sock=$2 primary=$3 name=$4 log=$VAR/log/postgres-$4.log
    say "pg_basebackup of $primary -> $dir ($name)"
    rm -rf "$dir"
    mkdir -p "$dir" "$sock"
    chmod 0700 "$dir"
    touch "$log"
    if [ "$EUID" = 0 ]; then chown gongkai: "$dir" "$sock" "$log"; fi
    as_pg "$PGBIN/pg_basebackup" -h "$primary" -U postgres -D "$dir" -R -X stream -c fast
    as_pg tee -a "$dir/postgresql.auto.conf" >/dev/null <<EOF
# failover test: this server's own socket, its name for synchronous_standby_names, and once
# promoted it runs alone (a synchronous standby it does not have would block every commit)
unix_socket_directories = '$sock'
primary_conninfo = 'host=$primary port=5432 user=postgres application_name=$name'
synchronous_standby_names = ''
default_transaction_read_only = off
EOF
    as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$log" -w -s start
}

# make_sync PRIMARY_SOCKDIR NAME: a commit returns only when standby NAME has flushed its WAL
# (synchronous_commit = on), so an acknowledged write survives losing the primary.
make_sync() {
    local primary=$1 name=$2 state=""
    psql_at "$primary" -c "ALTER SYSTEM SET synchronous_standby_names = '$name'"
    psql_at "$primary" -c "ALTER SYSTEM SET synchronous_commit = 'on'"
    psql_at "$primary" -c 'SELECT pg_reload_conf()' >/dev/null
    for _ in $(seq 100); do
        state=$(psql_at "$primary" -At -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$name'")
        [ "$state" = sync ] && break
        sleep 0.1
    done
    [ "$state" = sync ] || { say "$name did not become synchronous (state '$state')"; exit 1; }
    say "$name streaming from $primary, sync_state=sync"
}

round() {  # round crash|switchover OLD_DIR OLD_SOCK NEW_DIR NEW_SOCK
    echo
    FAILOVER_MODE=$1 FAILOVER_OLD=$2 FAILOVER_OLD_SOCK=$3 FAILOVER_NEW=$4 FAILOVER_NEW_SOCK=$5 \
        FAILOVER_RUN=$0 node "$repo/tests/failover/failover.mjs"
}

pg_stop_dir "$A"
pg_stop_dir "$B"
cleanup
rm -rf "$VAR"

# The primary (A), the workers (on the two-host DSN) and nginx, as `make run` would.
instance up
make_standby "$B" "$B_SOCK" "$A_SOCK" standby_b
make_sync "$A_SOCK" standby_b
pids_before=$(cat "$VAR/run/gongkai.pid")

# Reads: GET /faq from the standby B, stale while B's replay is paused.
echo
FAILOVER_RUN=$0 FAILOVER_OLD_SOCK=$A_SOCK FAILOVER_NEW_SOCK=$B_SOCK node "$repo/tests/failover/reads.mjs"

# Round 1: A crashes, B is promoted.
round crash "$A" "$A_SOCK" "$B" "$B_SOCK"

# Round 2: A comes back as B's standby; B is fenced, A promoted; then B is stopped.
make_standby "$A" "$A_SOCK" "$B_SOCK" standby_a
make_sync "$B_SOCK" standby_a
round switchover "$B" "$B_SOCK" "$A" "$A_SOCK"
pg_stop_dir "$B"

[ "$(cat "$VAR/run/gongkai.pid")" = "$pids_before" ] || { say "the workers' master changed"; exit 1; }
echo
say "PASS (reads from the standby, both rounds; the same workers throughout)"
