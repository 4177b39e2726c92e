#!/usr/bin/env bash
# make pgbouncer: the workers reach PostgreSQL through PgBouncer (Debian 12's 1.18, session
# pooling), and PgBouncer holds the server connections at a cap while more clients than that are
# served (README "Scaling out"). Its own instance in var-pgbouncer/, nginx on 127.0.0.1:8310,
# PgBouncer on a unix socket in var-pgbouncer/pgbouncer/ (no TCP listener). Steps:
#   1. web:       pages answer; a citizen logs in and posts a board message; the same form_id sent
#                 again creates nothing (tests/pgbouncer/web.mjs).
#   2. direct:    CLI_CLIENTS psql sessions straight to PostgreSQL, where gongkai_app may hold CAP
#                 connections: those past the limit are refused.
#   3. pooled:    the same sessions, `gongkai report` runs and an HTTP load, all through PgBouncer
#                 at once: every one served, PgBouncer's server connections never above CAP
#                 (SHOW POOLS sampled, pg_stat_activity sampled), clients waited (SHOW STATS).
#   4. restart:   PgBouncer is killed and started again: 503s meanwhile, then the same workers
#                 (same pids) answer 200 without being restarted.
# Everything it starts is stopped when it ends (success, failure, Ctrl-C).
#
# Environment: PGBOUNCER_VAR (default <repo>/var-pgbouncer), PGBOUNCER_PORT (nginx, default 8310).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
PGBOUNCER=$(command -v pgbouncer 2>/dev/null || echo /usr/sbin/pgbouncer)
export GONGKAI_VAR=${PGBOUNCER_VAR:-$repo/var-pgbouncer} GONGKAI_PORT=${PGBOUNCER_PORT:-8310}
export GONGKAI_DEMO=1 GONGKAI_WORKERS=4 GONGKAI_BIN=$repo/bin/gongkai
# The instance's own defaults for everything else (a caller's settings would point elsewhere).
unset GONGKAI_OWNER_DSN GONGKAI_KEYS GONGKAI_READ_DSN GONGKAI_READ_PATHS GONGKAI_SOCKET
t_start=$SECONDS
VAR=$GONGKAI_VAR
BDIR=$VAR/pgbouncer          # PgBouncer's config, pid file and socket
BPORT=6439                   # names the socket file (.s.PGSQL.6439) only: listen_addr is empty
CAP=6                        # PgBouncer's max_db_connections = gongkai_app's CONNECTION LIMIT
CLI_CLIENTS=12               # psql sessions in steps 2 and 3, each holding a server 0.2 s
REPORTS=4                    # `gongkai report` runs in step 3 (the app's own CLI, GONGKAI_DSN)
WORKERS=$GONGKAI_WORKERS

# Workers and CLI commands connect to PgBouncer. Its own pgpass (the instance's names port 5432,
# the PostgreSQL socket's) holds the same gongkai_app password.
export GONGKAI_DSN="host=$BDIR port=$BPORT dbname=gongkai user=gongkai_app passfile=$VAR/secrets/pgpass-pgbouncer"
DIRECT_DSN="host=$VAR/run dbname=gongkai user=gongkai_app passfile=$VAR/secrets/pgpass"

[ -x "$PGBOUNCER" ] || { echo "pgbouncer: not installed: run scripts/deps.sh (package pgbouncer)" >&2; exit 1; }
[ -x "$GONGKAI_BIN" ] || { echo "pgbouncer: build bin/gongkai first (make)" >&2; exit 1; }

say() { echo "pgbouncer: $*"; }
die() { echo "pgbouncer: FAIL: $*"; exit 1; }
# PgBouncer, like PostgreSQL, runs as the instance's unprivileged user when we are root. cd /:
# the caller's directory (say /root) may be closed to that user.
as_svc() {
    if [ "$EUID" = 0 ]; then (cd / && runuser -u gongkai -- "$@"); else "$@"; fi
}
instance() { "$repo/scripts/instance.sh" "$@"; }
super() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$VAR/run" -U postgres -d gongkai "$@"; }
# The admin console: user "pgbouncer" over the unix socket from PgBouncer's own OS user needs no
# password (PgBouncer's rule for that user), so no admin secret exists anywhere.
admin() { as_svc "$PGBIN/psql" -X -q -A -F'|' -h "$BDIR" -p "$BPORT" -U pgbouncer -d pgbouncer -c "$1"; }
# Sums of columns of the gongkai row of SHOW POOLS / SHOW STATS, found by name (the columns
# differ between PgBouncer versions): one number per argument, each a space-separated list.
admin_sum() {  # admin_sum "SHOW POOLS" "COLUMN..." ...
    local IFS=,
    admin "$1" | awk -F'|' -v groups="${*:2}" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $1 == "gongkai" {
            ng = split(groups, g, ",")
            for (k = 1; k <= ng; k++) {
                n = split(g[k], w, " "); s = 0
                for (j = 1; j <= n; j++) s += $col[w[j]]
                printf "%s%d", (k > 1 ? " " : ""), s
            }
            print ""
        }'
}
SV_COLS="sv_active sv_active_cancel sv_being_canceled sv_idle sv_used sv_tested sv_login"
# One SHOW POOLS: "clients waiting servers" of the gongkai pool.
pools_now() { admin_sum "SHOW POOLS" "cl_active cl_waiting" cl_waiting "$SV_COLS"; }
# The pids whose parent is PID, on one line. grep exits 2 when a process ends while it reads
# /proc, which is no failure here.
workers_of() {  # workers_of PID
    { grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null || true; } |
        tr -dc '0-9\n' | sort -n | tr '\n' ' '
}
# Seconds between two `date +%s.%N` stamps, two decimals.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

bouncer_pid() {
    local pid
    [ -f "$BDIR/pgbouncer.pid" ] || return 1
    pid=$(tr -dc '0-9' < "$BDIR/pgbouncer.pid")
    [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$BDIR/pgbouncer.ini" && echo "$pid"
}
bouncer_start() {
    as_svc "$PGBOUNCER" -d "$BDIR/pgbouncer.ini" </dev/null >>"$VAR/log/pgbouncer.log" 2>&1
    for _ in $(seq 50); do
        [ -S "$BDIR/.s.PGSQL.$BPORT" ] && bouncer_pid >/dev/null && return 0
        sleep 0.1
    done
    tail -n 20 "$VAR/log/pgbouncer.log" >&2
    die "PgBouncer did not start"
}
# SIGTERM is PgBouncer's immediate shutdown: client and server connections are cut at once (its
# SIGINT waits for clients to leave, which session-pooled workers never do).
bouncer_stop() {
    local pid
    pid=$(bouncer_pid) || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        [ -d "/proc/$pid" ] || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# run.sh sample STOPFILE: every 0.05 s until STOPFILE exists, a line "clients waiting servers
# backends": SHOW POOLS of the gongkai pool and gongkai_app's backends in pg_stat_activity.
if [ "${1:-}" = sample ]; then
    while [ ! -e "$2" ]; do
        echo "$(pools_now) $(super -c "SELECT count(*) FROM pg_stat_activity WHERE usename = 'gongkai_app'")"
        sleep 0.05
    done
    exit 0
fi
[ $# = 0 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

sampler_pid=""
cleanup() {
    if [ -n "$sampler_pid" ]; then touch "$VAR/sampler.stop"; wait "$sampler_pid" 2>/dev/null || true; fi
    bouncer_stop
    instance down >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# A command that fails outside a check says where, instead of ending the test silently.
trap 'say "FAIL: line $LINENO: $BASH_COMMAND"' ERR

bouncer_stop
instance down >/dev/null 2>&1 || true
rm -rf "$VAR"

# The instance as `make run` makes it, but its workers' DSN names PgBouncer, which is not up yet:
# they start without a database and connect at their first request (fcgi/server.c, db.c).
instance up >/dev/null
workers_master=$(cat "$VAR/run/gongkai.pid")

# ---- PgBouncer's settings ----------------------------------------------------------------------
# PostgreSQL side: gongkai_app may hold CAP connections (a stand-in for a server whose
# max_connections is short); PgBouncer's cap equals it, so PgBouncer alone is never refused.
# The workers send their session settings in the startup packet's `options`, which PgBouncer 1.18
# refuses ("unsupported startup parameter"); it is told to ignore it, and the same settings become
# the role's defaults in this database, where every server connection picks them up and
# DISCARD ALL (server_reset_query) keeps them.
super <<EOF
ALTER ROLE gongkai_app CONNECTION LIMIT $CAP;
ALTER ROLE gongkai_app IN DATABASE gongkai SET timezone = 'Asia/Shanghai';
ALTER ROLE gongkai_app IN DATABASE gongkai SET statement_timeout = 15000;
ALTER ROLE gongkai_app IN DATABASE gongkai SET idle_in_transaction_session_timeout = 30000;
EOF

# auth_file: the role's SCRAM verifier as PostgreSQL stores it, not the password. PgBouncer checks
# clients against it and, holding the same verifier, logs in to PostgreSQL with the keys of the
# client's own SCRAM exchange. Made at every run from the instance; nothing is committed.
mkdir -p "$BDIR"
umask 077
verifier=$(super -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'gongkai_app'")
[[ $verifier == SCRAM-SHA-256\$* ]] || die "gongkai_app has no SCRAM verifier"
printf '"gongkai_app" "%s"\n' "$verifier" > "$VAR/secrets/pgbouncer-users.txt"
password=$(awk -F: '$(NF-1) == "gongkai_app" { print $NF; exit }' "$VAR/secrets/pgpass")
printf '%s:%s:gongkai:gongkai_app:%s\n' "${BDIR//:/\\:}" "$BPORT" "$password" > "$VAR/secrets/pgpass-pgbouncer"
umask 022
cat > "$BDIR/pgbouncer.ini" <<EOF
; Written by tests/pgbouncer/run.sh (README "Scaling out").
[databases]
gongkai = host=$VAR/run port=5432 dbname=gongkai

[pgbouncer]
; unix socket only, inside the instance
listen_addr =
listen_port = $BPORT
unix_socket_dir = $BDIR
pidfile = $BDIR/pgbouncer.pid
logfile = $VAR/log/pgbouncer.log
auth_type = scram-sha-256
auth_file = $VAR/secrets/pgbouncer-users.txt
; session: each worker keeps its named prepared statements on one server connection (1.18 does
; not track protocol-level prepared statements, so transaction pooling breaks them)
pool_mode = session
; the default: a server connection handed to the next client forgets the last one's statements
server_reset_query = DISCARD ALL
max_db_connections = $CAP
default_pool_size = $CAP
reserve_pool_size = 0
max_client_conn = 200
; a client waits this long for a server connection before it is refused
query_wait_timeout = 20
; retry a refused server login after 1 s, not 15
server_login_retry = 1
ignore_startup_parameters = options
EOF
touch "$VAR/log/pgbouncer.log"
if [ "$EUID" = 0 ]; then
    chown gongkai: "$BDIR" "$BDIR/pgbouncer.ini" "$VAR/log/pgbouncer.log" \
        "$VAR/secrets/pgbouncer-users.txt" "$VAR/secrets/pgpass-pgbouncer"
fi
bouncer_start
say "PgBouncer $("$PGBOUNCER" --version | head -n1 | awk '{print $2}') on $BDIR/.s.PGSQL.$BPORT: pool_mode=session, max_db_connections=$CAP; $WORKERS workers"

# The workers connect at their first request: 16 at a time reach all 4, until all are clients.
# /disclosure/apply stores a form nonce, so it reaches a worker and the database every time.
for _ in $(seq 50); do
    seq 16 | xargs -P 16 -I{} curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$GONGKAI_PORT/disclosure/apply" || true
    [ "$(admin_sum "SHOW POOLS" "cl_active cl_waiting")" -ge "$WORKERS" ] && break
    sleep 0.1
done
[ "$(admin_sum "SHOW POOLS" "cl_active cl_waiting")" -ge "$WORKERS" ] || die "the $WORKERS workers did not all connect through PgBouncer"
settings=$("$PGBIN/psql" -X -At "$GONGKAI_DSN" -c "SELECT current_setting('TimeZone') || ' ' || current_setting('statement_timeout')")
say "workers connected through PgBouncer; a session through it has TimeZone and statement_timeout: $settings"
[ "$settings" = "Asia/Shanghai 15s" ] || die "the role's settings did not reach sessions made through PgBouncer"

# ---- 1. web ------------------------------------------------------------------------------------
echo
node "$repo/tests/pgbouncer/web.mjs" web

# ---- 2. direct: what PostgreSQL does with more clients than it allows -----------------------
# clients DSN N: N psql sessions at once, each holding its connection 0.2 s; prints "ok failed".
clients() {
    local dsn=$1 n=$2 i ok=0 out
    out=$(mktemp -d)
    for i in $(seq "$n"); do
        ( "$PGBIN/psql" -X -q -At "$dsn" -c 'SELECT pg_sleep(0.2)' >/dev/null 2>"$out/$i.err" && touch "$out/$i.ok" ) &
    done
    wait
    ok=$(find "$out" -name '*.ok' | wc -l)
    # Why the others failed, once per distinct message.
    [ "$ok" = "$n" ] || cat "$out"/*.err | sed 's/^.*failed: //' | sort | uniq -c | sed 's/^ */    refused: /' >&2
    rm -rf "$out"
    echo "$ok $((n - ok))"
}
echo
held=$(admin_sum "SHOW POOLS" "$SV_COLS")
read -r ok failed < <(clients "$DIRECT_DSN" "$CLI_CLIENTS")
say "direct: $CLI_CLIENTS psql sessions straight to PostgreSQL (gongkai_app CONNECTION LIMIT $CAP, $held of them held by PgBouncer): $ok served, $failed refused"
[ "$failed" -gt 0 ] || die "expected PostgreSQL to refuse sessions past the role's limit"

# ---- 3. pooled: the same clients and more, through PgBouncer ---------------------------------
# Sample both ends every 0.1 s: PgBouncer's clients and server connections (SHOW POOLS) and
# gongkai_app's backends as PostgreSQL counts them.
samples=$(mktemp)
stop_file=$VAR/sampler.stop
rm -f "$stop_file"
# One process as the service user for the whole loop (runuser per sample would be slow); it
# stops when the stop file appears, so nothing is signalled across the user switch.
as_svc "$repo/tests/pgbouncer/run.sh" sample "$stop_file" > "$samples" &
sampler_pid=$!
wait_before=$(admin_sum "SHOW STATS" total_wait_time)
xact_before=$(admin_sum "SHOW STATS" total_xact_count)
t0=$(date +%s.%N)
report_out=$(mktemp -d)
report_pids=()
for i in $(seq "$REPORTS"); do
    ( "$GONGKAI_BIN" report disclosure-annual --year 2026 --format csv >/dev/null 2>"$report_out/$i.err" && touch "$report_out/$i.ok" ) &
    report_pids+=($!)
done
node "$repo/tests/pgbouncer/web.mjs" load 200 16 > "$report_out/load.txt" &
load_pid=$!
read -r ok failed < <(clients "$GONGKAI_DSN" "$CLI_CLIENTS")
t_psql=$(date +%s.%N)
load_rc=0
wait "$load_pid" || load_rc=$?
wait "${report_pids[@]}" || true   # each leaves a .ok file when it succeeded
t1=$(date +%s.%N)
touch "$stop_file"
wait "$sampler_pid" || true
sampler_pid=""
reports_ok=$(find "$report_out" -name '*.ok' | wc -l)
[ "$reports_ok" = "$REPORTS" ] || cat "$report_out"/*.err >&2
cat "$report_out/load.txt"
rm -rf "$report_out"
wait_us=$(( $(admin_sum "SHOW STATS" total_wait_time) - wait_before ))
xacts=$(( $(admin_sum "SHOW STATS" total_xact_count) - xact_before ))
read -r max_cl max_wait max_sv max_pg < <(awk '
    { for (i = 1; i <= 4; i++) if ($i > m[i]) m[i] = $i }
    END { print m[1] + 0, m[2] + 0, m[3] + 0, m[4] + 0 }' "$samples")
n_samples=$(wc -l < "$samples")
rm -f "$samples"
say "pooled: $CLI_CLIENTS psql sessions + $REPORTS gongkai report + the HTTP load through PgBouncer in $(elapsed "$t0" "$t1") s:"
say "  psql $ok served, $failed refused (all done after $(elapsed "$t0" "$t_psql") s); reports $reports_ok of $REPORTS; HTTP load exit $load_rc"
say "  $n_samples samples: at most $max_cl clients ($max_wait waiting) on at most $max_sv server connections; PostgreSQL saw at most $max_pg gongkai_app backends (cap $CAP)"
say "  SHOW STATS: $xacts transactions, clients waited $(awk -v u="$wait_us" 'BEGIN { printf "%.2f", u / 1e6 }') s in total for a server connection"
[ "$failed" = 0 ] && [ "$reports_ok" = "$REPORTS" ] && [ "$load_rc" = 0 ] || die "a client through PgBouncer was not served"
[ "$max_sv" -le "$CAP" ] && [ "$max_pg" -le "$CAP" ] || die "more than $CAP server connections"
[ "$max_cl" -gt "$CAP" ] || die "never more clients than the cap ($max_cl): the test proved nothing"
[ "$wait_us" -gt 0 ] || die "no client waited for a server connection"

# ---- 4. PgBouncer restarted under the same workers --------------------------------------------
echo
kids_before=$(workers_of "$workers_master")
bouncer_stop
say "restart: PgBouncer killed (SIGTERM, immediate shutdown)"
node "$repo/tests/pgbouncer/web.mjs" down
bouncer_start
say "restart: PgBouncer started again"
node "$repo/tests/pgbouncer/web.mjs" up
kids_after=$(workers_of "$workers_master")
[ "$workers_master" = "$(cat "$VAR/run/gongkai.pid")" ] && [ -d "/proc/$workers_master" ] && [ "$kids_before" = "$kids_after" ] \
    || die "the workers were restarted (before: $kids_before; after: $kids_after)"
say "restart: the same master ($workers_master) and the same $WORKERS workers throughout"

echo
say "PASS in $((SECONDS - t_start)) s"
