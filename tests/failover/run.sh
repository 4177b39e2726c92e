#!/usr/bin/env bash
# make failover: PostgreSQL primary + synchronous streaming standby, the workers on a multi-host
# connection string; under a write load the primary is stopped (immediate) and the standby
# promoted. tests/failover/failover.mjs drives the load and checks that writes resume without a
# worker restart and that no acknowledged write is missing (docs/reliability.md).
#
#   tests/failover/run.sh              the whole test (own instance in var-failover/)
#   tests/failover/run.sh stop-primary | promote | psql-standby ARGS   steps, used by failover.mjs
#
# Environment: FAILOVER_PORT (nginx, default 8292), FAILOVER_VAR (default <repo>/var-failover),
# GONGKAI_WORKERS (default 4), and the FAILOVER_* knobs of failover.mjs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
export GONGKAI_VAR=${FAILOVER_VAR:-$repo/var-failover} GONGKAI_PORT=${FAILOVER_PORT:-8292}
export GONGKAI_DEMO=1 GONGKAI_WORKERS=${GONGKAI_WORKERS:-4}
VAR=$GONGKAI_VAR
PRIMARY=$VAR/pg STANDBY=$VAR/pg-standby
PRIMARY_SOCK=$VAR/run STANDBY_SOCK=$VAR/run-standby

# The workers' DSN: both servers, the first that accepts writes wins. libpq tries the hosts in
# order at every (re)connect, so after a promotion the survivor is found without a restart.
export GONGKAI_DSN="host=$PRIMARY_SOCK,$STANDBY_SOCK dbname=gongkai user=gongkai_app passfile=$VAR/secrets/pgpass target_session_attrs=read-write"

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
    stop-primary)
        as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" -m immediate -w -s stop
        exit 0 ;;
    promote)
        as_pg "$PGBIN/pg_ctl" -D "$STANDBY" -w -s promote
        exit 0 ;;
    psql-standby)
        shift; psql_at "$STANDBY_SOCK" "$@"
        exit 0 ;;
    "") ;;
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

standby_stop() {
    if [ -f "$STANDBY/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$STANDBY" -m fast -w -s stop >/dev/null 2>&1 || true
    fi
}
cleanup() {
    instance down >/dev/null 2>&1 || true
    standby_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cleanup
rm -rf "$VAR"

# 1. The primary, the workers (on the two-host DSN) and nginx, as `make run` would.
instance up

# 2. The standby: a base backup of the primary streaming its WAL (-R writes standby.signal and
# primary_conninfo), on its own socket directory. The copy inherits the primary's settings;
# postgresql.auto.conf is read last, so the lines appended here win.
say "pg_basebackup -> $STANDBY"
mkdir -p "$STANDBY_SOCK" "$STANDBY"
chmod 0700 "$STANDBY"
if [ "$EUID" = 0 ]; then chown gongkai: "$STANDBY_SOCK" "$STANDBY"; fi
as_pg "$PGBIN/pg_basebackup" -h "$PRIMARY_SOCK" -U postgres -D "$STANDBY" -R -X stream -c fast
as_pg tee -a "$STANDBY/postgresql.auto.conf" >/dev/null <<EOF
# failover test: the standby's own socket, and its name for synchronous_standby_names
unix_socket_directories = '$STANDBY_SOCK'
primary_conninfo = 'host=$PRIMARY_SOCK port=5432 user=postgres application_name=standby1'
# promoted, it runs alone: a synchronous standby it no longer has would block every commit
synchronous_standby_names = ''
EOF
touch "$VAR/log/postgres-standby.log"
if [ "$EUID" = 0 ]; then chown gongkai: "$VAR/log/postgres-standby.log"; fi
as_pg "$PGBIN/pg_ctl" -D "$STANDBY" -l "$VAR/log/postgres-standby.log" -w -s start

# 3. Synchronous replication: a commit returns only when the standby has flushed its WAL
# (synchronous_commit = on, the default), so an acknowledged write survives losing the primary.
psql_at "$PRIMARY_SOCK" <<'EOF'
ALTER SYSTEM SET synchronous_standby_names = 'standby1';
ALTER SYSTEM SET synchronous_commit = 'on';
SELECT pg_reload_conf() \g /dev/null
EOF
for _ in $(seq 100); do
    state=$(psql_at "$PRIMARY_SOCK" -At -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1'")
    [ "$state" = sync ] && break
    sleep 0.1
done
[ "$state" = sync ] || { say "the standby did not become synchronous (state '$state')"; exit 1; }
say "standby1 streaming, sync_state=sync"

# 4. The load, the failover and the counts.
export FAILOVER_RUN=$0 FAILOVER_STANDBY_SOCK=$STANDBY_SOCK
node "$repo/tests/failover/failover.mjs"
