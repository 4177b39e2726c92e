#include "migrate.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

static void
checksum(const char *sql, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)sql, strlen(sql));
    sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* Returns 1 if applied already (checksum matches), 0 if not applied, -1 if
 * refused. */
static int
check_applied(PGconn *c, const struct migration *m, const char *sum)
{
    char v[16];
    snprintf(v, sizeof(v), "%d", m->version);
    const char *p[] = {v};
    PGresult *res = db_cli_exec(c, STMT_cli_migration_get, 1, p);
    if (res == NULL)
        return -1;
    int rc = 0;
    if (PQntuples(res) == 1) {
        rc = 1;
        if (strcmp(PQgetvalue(res, 0, 0), sum) != 0) {
            fprintf(stderr,
                    "gongkai migrate: %s.sql was changed after it was "
                    "applied (recorded %.12s…, now %.12s…); refusing. Put "
                    "the change in a new migration.\n",
                    m->name, PQgetvalue(res, 0, 0), sum);
            rc = -1;
        }
    }
    PQclear(res);
    return rc;
}

static int
apply(PGconn *c, const struct migration *m, const char *sum)
{
    char v[16];
    snprintf(v, sizeof(v), "%d", m->version);
    PGresult *res = db_cli_exec(c, STMT_cli_tx_begin, 0, NULL);
    if (res == NULL)
        return -1;
    PQclear(res);
    /* A migration file holds many statements: the simple protocol runs
     * them all, inside the transaction opened above. */
    res = PQexec(c, m->sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "gongkai migrate: %s.sql failed: %s", m->name,
                PQresultErrorMessage(res));
        PQclear(res);
        PQclear(db_cli_exec(c, STMT_cli_tx_rollback, 0, NULL));
        return -1;
    }
    PQclear(res);
    const char *p[] = {v, m->name, sum};
    if ((res = db_cli_exec(c, STMT_cli_migration_record, 3, p)) == NULL) {
        PQclear(db_cli_exec(c, STMT_cli_tx_rollback, 0, NULL));
        return -1;
    }
    PQclear(res);
    if ((res = db_cli_exec(c, STMT_cli_tx_commit, 0, NULL)) == NULL)
        return -1;
    PQclear(res);
    printf("applied %s\n", m->name);
    return 0;
}

static int
newer_than_binary(PGconn *c)
{
    PGresult *res = db_cli_exec(c, STMT_cli_migration_max, 0, NULL);
    if (res == NULL)
        return -1;
    int max = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    int mine = nmigrations ? migrations[nmigrations - 1].version : 0;
    if (max > mine) {
        fprintf(stderr,
                "gongkai migrate: the database has migration %d, "
                "this binary knows only up to %d\n",
                max, mine);
        return -1;
    }
    return 0;
}

int
migrate_run(const char *owner_dsn)
{
    int rc = -1, applied = 0;
    PGconn *c = PQconnectdb(owner_dsn);
    PGresult *res = NULL;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "gongkai migrate: cannot connect: %s",
                PQerrorMessage(c));
        goto out;
    }
    if ((res = db_cli_exec(c, STMT_cli_quiet, 0, NULL)) == NULL)
        goto out;
    PQclear(res);
    /* One migrator at a time, even if two instances start together. */
    if ((res = db_cli_exec(c, STMT_cli_migrate_lock, 0, NULL)) == NULL)
        goto out;
    PQclear(res);
    if ((res = db_cli_exec(c, STMT_cli_migrate_init, 0, NULL)) == NULL)
        goto out;
    PQclear(res);
    if (newer_than_binary(c) != 0)
        goto out;
    for (int i = 0; i < nmigrations; i++) {
        char sum[65];
        checksum(migrations[i].sql, sum);
        int st = check_applied(c, &migrations[i], sum);
        if (st < 0)
            goto out;
        if (st == 0) {
            if (apply(c, &migrations[i], sum) != 0)
                goto out;
            applied++;
        }
    }
    printf("schema up to date (%d migration%s applied now, %d in all)\n",
           applied, applied == 1 ? "" : "s", nmigrations);
    rc = 0;
out:
    PQfinish(c);
    return rc;
}
