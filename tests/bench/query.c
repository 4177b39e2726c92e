/*
 * query: the floor of a database-backed page. Like hello, plus what every real
 * page pays for: one prepared statement on the worker's own libpq connection,
 * 20 rows, every value HTML-escaped on the way out. `make bench` compares it
 * with hello to price the database round trip, and the app's pages with it to
 * price everything else.
 *
 *   query [-u USER] SOCKET [WORKERS] [CONNINFO]     CONNINFO defaults to
 * $GONGKAI_DSN
 *
 * GET ...?offset=N (0..100000, default 0) chooses the first row. The statement
 * text lives here, not in sql/, because this program is a yardstick outside the
 * app.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "prefork.h"

#define QUERY_OFFSET_MAX 100000

static const char stmt_name[] = "bench_calendar_page";

/*
 * The third column always needs escaping (& < > " '), as user text on a real
 * page may. ORDER BY names c.day: a bare "day" would mean the output column
 * day::text, and sorting every row by its text instead of walking the primary
 * key made the query 4x slower.
 */
static const char stmt_sql[] =
    "SELECT c.day::text, c.kind, '<b>&\"''' || coalesce(c.note, c.kind) "
    "FROM workday_calendar c ORDER BY c.day OFFSET $1 LIMIT 20";

static const char page_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head><meta charset=\"utf-8\"><title>工作日历</title>"
    "<link rel=\"stylesheet\" href=\"/static/site.css\"></head>\n"
    "<body><main><h1>工作日历</h1>\n"
    "<table><thead><tr><th>日期</th><th>类型</th><th>备注</th></tr></"
    "thead><tbody>\n";

static const char page_tail[] = "</tbody></table></main></body></html>\n";

/* The worker's connection: opened once in query_init, reset after a failure. */
static PGconn *conn;

static void
put(FCGX_Stream *out, const char *s)
{
    FCGX_PutStr(s, (int)strlen(s), out);
}

/* Writes s[0..n) as HTML text, safe in element content and in quoted
 * attributes. */
static void
put_escaped(FCGX_Stream *out, const char *s, size_t n)
{
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        const char *rep;

        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        if (i > run)
            FCGX_PutStr(s + run, (int)(i - run), out);
        put(out, rep);
        run = i + 1;
    }
    if (n > run)
        FCGX_PutStr(s + run, (int)(n - run), out);
}

static void
respond_error(FCGX_Request *req, const char *status)
{
    put(req->out, "Status: ");
    put(req->out, status);
    put(req->out, "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    put(req->out, status);
    put(req->out, "\n");
}

/* Prepares the statement on a fresh or reset connection. */
static int
prepare(void)
{
    PGresult *res = PQprepare(conn, stmt_name, stmt_sql, 1, NULL);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;

    if (!ok)
        fprintf(stderr, "query: prepare: %s", PQerrorMessage(conn));
    PQclear(res);
    return ok ? 0 : -1;
}

static int
query_init(const struct prefork_opts *opts)
{
    const char *conninfo =
        opts->extra != NULL ? opts->extra : getenv("GONGKAI_DSN");

    if (conninfo == NULL || conninfo[0] == '\0') {
        fprintf(stderr,
                "query: no CONNINFO argument and GONGKAI_DSN is not set\n");
        return -1;
    }
    conn = PQconnectdb(conninfo);
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "query: connect: %s", PQerrorMessage(conn));
        return -1;
    }
    return prepare();
}

/*
 * The value of offset= in the query string: 0 when absent, -1 when malformed or
 * out of range. Only decimal digits are accepted (no sign, no spaces, no
 * percent-encoding).
 */
static long
parse_offset(const char *qs)
{
    const char *p = qs;
    long v = 0;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, "offset=", 7) == 0) {
            p += 7;
            if (*p < '0' || *p > '9')
                return -1;
            for (; *p >= '0' && *p <= '9'; p++) {
                v = v * 10 + (*p - '0');
                if (v > QUERY_OFFSET_MAX)
                    return -1;
            }
            return *p == '\0' || *p == '&' ? v : -1;
        }
        p = strchr(p, '&');
        if (p != NULL)
            p++;
    }
    return 0;
}

static void
query_handle(FCGX_Request *req)
{
    char param[16];
    const char *values[1];
    PGresult *res = NULL;
    long offset;
    int row, col;

    offset = parse_offset(FCGX_GetParam("QUERY_STRING", req->envp));
    if (offset < 0) {
        respond_error(req, "400 Bad Request");
        return;
    }
    snprintf(param, sizeof(param), "%ld", offset);
    values[0] = param;

    res = PQexecPrepared(conn, stmt_name, 1, values, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "query: %s", PQerrorMessage(conn));
        PQclear(res);
        respond_error(req, "503 Service Unavailable");
        /* A lost connection is restored for the next request; this one has
         * failed. */
        if (PQstatus(conn) == CONNECTION_BAD) {
            PQreset(conn);
            if (PQstatus(conn) == CONNECTION_OK)
                prepare();
        }
        return;
    }

    put(req->out,
        "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
    FCGX_PutStr(page_head, (int)(sizeof(page_head) - 1), req->out);
    for (row = 0; row < PQntuples(res); row++) {
        put(req->out, "<tr>");
        for (col = 0; col < PQnfields(res); col++) {
            put(req->out, "<td>");
            put_escaped(req->out, PQgetvalue(res, row, col),
                        (size_t)PQgetlength(res, row, col));
            put(req->out, "</td>");
        }
        put(req->out, "</tr>\n");
    }
    FCGX_PutStr(page_tail, (int)(sizeof(page_tail) - 1), req->out);
    PQclear(res);
}

int
main(int argc, char **argv)
{
    static const struct prefork_app app = {
        "query", "[-u USER] SOCKET [WORKERS] [CONNINFO]", 3, query_init,
        query_handle};
    struct prefork_opts opts;

    if (prefork_parse(argc, argv, &app, &opts) != 0)
        return 2;
    return prefork_run(&opts, &app);
}
