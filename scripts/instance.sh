#!/usr/bin/env bash
# scripts/instance.sh — run one gongkai instance: PostgreSQL, the FastCGI workers, nginx.
#
#   scripts/instance.sh up       create the instance if needed, start everything in the background
#   scripts/instance.sh down     stop everything (fine if nothing runs)
#   scripts/instance.sh run      up, then stay in the foreground; Ctrl-C / SIGTERM runs down
#   scripts/instance.sh status   what runs (exit 0 when all three run, 3 otherwise)
#   scripts/instance.sh psql [ARGS]  psql as the postgres superuser on database gongkai
#   scripts/instance.sh pg-stop [fast|immediate] | pg-start   PostgreSQL alone (fault tests)
#
# Environment:
#   GONGKAI_VAR      instance directory (default: <repo>/var; made absolute)
#   GONGKAI_PORT     nginx port on 127.0.0.1 (default 8080)
#   GONGKAI_DEMO     1 = load demo data (default), 0 = departments and calendar only
#   GONGKAI_WORKERS  number of FastCGI workers (default: the binary's own, 4 x cores)
#   GONGKAI_BIN      the binary (default: <repo>/bin/gongkai)
#
# Layout of $GONGKAI_VAR (see CONTRACT.md): pg/ run/ log/ nginx/ keys/ secrets/.
# Run as root, PostgreSQL and the worker processes run as the system user `gongkai` (created on
# first use); nginx's master stays root and its workers run as `gongkai`. Run as another user,
# everything runs as that user.
#
# Two instances with different GONGKAI_VAR and GONGKAI_PORT run side by side: each PostgreSQL
# listens only on a unix socket in its own run/ directory, so they all use port number 5432.
set -euo pipefail
umask 022

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$script_dir")
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=5432                       # only names the socket file (.s.PGSQL.5432); no TCP listener
SVC_USER=gongkai                  # the unprivileged user when we run as root
LOCK_FD=9                         # fd of the per-instance lock; closed in every daemon we start

# ---- settings ---------------------------------------------------------------------------------

VAR=${GONGKAI_VAR:-$REPO/var}
case $VAR in /*) ;; *) VAR=$PWD/$VAR ;; esac
while [ "${#VAR}" -gt 1 ] && [ "${VAR%/}" != "$VAR" ]; do VAR=${VAR%/}; done
[ -d "$VAR" ] && VAR=$(cd "$VAR" && pwd)
PORT=${GONGKAI_PORT:-8080}
DEMO=${GONGKAI_DEMO:-1}
WORKERS=${GONGKAI_WORKERS:-}
BIN=${GONGKAI_BIN:-$REPO/bin/gongkai}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

# The CLI and the workers find their instance through these (CONTRACT.md, "Environment").
export GONGKAI_VAR=$VAR GONGKAI_PORT=$PORT GONGKAI_DEMO=$DEMO

if [ "$EUID" = 0 ]; then
    RUN_USER=$SVC_USER            # runs PostgreSQL and, after the drop, the workers
else
    RUN_USER=$(id -un)
fi

SOCK=$VAR/run/gongkai.sock
WORKERS_PID=$VAR/run/gongkai.pid
NGINX_PID=$VAR/run/nginx.pid
NGINX_CONF=$VAR/nginx/nginx.conf
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
URL=http://127.0.0.1:$PORT/

# ---- small helpers ----------------------------------------------------------------------------

say() { echo "instance[$PORT]: $*"; }
warn() { echo "instance[$PORT]: $*" >&2; }
die() { echo "instance[$PORT]: error: $*" >&2; exit 1; }

# Print the end of a log so a failure explains itself. With a marker, only what came after the
# last marker line (the current start attempt) is shown.
show_log() {  # show_log FILE [MARKER]
    local file=$1 marker=${2:-} n=40
    [ -f "$file" ] || { warn "(no log at $file)"; return 0; }
    echo "----- last lines of $file -----" >&2
    if [ -n "$marker" ] && grep -qF -- "$marker" "$file"; then
        awk -v m="$marker" 'index($0, m) { buf = ""; n = 0 } { buf = buf $0 "\n"; n++ } END { printf "%s", buf }' "$file" | tail -n "$n" >&2
    else
        tail -n "$n" "$file" >&2
    fi
    echo "-----" >&2
}

# Run a command as the user that owns the cluster. PostgreSQL refuses to run as root. cd / first:
# the caller's working directory (say /root) may be closed to that user, and initdb and pg_ctl
# fail when they cannot resolve it.
as_run_user() {
    if [ "$EUID" = 0 ]; then
        (cd / && runuser -u "$SVC_USER" -- "$@")
    else
        "$@"
    fi
}

# Is PID alive and is it ours? A pid file can outlive its process and the number can be reused,
# so the command line must also mention this instance (socket path or nginx.conf path).
pid_is() {  # pid_is PID NEEDLE
    local pid=$1 needle=$2 cmd
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmd == *"$needle"* ]]
}

read_pid() { if [ -f "$1" ]; then tr -dc '0-9' < "$1"; fi; }

# Process facts straight from /proc (procps, i.e. ps/pgrep, is not on every minimal image).
# In /proc/PID/stat the command name (field 2) may contain spaces, so cut after its ')'.
stat_field() {  # stat_field PID N: N = 1 state, 2 ppid, 3 pgrp (counted after the name)
    local st
    local -a f
    read -r st 2>/dev/null < "/proc/$1/stat" || return 1
    read -r -a f <<< "${st##*) }"
    echo "${f[$(($2 - 1))]}"
}
# Alive = exists and is not a zombie. Our daemons are reparented to PID 1, and an init that reaps
# slowly (container inits do) leaves an exited process visible as a zombie for a while.
alive() {  # alive PID
    local state
    state=$(stat_field "$1" 1) || return 1
    [ "$state" != Z ]
}
group_alive() {  # group_alive PGID: some live (non-zombie) process is in process group PGID
    local file st
    local -a f
    for file in /proc/[0-9]*/stat; do
        read -r st 2>/dev/null < "$file" || continue
        read -r -a f <<< "${st##*) }"
        if [ "${f[2]}" = "$1" ] && [ "${f[0]}" != Z ]; then return 0; fi
    done
    return 1
}
children_of() {  # children_of PID: pids whose parent is PID (no subshell per process: fast)
    local file st
    local -a f
    for file in /proc/[0-9]*/stat; do
        read -r st 2>/dev/null < "$file" || continue
        read -r -a f <<< "${st##*) }"
        if [ "${f[1]}" = "$1" ]; then st=${file#/proc/}; echo "${st%/stat}"; fi
    done
}

# The master's command line names our socket; should the binary ever rewrite its process title,
# its executable being $BIN identifies it as well.
workers_pid() {
    local pid exe
    pid=$(read_pid "$WORKERS_PID")
    if pid_is "$pid" "$SOCK"; then echo "$pid"; return 0; fi
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [ "$exe" = "$(readlink -f "$BIN")" ] && echo "$pid"
}

nginx_pid() {
    local pid
    pid=$(read_pid "$NGINX_PID")
    pid_is "$pid" "$NGINX_CONF" && echo "$pid"
}

pg_running() {
    [ -f "$VAR/pg/PG_VERSION" ] || return 1
    as_run_user "$PGBIN/pg_ctl" -D "$VAR/pg" status >/dev/null 2>&1
}

# Wait until a condition holds, polling every 0.1 s. Returns 1 on timeout.
wait_for() {  # wait_for SECONDS COMMAND...
    local deadline=$((SECONDS + $1)); shift
    while ! "$@"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# One operation at a time per instance: two `up`s racing would both initdb or both start nginx.
# Every daemon we start gets the lock fd closed ($LOCK_FD>&-), or it would hold the lock forever.
take_lock() {
    mkdir -p "$VAR"
    exec 9>"$VAR/.instance.lock"      # 9 = $LOCK_FD
    flock -w 300 9 || die "another instance.sh holds $VAR/.instance.lock"
}
drop_lock() { exec 9>&-; }

# The paths end up in nginx.conf, postgresql.conf, pgpass and a sed replacement. Refuse the few
# characters that would need quoting rules of their own there; anything else (including
# non-ASCII) is fine.
check_settings() {
    [[ $PORT =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "GONGKAI_PORT must be a port number, not '$PORT'"
    [[ $DEMO =~ ^[0-9]+$ ]] || die "GONGKAI_DEMO must be 0 or 1, not '$DEMO'"
    [ -z "$WORKERS" ] || [[ $WORKERS =~ ^[1-9][0-9]*$ ]] || die "GONGKAI_WORKERS must be a positive number, not '$WORKERS'"
    local bad=$'[][ \t\n\'"\\\\$;{}:,|&#*?]'
    [[ $VAR =~ $bad ]] && die "GONGKAI_VAR '$VAR' contains a character that cannot be used here (space, quote, \$ ; : , { } | & # * ? [ ])"
    [[ $REPO =~ $bad ]] && die "the repository path '$REPO' contains a character that cannot be used here (space, quote, \$ ; : , { } | & # * ? [ ])"
    # A unix socket path is limited to 107 bytes; PostgreSQL's is the longest of ours.
    local pgsock="$VAR/run/.s.PGSQL.$PGPORT.lock"
    [ "$(printf %s "$pgsock" | wc -c)" -le 107 ] || die "GONGKAI_VAR is too long for a unix socket path ($pgsock); use a shorter directory"
}

check_tools() {
    local b
    for b in postgres initdb pg_ctl psql; do
        [ -x "$PGBIN/$b" ] || die "$PGBIN/$b not found: run scripts/deps.sh (package postgresql-15)"
    done
    [ -x "$NGINX" ] || die "nginx not found: run scripts/deps.sh (package nginx-light)"
    command -v curl >/dev/null || die "curl not found: run scripts/deps.sh"
    [ -x "$BIN" ] || die "$BIN not found or not executable: build it first (make)"
}

# ---- instance directory and users -------------------------------------------------------------

ensure_user() {
    [ "$EUID" = 0 ] || return 0
    getent passwd "$SVC_USER" >/dev/null && return 0
    say "creating system user $SVC_USER"
    # Two instances starting at once may race here; the loser finds the user made by the winner.
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$SVC_USER" 2>/dev/null \
        || getent passwd "$SVC_USER" >/dev/null \
        || die "could not create the system user $SVC_USER"
}

# The gongkai user must be able to walk down to $VAR (PostgreSQL data and sockets, the workers'
# socket) and to <repo>/static (nginx workers serve it). Directories on the way that it cannot
# enter (say /root, mode 0700) get o+x: search permission only, their listing stays closed.
ensure_traversable() {  # ensure_traversable DIR
    [ "$EUID" = 0 ] || return 0
    local target=$1 d path=""
    runuser -u "$SVC_USER" -- test -x "$target" 2>/dev/null && return 0
    IFS=/ read -r -a parts <<< "${target#/}"
    for d in "${parts[@]}"; do
        path=$path/$d
        [ -d "$path" ] || break
        if ! runuser -u "$SVC_USER" -- test -x "$path" 2>/dev/null; then
            say "chmod o+x $path (so that user $SVC_USER can reach $target)"
            chmod o+x "$path"
        fi
    done
}

ensure_dirs() {
    mkdir -p "$VAR"/{pg,run,log,nginx,nginx/extra,nginx/main,nginx/http,keys,secrets}
    chmod 0755 "$VAR" "$VAR/run" "$VAR/log" "$VAR/nginx"
    chmod 0700 "$VAR/pg" "$VAR/keys" "$VAR/secrets"
    touch "$VAR/log/postgres.log" "$VAR/log/gongkai.log"
    chmod 0640 "$VAR/log/postgres.log" "$VAR/log/gongkai.log"
    if [ "$EUID" = 0 ]; then
        # pg/ and run/: PostgreSQL (as gongkai) writes its data, socket and lock file there.
        # keys/, secrets/: the workers read them after dropping to gongkai.
        # log/ stays root's; the two logs written by gongkai processes are theirs.
        chown "$SVC_USER:" "$VAR/pg" "$VAR/run" "$VAR/keys" "$VAR/secrets" \
              "$VAR/log/postgres.log" "$VAR/log/gongkai.log"
        ensure_traversable "$VAR/run"
        ensure_traversable "$REPO/static"
        runuser -u "$SVC_USER" -- test -r "$REPO/static" 2>/dev/null \
            || warn "user $SVC_USER cannot read $REPO/static; nginx will answer 403 for static files"
    fi
}

# ---- PostgreSQL -------------------------------------------------------------------------------

# Quote a value for postgresql.conf.
pgq() { printf "'%s'" "${1//\'/\'\'}"; }

pg_init() {
    if [ -f "$VAR/pg/PG_VERSION" ]; then
        local v; v=$(cat "$VAR/pg/PG_VERSION")
        [ "$v" = 15 ] || die "$VAR/pg holds a PostgreSQL $v cluster; this needs 15"
        return 0
    fi
    local locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
    say "initdb $VAR/pg (locale $locale)"
    echo "--- $(date '+%F %T') instance.sh: initdb" >> "$VAR/log/initdb.log"
    # Local connections authenticate by peer (OS user), TCP is refused outright; pg_hba.conf is
    # rewritten below anyway.
    if ! as_run_user "$PGBIN/initdb" -D "$VAR/pg" -U postgres -E UTF8 --locale="$locale" \
            --auth-local=peer --auth-host=reject >> "$VAR/log/initdb.log" 2>&1; then
        show_log "$VAR/log/initdb.log" "instance.sh: initdb"
        die "initdb failed"
    fi
    # Our settings live in their own file, rewritten on every up; postgresql.conf only includes it.
    printf '\n# gongkai: instance settings, rewritten by scripts/instance.sh on every up\ninclude %s\n' \
        "$(pgq gongkai.conf)" >> "$VAR/pg/postgresql.conf"
}

# Write FILE from stdin if its content changed; returns 0 when it changed.
write_if_changed() {  # write_if_changed FILE OWNER MODE < content
    local file=$1 owner=$2 mode=$3 tmp
    tmp=$(mktemp "$file.XXXXXX")
    cat > "$tmp"
    if [ -f "$file" ] && cmp -s "$tmp" "$file"; then rm -f "$tmp"; return 1; fi
    chmod "$mode" "$tmp"
    [ "$EUID" = 0 ] && chown "$owner:" "$tmp"
    mv -f "$tmp" "$file"
}

pg_configure() {
    local changed=0 u
    write_if_changed "$VAR/pg/gongkai.conf" "$RUN_USER" 0600 <<EOF && changed=1
# Written by scripts/instance.sh; changes here are overwritten on the next up.
# Only the unix socket in run/: no TCP listener at all, so instances never collide on ports.
listen_addresses = ''
unix_socket_directories = $(pgq "$VAR/run")
unix_socket_permissions = 0777
port = $PGPORT
max_connections = 100
# PostgreSQL's default of 128 MB is a fraction of the database make bench builds (922 MB, 712 MB
# of it the board's million messages with their indexes). 1 GB holds it, and is a 24th of the
# RAM of the machines this runs on (24 GB), well inside the usual quarter.
shared_buffers = 1GB
fsync = on
timezone = 'Asia/Shanghai'
log_timezone = 'Asia/Shanghai'
EOF
    # Who may connect: the postgres superuser only by peer (OS user mapped through "admin"),
    # the two application roles only to database gongkai with their passwords. Nothing else.
    write_if_changed "$VAR/pg/pg_hba.conf" "$RUN_USER" 0600 <<EOF && changed=1
# Written by scripts/instance.sh; changes here are overwritten on the next up.
# TYPE  DATABASE  USER                       METHOD
local   all       postgres                   peer map=admin
local   gongkai   gongkai_owner,gongkai_app  scram-sha-256
# failover: a streaming standby (pg_basebackup, walreceiver) connects as postgres, by peer too.
local   replication  postgres                peer map=admin
EOF
    {
        echo "# Written by scripts/instance.sh. OS users that may connect as the postgres superuser."
        echo "# MAPNAME  SYSTEM-USER  PG-USER"
        for u in root "$RUN_USER" "$(id -un)" "${SUDO_USER:-}"; do
            if [ -n "$u" ]; then echo "admin      $u    postgres"; fi
        done | awk '!seen[$0]++'
    } | write_if_changed "$VAR/pg/pg_ident.conf" "$RUN_USER" 0600 && changed=1
    # A running cluster picks the new files up on reload: all of these settings but the socket
    # ones (which do not change for a given $VAR) and shared_buffers, which waits for the next
    # start of PostgreSQL (`make down && make up`).
    if [ "$changed" = 1 ] && pg_running; then
        as_run_user "$PGBIN/pg_ctl" -D "$VAR/pg" -s reload
    fi
    return 0
}

pg_start() {
    if pg_running; then return 0; fi
    say "starting PostgreSQL"
    echo "--- $(date '+%F %T') instance.sh: pg_ctl start" >> "$VAR/log/postgres.log"
    # pg_ctl starts the postmaster in its own session with stdio on the log, so a caller reading
    # our output (a pipe) is not held open by it.
    # glibc gives freed memory at the top of a backend's heap back to the kernel once 128 KB are
    # free there. The search page's statements (bigram arrays, bitmaps) crossed that line at
    # every request, and each give-back flushes the TLB of every CPU: 7 % of the machine on
    # `GET /policies?q=养老` (perf, docs/board.md). A backend now keeps up to 32 MB.
    if ! as_run_user env GLIBC_TUNABLES=glibc.malloc.trim_threshold=33554432 \
            "$PGBIN/pg_ctl" -D "$VAR/pg" -l "$VAR/log/postgres.log" -w -t 60 -s start \
            </dev/null >/dev/null 2>>"$VAR/log/postgres.log" {LOCK_FD}>&-; then
        show_log "$VAR/log/postgres.log" "instance.sh: pg_ctl start"
        die "PostgreSQL did not start"
    fi
}

pg_stop() {  # pg_stop [fast|immediate]
    if pg_running; then
        say "stopping PostgreSQL"
        as_run_user "$PGBIN/pg_ctl" -D "$VAR/pg" -m "${1:-fast}" -w -t 60 -s stop \
            || { show_log "$VAR/log/postgres.log"; die "PostgreSQL did not stop"; }
    fi
}

psql_super() {  # psql_super DB [ARGS] — as postgres over the socket; root and RUN_USER map to it
    local db=$1; shift
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$VAR/run" -p "$PGPORT" -U postgres -d "$db" "$@"
}

# Random password: 32 bytes from the kernel, base64 without / + = (safe in pgpass and in SQL).
new_password() { head -c 32 /dev/urandom | base64 -w0 | tr -d '/+='; }

# The password of USER in our pgpass, if the file has one.
pgpass_password() {  # pgpass_password USER
    [ -f "$VAR/secrets/pgpass" ] || return 0
    awk -F: -v u="$1" '$(NF-1) == u { print $NF; exit }' "$VAR/secrets/pgpass"
}

# pgpass fields escape ':' and '\' with '\'.
pgpass_escape() { local s=${1//\\/\\\\}; printf %s "${s//:/\\:}"; }

# Roles, database and pgpass. Idempotent: runs on every up, creates what is missing, and keeps the
# role passwords equal to what pgpass says (pgpass is the source of truth once it exists).
pg_bootstrap() {
    local owner_pw app_pw host
    owner_pw=$(pgpass_password gongkai_owner)
    app_pw=$(pgpass_password gongkai_app)
    [[ $owner_pw =~ ^[A-Za-z0-9]{20,}$ ]] || owner_pw=$(new_password)
    [[ $app_pw =~ ^[A-Za-z0-9]{20,}$ ]] || app_pw=$(new_password)

    # pgpass first, so a failure below never leaves roles whose passwords nobody knows.
    # Host is the socket directory as the DSN spells it; the '*' lines also match any other
    # spelling of that directory (symlinks, trailing slash) — the file belongs to this instance.
    host=$(pgpass_escape "$VAR/run")
    write_if_changed "$VAR/secrets/pgpass" "$RUN_USER" 0600 <<EOF || true
$host:$PGPORT:gongkai:gongkai_owner:$owner_pw
$host:$PGPORT:gongkai:gongkai_app:$app_pw
*:$PGPORT:gongkai:gongkai_owner:$owner_pw
*:$PGPORT:gongkai:gongkai_app:$app_pw
EOF

    # Passwords go in on stdin, never on a command line (ps would show them).
    psql_super postgres <<EOF || die "creating the roles and the database failed (see $VAR/log/postgres.log)"
SELECT 'CREATE ROLE gongkai_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gongkai_owner') \gexec
SELECT 'CREATE ROLE gongkai_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gongkai_app') \gexec
ALTER ROLE gongkai_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '$owner_pw';
ALTER ROLE gongkai_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '$app_pw';
SELECT 'CREATE DATABASE gongkai OWNER gongkai_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'gongkai') \gexec
EOF
    # Nobody but the app connects; the app creates nothing in public (migrations run as the owner).
    psql_super gongkai <<'EOF' || die "setting the database grants failed"
REVOKE ALL ON DATABASE gongkai FROM PUBLIC;
GRANT CONNECT ON DATABASE gongkai TO gongkai_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO gongkai_owner;
EOF
}

# ---- the application --------------------------------------------------------------------------

app_setup() {
    local keys=${GONGKAI_KEYS:-$VAR/keys/gongkai.keys}
    if [ ! -f "$keys" ]; then
        say "gongkai keygen"
        "$BIN" keygen || die "gongkai keygen failed"
    fi
    say "gongkai migrate"
    "$BIN" migrate || die "gongkai migrate failed"
    if [ "$DEMO" != 0 ]; then
        say "gongkai demo"
        "$BIN" demo || die "gongkai demo failed"
    fi
    # keygen ran as us; the workers read the keys after dropping to gongkai.
    if [ "$EUID" = 0 ]; then
        chown -R "$SVC_USER:" "$VAR/keys" "$VAR/secrets"
    fi
}

workers_start() {
    local pid pgid args
    if pid=$(workers_pid); then
        say "workers already running (pid $pid)"
        return 0
    fi
    args=(serve --socket "$SOCK")
    [ "$EUID" = 0 ] && args+=(--user "$SVC_USER")
    [ -n "$WORKERS" ] && args+=(--workers "$WORKERS")
    # A socket left by a killed run would make the wait below succeed at once.
    rm -f "$SOCK" "$WORKERS_PID"
    say "starting workers: $BIN ${args[*]}"
    local marker
    marker="--- $(date '+%F %T') instance.sh: starting workers"
    echo "$marker" >> "$VAR/log/gongkai.log"
    # setsid: the master leads its own session and process group (not ours: Ctrl-C in the
    # terminal must not reach it, and `down` can signal the whole group). A background child of a
    # script is not a group leader, so setsid needs no fork and $! is the master's pid.
    ( cd "$REPO" && exec setsid "$BIN" "${args[@]}" ) \
        </dev/null >>"$VAR/log/gongkai.log" 2>&1 {LOCK_FD}>&- &
    pid=$!
    echo "$pid" > "$WORKERS_PID"
    # Wait for the socket; give up at once if the master exits (it is our child: bash reaps it).
    local deadline=$((SECONDS + 10)) ready=0
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ -S "$SOCK" ]; then ready=1; break; fi
        alive "$pid" || break
        sleep 0.1
    done
    if [ "$ready" = 0 ]; then
        if alive "$pid"; then
            warn "the workers did not create $SOCK within 10 s; stopping them"
            workers_stop >/dev/null 2>&1 || true
        fi
        show_log "$VAR/log/gongkai.log" "$marker"
        die "the workers did not start"
    fi
    pgid=$(stat_field "$pid" 3) || true
    [ "$pgid" = "$pid" ] || warn "workers master $pid is not a process group leader (pgid $pgid)"
}

workers_stop() {
    local pid
    if ! pid=$(workers_pid); then
        rm -f "$WORKERS_PID"
        return 0
    fi
    say "stopping workers (pid $pid)"
    # SIGTERM to the master: it stops the workers gracefully. Wait for the whole process group
    # (master and workers) to go, up to 15 s, then SIGKILL the group.
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for 15 group_gone "$pid"; then
        warn "workers still running after 15 s; SIGKILL to process group $pid"
        kill -KILL -- "-$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
        wait_for 5 group_gone "$pid" || warn "process group $pid did not go away"
    fi
    rm -f "$WORKERS_PID" "$SOCK"
}

group_gone() { ! alive "$1" && ! group_alive "$1"; }

# ---- nginx ------------------------------------------------------------------------------------

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

render_nginx_conf() {  # render_nginx_conf OUTFILE
    local user_line
    if [ "$EUID" = 0 ]; then user_line="s|@USER@|$(sed_escape "$SVC_USER")|g"
    else user_line='/^user @USER@;/d'; fi     # only a root master can switch users
    sed -e "$user_line" \
        -e "s|@VAR@|$(sed_escape "$VAR")|g" \
        -e "s|@PORT@|$(sed_escape "$PORT")|g" \
        -e "s|@REPO@|$(sed_escape "$REPO")|g" \
        "$REPO/nginx/gongkai.conf.in" > "$1"
    if grep -n '@[A-Z]*@' "$1" | grep -v '^[0-9]*:#' >&2; then
        die "unreplaced placeholder in $REPO/nginx/gongkai.conf.in (lines above)"
    fi
}

# ---- board: micro-cache directory ----
# nginx's one-second page cache (nginx/gongkai.conf.in), written by its worker processes.
# Emptied on every `up`, so that no page rendered by an earlier build or database is served.
nginx_cache_reset() {
    rm -rf "$VAR/nginx/cache"
    mkdir -p "$VAR/nginx/cache"
    chmod 0700 "$VAR/nginx/cache"
    if [ "$EUID" = 0 ]; then chown "$SVC_USER:" "$VAR/nginx/cache"; fi
}
# ---- end board: micro-cache directory ----

nginx_cmd() {
    # -p: prefix for relative paths; -e: error log before the config is read (the packaged default
    # is stderr, so nothing goes to /var/log/nginx).
    "$NGINX" -p "$VAR/nginx/" -c "$NGINX_CONF" -e "$VAR/log/nginx-error.log" "$@"
}

nginx_start() {
    local tmp pid out
    tmp=$(mktemp "$VAR/nginx/nginx.conf.XXXXXX")
    render_nginx_conf "$tmp"
    chmod 0644 "$tmp"
    if pid=$(nginx_pid); then
        if cmp -s "$tmp" "$NGINX_CONF"; then
            rm -f "$tmp"
            say "nginx already running (pid $pid)"
            return 0
        fi
        # The template changed: test the new config, then reload (old config stays on failure).
        local old; old=$(mktemp "$VAR/nginx/nginx.conf.old.XXXXXX")
        cp -p "$NGINX_CONF" "$old"
        mv -f "$tmp" "$NGINX_CONF"
        if ! out=$(nginx_cmd -t 2>&1); then
            mv -f "$old" "$NGINX_CONF"
            echo "$out" >&2
            die "the new nginx config does not pass nginx -t; nginx keeps running with the old one"
        fi
        rm -f "$old"
        say "reloading nginx (pid $pid) with the new config"
        kill -HUP "$pid"
        return 0
    fi
    mv -f "$tmp" "$NGINX_CONF"
    rm -f "$NGINX_PID"
    # Something else on the port (another instance, a left-over server) would make nginx retry
    # bind() for a while and then fail; say so plainly instead.
    if http_answers; then
        die "127.0.0.1:$PORT already answers HTTP (another program); choose another GONGKAI_PORT"
    fi
    if ! out=$(nginx_cmd -t 2>&1); then
        echo "$out" >&2
        die "nginx config test failed ($NGINX_CONF)"
    fi
    say "starting nginx on 127.0.0.1:$PORT"
    local marker
    marker="--- $(date '+%F %T') instance.sh: starting nginx"
    echo "$marker" >> "$VAR/log/nginx-error.log"
    # nginx daemonizes; stdio goes to the log so that it holds no pipe of our caller open.
    if ! nginx_cmd </dev/null >>"$VAR/log/nginx-error.log" 2>&1 {LOCK_FD}>&-; then
        show_log "$VAR/log/nginx-error.log" "$marker"
        die "nginx did not start"
    fi
    if ! wait_for 10 nginx_pid >/dev/null; then
        show_log "$VAR/log/nginx-error.log" "$marker"
        die "nginx did not write its pid file"
    fi
}

nginx_stop() {
    local pid kids=()
    if ! pid=$(nginx_pid); then
        rm -f "$NGINX_PID"
        return 0
    fi
    say "stopping nginx (pid $pid)"
    # SIGQUIT is what `nginx -s quit` sends: finish the requests in flight, then exit. Sent
    # directly, so that stopping does not depend on the config still parsing.
    kill -QUIT "$pid" 2>/dev/null || true
    wait_for 10 dead "$pid" && { rm -f "$NGINX_PID"; return 0; }
    warn "nginx still running after 10 s; SIGTERM"
    mapfile -t kids < <(children_of "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_for 5 dead "$pid"; then
        warn "nginx still running; SIGKILL"
        kill -KILL "$pid" "${kids[@]+"${kids[@]}"}" 2>/dev/null || true
    fi
    rm -f "$NGINX_PID"
}

dead() { ! alive "$1"; }

http_code() { curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$URL" 2>/dev/null || true; }
http_answers() { local c; c=$(http_code); [ -n "$c" ] && [ "$c" != 000 ]; }

# ---- commands ---------------------------------------------------------------------------------

cmd_up() {
    check_settings
    check_tools
    take_lock
    ensure_user
    ensure_dirs
    pg_init
    pg_configure
    pg_start
    pg_bootstrap
    app_setup
    workers_start
    nginx_cache_reset   # board: micro-cache
    nginx_start
    if ! wait_for 10 http_answers; then
        show_log "$VAR/log/nginx-error.log"
        die "nothing answers on $URL"
    fi
    drop_lock
    say "up: $URL  (GONGKAI_VAR=$VAR, status $(http_code) on /)"
}

cmd_down() {
    check_settings
    if [ ! -d "$VAR" ]; then say "nothing at $VAR"; return 0; fi
    take_lock
    # Front to back: stop taking requests, then stop serving them, then the database.
    nginx_stop
    workers_stop
    pg_stop
    drop_lock
    say "down ($VAR)"
}

cmd_status() {
    check_settings
    local all=0 pid
    echo "instance  $VAR  port $PORT"
    if pg_running; then
        pid=$(head -n1 "$VAR/pg/postmaster.pid" 2>/dev/null || echo '?')
        echo "postgres  running (pid $pid, socket $VAR/run/.s.PGSQL.$PGPORT)"
    else
        echo "postgres  stopped"; all=3
    fi
    if pid=$(workers_pid); then
        echo "workers   running (master pid $pid, $(children_of "$pid" | wc -l) workers, socket $SOCK)"
    else
        echo "workers   stopped"; all=3
    fi
    if pid=$(nginx_pid); then
        echo "nginx     running (pid $pid) $URL -> HTTP $(http_code)"
    else
        echo "nginx     stopped"; all=3
    fi
    return "$all"
}

cmd_psql() {
    check_settings
    pg_running || die "PostgreSQL of $VAR is not running (scripts/instance.sh up)"
    exec "$PGBIN/psql" -h "$VAR/run" -p "$PGPORT" -U postgres -d gongkai "$@"
}

follow_pid=""
on_stop() {
    trap - INT TERM
    if [ -n "$follow_pid" ]; then kill "$follow_pid" 2>/dev/null || true; fi
    echo
    cmd_down
    exit 0
}

cmd_run() {
    # Trap first: Ctrl-C while still starting up also stops what has started.
    trap on_stop INT TERM
    cmd_up
    echo
    echo "  gongkai is running at $URL"
    if [ -f "$REPO/scripts/demo-logins.txt" ] && [ "$DEMO" != 0 ]; then
        echo "  demo logins:"
        sed 's/^/    /' "$REPO/scripts/demo-logins.txt"
    fi
    echo "  logs: $VAR/log/   (the request log follows)"
    echo "  Ctrl-C stops everything."
    echo
    # Follow the workers' log in the foreground. `wait` returns as soon as a trapped signal
    # arrives, so Ctrl-C is handled at once.
    tail -n 0 -F "$VAR/log/gongkai.log" 2>/dev/null {LOCK_FD}>&- &
    follow_pid=$!
    while :; do
        wait "$follow_pid" 2>/dev/null || true
        if ! kill -0 "$follow_pid" 2>/dev/null; then
            sleep 1 & follow_pid=$!
        fi
    done
}

case ${1:-} in
    up)     cmd_up ;;
    down)   cmd_down ;;
    run)    cmd_run ;;
    status) cmd_status ;;
    psql)   shift; cmd_psql "$@" ;;
    # Fault tests stop and start the database alone, with the workers left running.
    pg-stop)  check_settings; pg_stop "${2:-fast}" ;;
    pg-start) check_settings; pg_start ;;
    *)      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
