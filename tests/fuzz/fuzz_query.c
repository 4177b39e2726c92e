/*
 * Fuzzes what a request line carries before any handler runs, as req.c and
 * the dispatcher read it: the path through the route matcher (router.c,
 * the real table of routes.c) and the query string through
 * parse_urlencoded. Input: the first byte picks the method (GET, POST,
 * HEAD), the rest is "PATH?QUERY" split at the first '?'.
 *
 * Invariants: a match is exact (the pattern with the captured values put
 * back is the path again); an {id} capture is 1-18 digits without a
 * leading zero, a {key} capture 1-64 of [A-Za-z0-9_.-]; a 405 names the
 * methods of the matching patterns, never the one asked for; a 404 leaves
 * nothing captured; the query's fields hold what every parsed field list
 * guarantees (fuzz_check_params).
 */
#include "fuzz.h"

#include "app.h"
#include "buf.h"
#include "router.h"

static void
check_capture(const char *pat, const char *arg)
{
    size_t n = strlen(arg);
    if (strncmp(pat, "{id}", 4) == 0) {
        fuzz_check(n >= 1 && n <= 18 && arg[0] != '0', "bad {id} length");
        fuzz_check(strspn(arg, "0123456789") == n, "non-digit in {id}");
        return;
    }
    fuzz_check(n >= 1 && n <= 64, "bad {key} length");
    fuzz_check(strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                           "XYZ0123456789_.-") == n,
               "bad character in {key}");
}

/* The pattern with its captures put back. */
static const char *
rebuild(struct arena *a, const char *pat, const char **args, int nargs)
{
    struct buf b;
    buf_init(&b, a, 128);
    int i = 0;
    for (const char *p = pat; *p; p++) {
        if (*p != '{') {
            buf_putc(&b, *p);
            continue;
        }
        fuzz_check(i < nargs, "fewer captures than the pattern has");
        check_capture(p, args[i]);
        buf_puts(&b, args[i++]);
        p = strchr(p, '}');
    }
    fuzz_check(i == nargs, "more captures than the pattern has");
    return buf_cstr(&b);
}

static void
match_path(struct arena *a, enum method m, const char *path)
{
    const struct route *rt = NULL;
    const char *args[REQ_MAX_ARGS];
    int nargs = -1;
    unsigned allow = 0;
    char argbuf[256];
    enum match e = router_match(routes, nroutes, path, m, &rt, args, &nargs,
                                &allow, argbuf, sizeof(argbuf));
    unsigned want = m == M_HEAD ? M_GET : (unsigned)m;
    switch (e) {
    case MATCH_OK:
        fuzz_check(rt != NULL && (rt->methods & want), "matched a method");
        fuzz_check(strcmp(rebuild(a, rt->pattern, args, nargs), path) == 0,
                   "the match is not the path");
        break;
    case MATCH_METHOD:
        fuzz_check(allow != 0 && !(allow & want), "405 allows the method");
        fuzz_check(nargs == 0 && rt == NULL, "405 with a route");
        break;
    case MATCH_NONE:
        fuzz_check(nargs == 0 && rt == NULL && allow == 0, "404 with a route");
        break;
    default: fuzz_fail("unknown match result");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum method methods[] = {M_GET, M_POST, M_HEAD};
    struct arena *a = fuzz_arena();
    if (size < 1)
        return 0;
    enum method m = methods[data[0] % 3];
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    const char *q = memchr(s, '?', n);
    size_t pl = q ? (size_t)(q - s) : n;
    /* The path arrives as a C string (DOCUMENT_URI): it ends at a NUL. */
    const char *path = arena_strndup(a, s, pl);
    match_path(a, m, path);
    if (q != NULL) {
        struct params p = {0};
        size_t ql = n - pl - 1;
        enum parse_err e = parse_urlencoded(a, q + 1, ql, &p);
        fuzz_check(e < PARSE__MAX, "error code out of range");
        if (e == PARSE_OK)
            fuzz_check_params(&p);
        fuzz_check_memory(a, size);
    }
    arena_reset(a);
    return 0;
}
