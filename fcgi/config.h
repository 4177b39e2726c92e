/*
 * config: the instance's settings, read once at start from the environment
 * (one table of name, type, default, range; an invalid value stops the
 * program with a message). Values derived from GONGKAI_VAR follow the
 * instance layout of CONTRACT.md.
 */
#ifndef GK_CONFIG_H
#define GK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
    char var[512];           /* GONGKAI_VAR, absolute */
    char dsn[1024];          /* GONGKAI_DSN: the app's least-privilege role */
    char owner_dsn[1024];    /* GONGKAI_OWNER_DSN: migrations */
    char keys[600];          /* GONGKAI_KEYS: key file */
    char socket[600];        /* GONGKAI_SOCKET: FastCGI unix socket */
    long workers;            /* GONGKAI_WORKERS: 0 = 4 x cores */
    long body_max;           /* GONGKAI_BODY_MAX: bytes, ordinary routes */
    long upload_max;         /* GONGKAI_UPLOAD_MAX: bytes, upload routes */
    long session_hours;      /* GONGKAI_SESSION_HOURS: token lifetime */
    long login_fail_account; /* failures per account per 15 min */
    long login_fail_addr;    /* failures per address per 15 min */
    bool secure_cookies;     /* GONGKAI_SECURE_COOKIES: force Secure */
    /* scale-out: GETs under these path prefixes (space-separated) read
     * through a second connection, typically a hot standby (db.c). */
    char read_dsn[1024];  /* GONGKAI_READ_DSN: "" = off */
    char read_paths[512]; /* GONGKAI_READ_PATHS */
};

extern struct config cfg;

/* 0 ok; -1 with a message on stderr. */
int config_load(void) __attribute__((warn_unused_result));

#endif
