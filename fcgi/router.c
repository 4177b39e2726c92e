#include "router.h"

#include <string.h>

static const char *const access_names[ACC__MAX] = {
    [ACC_PUBLIC] = "public",
    [ACC_CITIZEN] = "citizen",
    [ACC_STAFF] = "staff",
    [ACC_ADMIN] = "admin",
};

const char *
access_name(enum access a)
{
    return a < ACC__MAX ? access_names[a] : "?";
}

static int
seg_ok(const char *cap, const char *s, size_t n)
{
    if (strncmp(cap, "{id}", 4) == 0) {
        if (n == 0 || n > 18)
            return 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] < '0' || s[i] > '9')
                return 0;
        return s[0] != '0';
    }
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Matches one pattern; captured segments are copied NUL-terminated into
 * argbuf. Returns 1 on a match. */
static int
match_one(const char *pat, const char *path, const char **args, int *nargs,
          char *argbuf, size_t argcap)
{
    size_t used = 0;
    *nargs = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pend = strchr(pat, '}');
            const char *sl = strchr(path, '/');
            size_t n = sl ? (size_t)(sl - path) : strlen(path);
            /* A capture may be followed by a literal suffix in the same
             * segment, as in "/open-month/{id}.ics". */
            const char *suffix = pend + 1;
            size_t sufl = strcspn(suffix, "/");
            if (sufl > 0) {
                if (n <= sufl || strncmp(path + n - sufl, suffix, sufl) != 0)
                    return 0;
                n -= sufl;
            }
            if (!seg_ok(pat, path, n) || *nargs >= REQ_MAX_ARGS ||
                used + n + 1 > argcap)
                return 0;
            memcpy(argbuf + used, path, n);
            argbuf[used + n] = '\0';
            args[(*nargs)++] = argbuf + used;
            used += n + 1;
            path += n + sufl;
            pat = suffix + sufl;
            continue;
        }
        if (*pat != *path)
            return 0;
        pat++;
        path++;
    }
    return *pat == '\0' && *path == '\0';
}

enum match
router_match(const struct route *tab, size_t n, const char *path, enum method m,
             const struct route **out, const char **args, int *nargs,
             unsigned *allow, char *argbuf, size_t argcap)
{
    unsigned want = m == M_HEAD ? M_GET : (unsigned)m;
    *allow = 0;
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!match_one(tab[i].pattern, path, args, nargs, argbuf, argcap))
            continue;
        if (tab[i].methods & want) {
            *out = &tab[i];
            return MATCH_OK;
        }
        *allow |= tab[i].methods;
    }
    *nargs = 0;
    return *allow ? MATCH_METHOD : MATCH_NONE;
}

int
access_check(const struct user *u, enum access need)
{
    switch (need) {
    case ACC_PUBLIC: return 1;
    case ACC_CITIZEN: return u != NULL;
    case ACC_STAFF:
        return u != NULL && (u->role == ROLE_STAFF || u->role == ROLE_ADMIN);
    case ACC_ADMIN: return u != NULL && u->role == ROLE_ADMIN;
    default: return 0;
    }
}

int
access_dept(const struct req *r, int32_t dept)
{
    const struct user *u = r->user;
    if (u == NULL)
        return 0;
    if (u->role == ROLE_ADMIN)
        return 1;
    return u->role == ROLE_STAFF && u->dept == dept;
}
