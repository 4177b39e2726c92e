/*
 * db: the worker's PostgreSQL connection. Every statement of sql/ is
 * prepared once per connection (db_connect) and run by its enum; no SQL text
 * is ever built in C. Parameters are text; bytea goes as "\x..." hex.
 *
 * db_exec() returns a PGresult owned by the request's arena (PQclear runs
 * when the request ends), or NULL on error: then r->sqlstate holds the
 * SQLSTATE, and r->db_down is set if the connection was lost (the caller
 * answers 503; the next request reconnects).
 */
#ifndef GK_DB_H
#define GK_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "app.h"
#include "sql_gen.h"

struct stmt_def {
    const char *name; /* as in "-- name: ..." */
    const char *sql;  /* the statement text */
};

extern const struct stmt_def stmt_defs[STMT__MAX];

/* Connects with dsn and prepares every statement; 0 ok, -1 (logged). */
int db_connect(struct worker *w, const char *dsn)
    __attribute__((warn_unused_result));
void db_disconnect(struct worker *w);
/* Makes sure the connection is usable, reconnecting if needed. */
bool db_ready(struct worker *w, const char *dsn);

PGresult *db_exec(struct req *r, enum stmt s, int n, const char *const *params);
/* DBQ(r, STMT_x, "a", b, ...) with the parameter count computed. */
#define DBQ(r, s, ...)                                                         \
    db_exec(                                                                   \
        (r), (s),                                                              \
        (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),   \
        (const char *[]){__VA_ARGS__})
#define DBQ0(r, s) db_exec((r), (s), 0, NULL)

/* BEGIN / COMMIT / ROLLBACK through the prepared tx_* statements. */
int db_begin(struct req *r) __attribute__((warn_unused_result));
int db_commit(struct req *r) __attribute__((warn_unused_result));
void db_rollback(struct req *r);
/* Called after every request: rolls back a transaction left open. */
void db_after_request(struct worker *w);

/* Deletes expired form nonces and login failures, at most once every
 * ten minutes per worker; called between requests, never during one. */
void db_housekeeping(struct worker *w, int64_t now);

/* For the command line (migrate, staff add, demo): runs statement s once
 * on connection c with PQexecParams, printing the error to stderr. The
 * caller PQclears the result; NULL on failure. */
PGresult *db_cli_exec(PGconn *c, enum stmt s, int n, const char *const *params);

/* Convenience readers of a result (row, column). */
const char *db_get(PGresult *res, int row, int col);
long long db_getll(PGresult *res, int row, int col);
bool db_isnull(PGresult *res, int row, int col);
/* True if the last failure was a unique violation (23505). */
bool db_unique_violation(const struct req *r);

#endif
