#!/bin/bash
# Runs once, in the db container, when the postgres image initialises an empty data volume
# (mounted into /docker-entrypoint-initdb.d/ by docker-compose.yml). Creates what
# scripts/instance.sh's pg_bootstrap creates for a local instance: roles gongkai_owner (owns the
# database, runs migrations) and gongkai_app (only the grants in schema/), database gongkai.
#
# Later starts skip it: changing a password in .env afterwards means ALTER ROLE by hand
# (docker compose exec db psql -U postgres), or a new volume.
set -euo pipefail
: "${OWNER_DB_PASSWORD:?must be set (.env)}"
: "${APP_DB_PASSWORD:?must be set (.env)}"

# Passwords come in through \getenv and :'var' (psql quotes them), never through the command line
# or text pasted into SQL, so any character is safe here.
psql -v ON_ERROR_STOP=1 -X --username "${POSTGRES_USER:-postgres}" --dbname postgres <<'EOSQL'
\getenv owner_pw OWNER_DB_PASSWORD
\getenv app_pw APP_DB_PASSWORD
SELECT 'CREATE ROLE gongkai_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gongkai_owner') \gexec
SELECT 'CREATE ROLE gongkai_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gongkai_app') \gexec
ALTER ROLE gongkai_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'owner_pw';
ALTER ROLE gongkai_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'app_pw';
SELECT 'CREATE DATABASE gongkai OWNER gongkai_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'gongkai') \gexec
-- Nobody but the app connects; the app creates nothing in public (migrations run as the owner).
REVOKE ALL ON DATABASE gongkai FROM PUBLIC;
GRANT CONNECT ON DATABASE gongkai TO gongkai_app;
\connect gongkai
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO gongkai_owner;
EOSQL
