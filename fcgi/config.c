#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct config cfg;

enum ctype { C_STR, C_LONG, C_BOOL };

struct cdef {
    const char *env; /* variable name */
    enum ctype type;
    void *target;    /* field of cfg */
    size_t size;     /* for strings: capacity */
    const char *def; /* default; may use @VAR@ for the instance dir */
    long min, max;   /* range for numbers */
};

static const struct cdef defs[] = {
    {"GONGKAI_DSN", C_STR, cfg.dsn, sizeof(cfg.dsn),
     "host=@VAR@/run dbname=gongkai user=gongkai_app "
     "passfile=@VAR@/secrets/pgpass",
     0, 0},
    {"GONGKAI_OWNER_DSN", C_STR, cfg.owner_dsn, sizeof(cfg.owner_dsn),
     "host=@VAR@/run dbname=gongkai user=gongkai_owner "
     "passfile=@VAR@/secrets/pgpass",
     0, 0},
    {"GONGKAI_KEYS", C_STR, cfg.keys, sizeof(cfg.keys),
     "@VAR@/keys/gongkai.keys", 0, 0},
    {"GONGKAI_SOCKET", C_STR, cfg.socket, sizeof(cfg.socket),
     "@VAR@/run/gongkai.sock", 0, 0},
    {"GONGKAI_WORKERS", C_LONG, &cfg.workers, 0, "0", 0, 256},
    {"GONGKAI_BODY_MAX", C_LONG, &cfg.body_max, 0, "1048576", 1024, 64L << 20},
    {"GONGKAI_UPLOAD_MAX", C_LONG, &cfg.upload_max, 0, "57671680", 1024,
     256L << 20},
    {"GONGKAI_SESSION_HOURS", C_LONG, &cfg.session_hours, 0, "8", 1, 720},
    {"GONGKAI_LOGIN_FAIL_ACCOUNT", C_LONG, &cfg.login_fail_account, 0, "5", 1,
     1000},
    {"GONGKAI_LOGIN_FAIL_ADDR", C_LONG, &cfg.login_fail_addr, 0, "30", 1,
     100000},
    {"GONGKAI_SECURE_COOKIES", C_BOOL, &cfg.secure_cookies, 0, "0", 0, 1},
    /* scale-out: read-only pages from a standby (README "Scaling out") */
    {"GONGKAI_READ_DSN", C_STR, cfg.read_dsn, sizeof(cfg.read_dsn), "", 0, 0},
    {"GONGKAI_READ_PATHS", C_STR, cfg.read_paths, sizeof(cfg.read_paths), "", 0,
     0},
};

/* Replaces every @VAR@ in def with the instance directory. */
static int
expand(char *dst, size_t cap, const char *def)
{
    size_t o = 0;
    for (const char *p = def; *p;) {
        const char *s = strstr(p, "@VAR@");
        size_t lit = s ? (size_t)(s - p) : strlen(p);
        size_t add = s ? strlen(cfg.var) : 0;
        if (o + lit + add >= cap)
            return -1;
        memcpy(dst + o, p, lit);
        o += lit;
        if (s == NULL)
            break;
        memcpy(dst + o, cfg.var, add);
        o += add;
        p = s + 5;
    }
    dst[o] = '\0';
    return 0;
}

static int
set_one(const struct cdef *d)
{
    const char *v = getenv(d->env);
    char tmp[1024];
    if (v == NULL || *v == '\0') {
        if (expand(tmp, sizeof(tmp), d->def) != 0)
            goto bad;
        v = tmp;
    }
    if (d->type == C_STR) {
        if (strlen(v) >= d->size)
            goto bad;
        memcpy(d->target, v, strlen(v) + 1);
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || n < d->min || n > d->max)
        goto bad;
    if (d->type == C_BOOL)
        *(bool *)d->target = n != 0;
    else
        *(long *)d->target = n;
    return 0;
bad:
    fprintf(stderr, "gongkai: invalid %s=\"%s\"\n", d->env, v ? v : "");
    return -1;
}

int
config_load(void)
{
    const char *var = getenv("GONGKAI_VAR");
    char cwd[PATH_MAX];
    if (var == NULL || *var == '\0')
        var = "var";
    if (var[0] == '/') {
        snprintf(cfg.var, sizeof(cfg.var), "%s", var);
    } else {
        if (getcwd(cwd, sizeof(cwd)) == NULL ||
            (size_t)snprintf(cfg.var, sizeof(cfg.var), "%s/%s", cwd, var) >=
                sizeof(cfg.var)) {
            fprintf(stderr, "gongkai: GONGKAI_VAR path too long\n");
            return -1;
        }
    }
    int rc = 0;
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
        if (set_one(&defs[i]) != 0)
            rc = -1;
    /* Four per core: a worker is single-threaded and holds one PostgreSQL
     * connection, and every write waits for its commit's WAL flush. With two
     * per core the cores sat idle 15-25 % during a sign-up rush while all
     * workers waited on the same flush; with four, commits share flushes
     * (0.30-0.34 instead of 0.55 flushes a sign-up) and sign-ups/s rose by a
     * fifth (docs/openmonth.md "Workers"). */
    if (rc == 0 && cfg.workers == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        cfg.workers = cores > 0 ? 4 * cores : 4;
    }
    return rc;
}
