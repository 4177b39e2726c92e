#!/bin/bash
# Entrypoint of the `app` container (docker-compose.yml): wait for PostgreSQL, create the key
# file on first start, migrate, optionally load the demo accounts, then become `gongkai serve`
# (exec: the master is PID 1 and gets docker's SIGTERM, which stops the workers gracefully).
# The roles and the database are made by docker/db-init.sh in the db container, not here: the
# app never holds the superuser's password.
#
# Any other command runs the binary without the start-up steps, e.g.
#   docker compose run --rm app staff add --login L --password P --dept D --role admin
set -euo pipefail

if [ "${1:-serve}" != serve ]; then
    exec gongkai "$@"
fi

: "${GONGKAI_DSN:?not set (docker-compose.yml builds it from .env)}"
: "${GONGKAI_OWNER_DSN:?not set (docker-compose.yml builds it from .env)}"
: "${GONGKAI_KEYS:=/keys/gongkai.keys}"
: "${GONGKAI_SOCKET:=/run/gongkai/gongkai.sock}"
export GONGKAI_KEYS GONGKAI_SOCKET

say() { echo "app-entrypoint: $*" >&2; }

# The database's address, from the owner DSN (the first host of a multi-host list).
# (printf, not <<<: a here-string may need a temporary file, and the root is read-only.)
dsn_field() { printf '%s\n' "$GONGKAI_OWNER_DSN" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
host=$(dsn_field host); host=${host%%,*}; host=${host:-localhost}
port=$(dsn_field port); port=${port%%,*}; port=${port:-5432}

# depends_on already waits for db's healthcheck on `compose up`; this covers a restart of db
# alone and `docker run` without compose. The image has no pg_isready, so: can we connect?
# (The postgres image's first-start server listens on no TCP port while it runs the init
# scripts, so a TCP answer also means the roles exist.)
db_answers() {
    case $host in
        /*) [ -S "$host/.s.PGSQL.$port" ] ;;
        *) (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null ;;
    esac
}
deadline=$((SECONDS + ${GONGKAI_DB_WAIT:-60}))
until db_answers; do
    if [ "$SECONDS" -ge "$deadline" ]; then
        say "PostgreSQL at $host:$port does not answer; giving up"
        exit 1
    fi
    sleep 1
done

# The key file is the one thing that cannot be made again: losing it makes the encrypted
# personal data unreadable. It lives in the `keys` volume; back that volume up.
if [ ! -f "$GONGKAI_KEYS" ]; then
    say "no key file at $GONGKAI_KEYS: gongkai keygen"
    gongkai keygen
fi

say "gongkai migrate"
gongkai migrate

if [ "${GONGKAI_DEMO:-0}" = 1 ]; then
    say "gongkai demo (demo accounts with published passwords: not for production)"
    gongkai demo
fi

# The workers need only the app role; keep the owner's password out of their environment.
unset GONGKAI_OWNER_DSN
say "gongkai serve --socket $GONGKAI_SOCKET"
exec gongkai serve --socket "$GONGKAI_SOCKET"
