/*
 * app: the two objects every handler sees.
 *
 * struct worker lives for the whole worker process: the database connection,
 * the keys, counters. struct req lives for one request and everything in it
 * comes from the request's arena; nothing of one request survives into the
 * next (no static buffers, no "current user" global).
 */
#ifndef GK_APP_H
#define GK_APP_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "keys.h"
#include "parse.h"
#include "sess.h"

struct route;
struct pagecache;
typedef struct FCGX_Request FCGX_Request;

struct worker {
    PGconn *pg;    /* one connection, statements prepared */
    bool prepared; /* all of sql/ prepared on pg */
    const struct keys *keys;
    long requests;     /* served since start */
    int64_t housekept; /* unix time of the last db_housekeeping */
    int pid;           /* getpid() once: the log line of every request has it */
    struct pagecache *pages; /* copies of public pages; NULL: none kept */
};

enum method {
    M_GET = 1,
    M_POST = 2,
    M_HEAD = 4,
};

/* The logged-in user, as the database says now (not as the token says). */
struct user {
    int64_t id;
    enum role role;
    int32_t dept;          /* 0 for citizens */
    const char *dept_name; /* NULL for citizens */
    const char *name;
    const char *login_masked;
    int32_t epoch;
};

struct resp {
    int status;        /* 0 until a handler decides */
    const char *ctype; /* Content-Type; text/html by default */
    struct buf hdr;    /* extra header lines, each "Name: value\r\n" */
    struct buf body;
};

#define REQ_MAX_ARGS 4

struct req {
    struct arena *a;
    struct worker *w;
    FCGX_Request *fcgi; /* NULL outside a FastCGI request */
    enum method method;
    const char *method_name;
    const char *path; /* decoded path, validated UTF-8 */
    const char *remote_addr;
    bool https;
    struct params query;
    struct params body;   /* urlencoded or multipart text fields */
    struct uploads files; /* multipart file parts */
    struct params cookies;
    const struct route *route;      /* matched route */
    const char *args[REQ_MAX_ARGS]; /* captured {params} of the pattern */
    int nargs;
    bool user_loaded;     /* req_user() has run */
    struct user *user;    /* NULL = anonymous */
    bool ident_checked;   /* req_ident() has run */
    struct ident ident;   /* the session token's signed claims (user 0:
                             none); the account itself is checked by
                             req_user(), or on RF_EPOCH routes by the
                             handler's own statement */
    const char *pre;      /* pre-session id (gk_pre cookie) */
    bool db_checked;      /* connection checked for this request */
    bool db_down;         /* a query failed for lost connection */
    const char *sqlstate; /* SQLSTATE of the last failed query */
    struct resp resp;
    int64_t now; /* unix seconds at request start */
};

#endif
