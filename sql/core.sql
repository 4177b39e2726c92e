-- Statements of the runtime itself: transactions, the migration runner
-- (cli_*: run by the command line, never prepared on worker connections).

-- name: tx_begin
BEGIN

-- name: tx_commit
COMMIT

-- name: tx_rollback
ROLLBACK

-- name: health
SELECT 1

-- name: cli_tx_begin
BEGIN

-- name: cli_tx_commit
COMMIT

-- name: cli_tx_rollback
ROLLBACK

-- name: cli_migrate_lock
SELECT pg_advisory_lock(7020240424)

-- name: cli_migrate_init
CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)

-- name: cli_migration_get
SELECT checksum FROM schema_migrations WHERE version = $1::integer

-- name: cli_migration_max
SELECT coalesce(max(version), 0) FROM schema_migrations

-- name: cli_migration_record
INSERT INTO schema_migrations (version, name, checksum)
VALUES ($1::integer, $2, $3)

-- name: cli_quiet
SET client_min_messages = warning

-- name: housekeeping_forms
-- A nonce only has to outlive a double click or a retry; a week is ample.
DELETE FROM form_submissions WHERE created_at < now() - interval '7 days'

-- name: housekeeping_login_failures
DELETE FROM login_failures WHERE at < now() - interval '1 day'
