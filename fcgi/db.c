#include "db.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "log.h"

int
db_connect(struct worker *w, const char *dsn)
{
    /* Session settings ride on the connection: dates in Asia/Shanghai as
     * API.md requires, and no statement may hold a worker forever. */
    const char *keys[] = {"dbname", "options", "connect_timeout",
                          "application_name", NULL};
    const char *vals[] = {dsn,
                          "-c timezone=Asia/Shanghai "
                          "-c statement_timeout=15000 "
                          "-c idle_in_transaction_session_timeout=30000",
                          "3", "gongkai", NULL};
    db_disconnect(w);
    w->pg = PQconnectdbParams(keys, vals, 1);
    if (w->pg == NULL || PQstatus(w->pg) != CONNECTION_OK) {
        log_err("database connection failed: %s",
                w->pg ? PQerrorMessage(w->pg) : "out of memory");
        return -1;
    }
    for (int i = 0; i < STMT__MAX; i++) {
        /* cli_* statements belong to the command line (migrations run
         * before their tables exist); workers never run them. */
        if (strncmp(stmt_defs[i].name, "cli_", 4) == 0)
            continue;
        PGresult *res =
            PQprepare(w->pg, stmt_defs[i].name, stmt_defs[i].sql, 0, NULL);
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            log_err("prepare %s failed: %s", stmt_defs[i].name,
                    PQresultErrorMessage(res));
        PQclear(res);
        if (!ok) {
            db_disconnect(w);
            return -1;
        }
    }
    w->prepared = true;
    return 0;
}

void
db_disconnect(struct worker *w)
{
    if (w->pg != NULL)
        PQfinish(w->pg);
    w->pg = NULL;
    w->prepared = false;
}

bool
db_ready(struct worker *w, const char *dsn)
{
    /* An idle connection has nothing to read. If it has (a server that
     * shut down says goodbye and closes), or it failed, start afresh, so
     * the request gets a working connection instead of a failed query. */
    if (w->pg != NULL && w->prepared && PQstatus(w->pg) == CONNECTION_OK) {
        struct pollfd p = {.fd = PQsocket(w->pg), .events = POLLIN};
        if (poll(&p, 1, 0) == 0)
            return true;
    }
    return db_connect(w, dsn) == 0;
}

static void
clear_result(void *p)
{
    PQclear(p);
}

/* ---- scale-out: read-only pages from a standby -------------------------
 * With GONGKAI_READ_DSN set, a GET or HEAD whose path is one of the
 * GONGKAI_READ_PATHS prefixes runs all its statements on a second
 * connection of this worker process (say target_session_attrs=prefer-standby:
 * a hot standby, possibly a little behind the primary). Anything else, and
 * any such request while the read server is unreachable, uses the primary
 * connection. A worker serves one request at a time, so which request holds
 * the read connection is a single pointer, cleared after every request. */
static struct worker read_w;       /* only pg and prepared are used */
static const struct req *read_req; /* the request on read_w, or NULL */
static time_t read_retry_at;       /* after a failed connect, wait */

static bool
read_path(const struct req *r)
{
    if (cfg.read_dsn[0] == '\0' || r->path == NULL ||
        (r->method != M_GET && r->method != M_HEAD))
        return false;
    size_t plen = strlen(r->path);
    for (const char *p = cfg.read_paths; *p;) {
        size_t n = strcspn(p, " ");
        /* whole segments: "/faq" matches /faq, /faq/2 and /faq.atom */
        if (n > 0 && plen >= n && strncmp(r->path, p, n) == 0 &&
            (r->path[n] == '\0' || r->path[n] == '/' || r->path[n] == '.'))
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

/* The connection for this request's statements. */
static struct worker *
conn_of(const struct req *r)
{
    return r == read_req ? &read_w : r->w;
}

/* At a request's first query: the read connection if the path may use it
 * and it works; else the primary one. False when neither works. */
static bool
choose_conn(struct req *r)
{
    time_t now = time(NULL);
    if (read_path(r) && now >= read_retry_at) {
        if (db_ready(&read_w, cfg.read_dsn)) {
            read_req = r;
            return true;
        }
        read_retry_at = now + 5;
    }
    return db_ready(r->w, cfg.dsn);
}

PGresult *
db_exec(struct req *r, enum stmt s, int n, const char *const *params)
{
    /* The connection is checked (and remade) at a request's first query,
     * so pages that need no database cost no round trip and still answer
     * while PostgreSQL is away. */
    if (!r->db_checked) {
        r->db_checked = true;
        if (!choose_conn(r))
            r->db_down = true;
    }
    struct worker *w = conn_of(r);
    if (r->db_down || w->pg == NULL) {
        r->db_down = true;
        return NULL;
    }
    PGresult *res =
        PQexecPrepared(w->pg, stmt_defs[s].name, n, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        arena_cleanup(r->a, clear_result, res);
        r->sqlstate = NULL;
        return res;
    }
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    r->sqlstate = arena_strdup(r->a, state ? state : "");
    if (PQstatus(w->pg) != CONNECTION_OK) {
        r->db_down = true;
        log_err("database connection lost during %s", stmt_defs[s].name);
    } else if (strcmp(r->sqlstate, "25006") == 0 && w == &read_w) {
        log_err("%s %s wrote (%s) on the read connection: take it out of "
                "GONGKAI_READ_PATHS",
                r->method_name, r->path, stmt_defs[s].name);
    } else if (strcmp(r->sqlstate, "25006") == 0) {
        /* failover: the server became read-only under a live connection (an
         * old primary fenced with default_transaction_read_only before a
         * switchover). Answer 503 and drop the connection: the next request
         * reconnects, and with target_session_attrs=read-write in the DSN
         * libpq skips the read-only server for the one that takes writes. */
        log_err("%s: server is read-only; reconnecting at the next request",
                stmt_defs[s].name);
        r->db_down = true;
        db_disconnect(w);
    } else if (strncmp(r->sqlstate, "23", 2) != 0 &&
               strncmp(r->sqlstate, "P0", 2) != 0) {
        /* Integrity and raised errors are expected outcomes the caller
         * handles; anything else is a bug worth a log line. */
        log_err("statement %s failed: %s", stmt_defs[s].name,
                PQresultErrorMessage(res));
    }
    PQclear(res);
    return NULL;
}

int
db_begin(struct req *r)
{
    return DBQ0(r, STMT_tx_begin) ? 0 : -1;
}

int
db_commit(struct req *r)
{
    return DBQ0(r, STMT_tx_commit) ? 0 : -1;
}

void
db_rollback(struct req *r)
{
    PGconn *c = conn_of(r)->pg;
    if (c != NULL && PQtransactionStatus(c) != PQTRANS_IDLE) {
        PGresult *res = PQexecPrepared(c, stmt_defs[STMT_tx_rollback].name, 0,
                                       NULL, NULL, NULL, 0);
        PQclear(res);
    }
}

/* Rolls back a transaction a handler left open on one connection. */
static void
end_open_tx(PGconn *c)
{
    if (c == NULL)
        return;
    PGTransactionStatusType ts = PQtransactionStatus(c);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
        PGresult *res = PQexecPrepared(c, stmt_defs[STMT_tx_rollback].name, 0,
                                       NULL, NULL, NULL, 0);
        PQclear(res);
    }
}

void
db_after_request(struct worker *w)
{
    end_open_tx(w->pg);
    end_open_tx(read_w.pg);
    read_req = NULL;
}

void
db_housekeeping(struct worker *w, int64_t now)
{
    static const enum stmt jobs[] = {STMT_housekeeping_forms,
                                     STMT_housekeeping_login_failures};
    if (now - w->housekept < 600 || w->pg == NULL ||
        PQstatus(w->pg) != CONNECTION_OK)
        return;
    w->housekept = now;
    for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
        PGresult *res = PQexecPrepared(w->pg, stmt_defs[jobs[i]].name, 0, NULL,
                                       NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            log_err("%s failed: %s", stmt_defs[jobs[i]].name,
                    PQresultErrorMessage(res));
        PQclear(res);
    }
}

PGresult *
db_cli_exec(PGconn *c, enum stmt s, int n, const char *const *params)
{
    PGresult *res =
        PQexecParams(c, stmt_defs[s].sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        fprintf(stderr, "gongkai: %s: %s", stmt_defs[s].name,
                PQresultErrorMessage(res));
        PQclear(res);
        return NULL;
    }
    return res;
}

const char *
db_get(PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col);
}

long long
db_getll(PGresult *res, int row, int col)
{
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

bool
db_isnull(PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) != 0;
}

bool
db_unique_violation(const struct req *r)
{
    return r->sqlstate != NULL && strcmp(r->sqlstate, "23505") == 0;
}
