/*
 * Unit tests for fcgi/router.c (matching, access levels) and for the real
 * route table in fcgi/routes.c.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "router.h"

static void
h_dummy(struct req *r)
{
    (void)r;
}

enum { R_HOME, R_POLICIES, R_POLICY, R_ICS, R_CANCEL, R_RECEIPT, R_N };

static const struct route tab[] = {
    [R_HOME] = {M_GET, "/", h_dummy, ACC_PUBLIC, 0},
    [R_POLICIES] = {M_GET | M_POST, "/policies", h_dummy, ACC_PUBLIC, 0},
    [R_POLICY] = {M_GET, "/policies/{id}", h_dummy, ACC_PUBLIC, 0},
    [R_ICS] = {M_GET, "/open-month/{id}.ics", h_dummy, ACC_PUBLIC, 0},
    [R_CANCEL] = {M_POST, "/me/tickets/{key}/cancel", h_dummy, ACC_CITIZEN, 0},
    [R_RECEIPT] = {M_GET, "/disclosure/receipt/{key}", h_dummy, ACC_PUBLIC, 0},
};

struct fx {
    const struct route *rt;
    const char *args[REQ_MAX_ARGS];
    int nargs;
    unsigned allow;
    char argbuf[256];
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    free(*state);
    return 0;
}

static enum match
match(struct fx *f, const char *path, enum method m)
{
    f->nargs = -1;
    f->allow = 0xdead;
    return router_match(tab, R_N, path, m, &f->rt, f->args, &f->nargs,
                        &f->allow, f->argbuf, sizeof(f->argbuf));
}

static void
expect_route(struct fx *f, const char *path, enum method m, int row)
{
    enum match e = match(f, path, m);
    if (e != MATCH_OK)
        fail_msg("%s: got %d, want MATCH_OK", path, e);
    assert_ptr_equal(f->rt, &tab[row]);
}

static void
expect_none(struct fx *f, const char *path, enum method m)
{
    enum match e = match(f, path, m);
    if (e != MATCH_NONE)
        fail_msg("\"%s\": got %d, want MATCH_NONE", path, e);
    assert_null(f->rt);
    assert_int_equal(f->nargs, 0);
    assert_int_equal(f->allow, 0);
}

static void
test_literal_routes(void **state)
{
    struct fx *f = *state;
    expect_route(f, "/", M_GET, R_HOME);
    assert_int_equal(f->nargs, 0);
    expect_route(f, "/policies", M_GET, R_POLICIES);
    assert_int_equal(f->nargs, 0);
    expect_route(f, "/policies", M_POST, R_POLICIES);
}

static void
test_id_capture(void **state)
{
    struct fx *f = *state;
    expect_route(f, "/policies/42", M_GET, R_POLICY);
    assert_int_equal(f->nargs, 1);
    assert_string_equal(f->args[0], "42");
    expect_route(f, "/policies/1", M_GET, R_POLICY);
    assert_string_equal(f->args[0], "1");
    expect_route(f, "/policies/123456789012345678", M_GET, R_POLICY);
    assert_string_equal(f->args[0], "123456789012345678");
    expect_route(f, "/policies/900000000000000000", M_GET, R_POLICY);
}

static void
test_id_refusals(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "/policies/0",
        "/policies/01",
        "/policies/007",
        "/policies/abc",
        "/policies/1234567890123456789", /* 19 digits */
        "/policies/-1",
        "/policies/+1",
        "/policies/1a",
        "/policies/1.0",
        "/policies/1%20",
        "/policies/ 1",
        "/policies/１", /* full-width digit */
        "/policies/",
        "/policies/1/",
        "/policies/1/2",
        "/policies//1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_none(f, bad[i], M_GET);
}

static void
test_ics_suffix(void **state)
{
    struct fx *f = *state;
    expect_route(f, "/open-month/12.ics", M_GET, R_ICS);
    assert_int_equal(f->nargs, 1);
    assert_string_equal(f->args[0], "12");
    expect_route(f, "/open-month/202401.ics", M_GET, R_ICS);
    assert_string_equal(f->args[0], "202401");
    static const char *const bad[] = {
        "/open-month/12",      "/open-month/12.ic",      "/open-month/12.icsx",
        "/open-month/.ics",    "/open-month/0.ics",      "/open-month/ab.ics",
        "/open-month/12.ics/", "/open-month/12.ics.ics", "/open-month/12.ICS",
        "/open-month/12x.ics",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_none(f, bad[i], M_GET);
}

static void
test_key_capture(void **state)
{
    struct fx *f = *state;
    expect_route(f, "/me/tickets/AbC_1.2-3/cancel", M_POST, R_CANCEL);
    assert_int_equal(f->nargs, 1);
    assert_string_equal(f->args[0], "AbC_1.2-3");
    expect_route(f, "/disclosure/receipt/Zx9-_", M_GET, R_RECEIPT);
    assert_string_equal(f->args[0], "Zx9-_");

    char path[200], key[70];
    memset(key, 'k', 64);
    key[64] = '\0';
    snprintf(path, sizeof(path), "/disclosure/receipt/%s", key);
    expect_route(f, path, M_GET, R_RECEIPT);
    assert_string_equal(f->args[0], key);
    key[64] = 'k';
    key[65] = '\0';
    snprintf(path, sizeof(path), "/disclosure/receipt/%s", key);
    expect_none(f, path, M_GET);
}

static void
test_key_refusals(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "/me/tickets/a/b/cancel",  "/me/tickets//cancel",
        "/me/tickets/a b/cancel",  "/me/tickets/a%2Fb/cancel",
        "/me/tickets/中文/cancel", "/me/tickets/a~b/cancel",
        "/me/tickets/a/cancel/",   "/me/tickets/a/cancelx",
        "/me/tickets/a",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_none(f, bad[i], M_POST);
    expect_none(f, "/disclosure/receipt/a/b", M_GET);
    expect_none(f, "/disclosure/receipt/", M_GET);
}

static void
test_head_follows_get(void **state)
{
    struct fx *f = *state;
    expect_route(f, "/", M_HEAD, R_HOME);
    expect_route(f, "/policies/7", M_HEAD, R_POLICY);
    assert_string_equal(f->args[0], "7");
    /* HEAD on a POST-only route is a method error, not a match. */
    assert_int_equal(match(f, "/me/tickets/k/cancel", M_HEAD), MATCH_METHOD);
    assert_int_equal(f->allow, M_POST);
}

static void
test_method_mismatch(void **state)
{
    struct fx *f = *state;
    assert_int_equal(match(f, "/policies/5", M_POST), MATCH_METHOD);
    assert_int_equal(f->allow, M_GET);
    assert_null(f->rt);
    assert_int_equal(f->nargs, 0);

    assert_int_equal(match(f, "/me/tickets/k/cancel", M_GET), MATCH_METHOD);
    assert_int_equal(f->allow, M_POST);

    assert_int_equal(match(f, "/", M_POST), MATCH_METHOD);
    assert_int_equal(f->allow, M_GET);

    assert_int_equal(match(f, "/open-month/3.ics", M_POST), MATCH_METHOD);
    assert_int_equal(f->allow, M_GET);
}

/* Two rows, same path, different methods: the allow set is their union;
 * the right row is chosen for each method. */
static void
test_allow_union(void **state)
{
    struct fx *f = *state;
    static const struct route t2[] = {
        {M_GET, "/items/{id}", h_dummy, ACC_PUBLIC, 0},
        {M_POST, "/items/{id}", h_dummy, ACC_STAFF, 0},
        {M_POST, "/items/{key}", h_dummy, ACC_ADMIN, 0},
    };
    const struct route *rt;
    unsigned allow;
    assert_int_equal(router_match(t2, 3, "/items/9", M_POST, &rt, f->args,
                                  &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_OK);
    assert_ptr_equal(rt, &t2[1]); /* first matching row wins */
    assert_int_equal(router_match(t2, 3, "/items/abc", M_GET, &rt, f->args,
                                  &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_METHOD);
    assert_int_equal(allow, M_POST);
    static const struct route t3[] = {
        {M_GET, "/x", h_dummy, ACC_PUBLIC, 0},
        {M_POST, "/x", h_dummy, ACC_PUBLIC, 0},
    };
    assert_int_equal(router_match(t3, 2, "/x", M_HEAD, &rt, f->args, &f->nargs,
                                  &allow, f->argbuf, sizeof(f->argbuf)),
                     MATCH_OK);
    assert_ptr_equal(rt, &t3[0]);
}

static void
test_unknown_and_slashes(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "",
        "//",
        "/policies/",
        "//policies",
        "/policies//",
        "/Policies",
        "/policiesX",
        "/policie",
        "/nope",
        "/./policies",
        "/policies/../policies",
        "policies",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_none(f, bad[i], M_GET);
        expect_none(f, bad[i], M_POST);
    }
}

/* Captures never overflow the caller's buffer or the args array. */
static void
test_capture_limits(void **state)
{
    struct fx *f = *state;
    const struct route *rt;
    unsigned allow;
    char small[4];
    assert_int_equal(router_match(tab, R_N, "/policies/12345", M_GET, &rt,
                                  f->args, &f->nargs, &allow, small,
                                  sizeof(small)),
                     MATCH_NONE);
    assert_int_equal(router_match(tab, R_N, "/policies/123", M_GET, &rt,
                                  f->args, &f->nargs, &allow, small,
                                  sizeof(small)),
                     MATCH_OK);
    assert_string_equal(f->args[0], "123");

    static const struct route many[] = {
        {M_GET, "/a/{id}/{id}/{id}/{id}", h_dummy, ACC_PUBLIC, 0},
        {M_GET, "/b/{id}/{id}/{id}/{id}/{id}", h_dummy, ACC_PUBLIC, 0},
        {M_GET, "/c/{id}/x/{key}", h_dummy, ACC_PUBLIC, 0},
    };
    assert_int_equal(router_match(many, 3, "/a/1/2/3/4", M_GET, &rt, f->args,
                                  &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_OK);
    assert_int_equal(f->nargs, 4);
    assert_string_equal(f->args[0], "1");
    assert_string_equal(f->args[3], "4");
    assert_int_equal(router_match(many, 3, "/b/1/2/3/4/5", M_GET, &rt, f->args,
                                  &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_NONE);
    assert_int_equal(router_match(many, 3, "/c/77/x/key.v2", M_GET, &rt,
                                  f->args, &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_OK);
    assert_int_equal(f->nargs, 2);
    assert_string_equal(f->args[0], "77");
    assert_string_equal(f->args[1], "key.v2");
}

/* ---- access ---- */

static const struct user citizen = {.id = 1, .role = ROLE_CITIZEN};
static const struct user staff = {.id = 2, .role = ROLE_STAFF, .dept = 3};
static const struct user admin = {.id = 3, .role = ROLE_ADMIN, .dept = 1};

static void
test_access_matrix(void **state)
{
    (void)state;
    const struct user *who[] = {NULL, &citizen, &staff, &admin};
    /*                          anon citizen staff admin */
    static const int want[ACC__MAX][4] = {
        [ACC_PUBLIC] = {1, 1, 1, 1},
        [ACC_CITIZEN] = {0, 1, 1, 1},
        [ACC_STAFF] = {0, 0, 1, 1},
        [ACC_ADMIN] = {0, 0, 0, 1},
    };
    for (int lvl = 0; lvl < ACC__MAX; lvl++)
        for (int u = 0; u < 4; u++)
            if (!!access_check(who[u], (enum access)lvl) != want[lvl][u])
                fail_msg("access_check(user %d, %s) != %d", u,
                         access_name((enum access)lvl), want[lvl][u]);
    /* Out-of-range levels deny everyone. */
    for (int u = 0; u < 4; u++)
        assert_false(access_check(who[u], ACC__MAX));
}

static void
test_access_dept(void **state)
{
    (void)state;
    struct req r;
    memset(&r, 0, sizeof(r));
    struct user s = staff, a = admin, c = citizen;

    r.user = &s;
    assert_true(access_dept(&r, 3));
    assert_false(access_dept(&r, 4));
    assert_false(access_dept(&r, 0));
    r.user = &a;
    assert_true(access_dept(&r, 1));
    assert_true(access_dept(&r, 3));
    assert_true(access_dept(&r, 999));
    r.user = &c;
    assert_false(access_dept(&r, 0));
    assert_false(access_dept(&r, 3));
    r.user = NULL;
    assert_false(access_dept(&r, 0));
    assert_false(access_dept(&r, 3));
}

static void
test_access_names(void **state)
{
    (void)state;
    assert_string_equal(access_name(ACC_PUBLIC), "public");
    assert_string_equal(access_name(ACC_CITIZEN), "citizen");
    assert_string_equal(access_name(ACC_STAFF), "staff");
    assert_string_equal(access_name(ACC_ADMIN), "admin");
    assert_string_equal(access_name(ACC__MAX), "?");
}

/* ---- the real table ---- */

/* A concrete path for a pattern: {id} -> 1, {key} -> k. */
static void
sample_path(const char *pat, char *out, size_t cap)
{
    size_t j = 0;
    for (const char *p = pat; *p && j + 2 < cap;) {
        if (strncmp(p, "{id}", 4) == 0) {
            out[j++] = '1';
            p += 4;
        } else if (strncmp(p, "{key}", 5) == 0) {
            out[j++] = 'k';
            p += 5;
        } else {
            out[j++] = *p++;
        }
    }
    out[j] = '\0';
}

static void
test_table_shape(void **state)
{
    (void)state;
    assert_true(nroutes > 0);
    for (size_t i = 0; i < nroutes; i++) {
        const struct route *r = &routes[i];
        assert_non_null(r->pattern);
        if (r->pattern[0] != '/')
            fail_msg("row %zu: pattern \"%s\" does not start with '/'", i,
                     r->pattern);
        assert_non_null(r->fn);
        assert_true(r->methods != 0);
        assert_int_equal(r->methods & ~(unsigned)(M_GET | M_POST | M_HEAD), 0);
        assert_true(r->access < ACC__MAX);
        assert_int_equal(
            r->flags & ~(unsigned)(RF_DEPT | RF_UPLOAD | RF_NOFORM | RF_EPOCH),
            0);
        /* The dispatcher checks only the token of an RF_EPOCH route: the
         * account is the handler's, which only a citizen's POST can do. */
        if ((r->flags & RF_EPOCH) &&
            (r->access != ACC_CITIZEN || r->methods != M_POST))
            fail_msg("row %zu: RF_EPOCH on \"%s\" that is not an "
                     "ACC_CITIZEN POST",
                     i, r->pattern);
        /* Only known captures, and no more than a request can hold. */
        int caps = 0;
        for (const char *p = strchr(r->pattern, '{'); p != NULL;
             p = strchr(p + 1, '{')) {
            caps++;
            if (strncmp(p, "{id}", 4) != 0 && strncmp(p, "{key}", 5) != 0)
                fail_msg("row %zu: unknown capture in \"%s\"", i, r->pattern);
        }
        assert_true(caps <= REQ_MAX_ARGS);
        /* No trailing slash except the root. */
        size_t len = strlen(r->pattern);
        if (len > 1 && r->pattern[len - 1] == '/')
            fail_msg("row %zu: trailing slash in \"%s\"", i, r->pattern);
    }
}

static void
test_table_no_duplicates(void **state)
{
    (void)state;
    for (size_t i = 0; i < nroutes; i++)
        for (size_t j = i + 1; j < nroutes; j++)
            if (strcmp(routes[i].pattern, routes[j].pattern) == 0 &&
                (routes[i].methods & routes[j].methods) != 0)
                fail_msg("rows %zu and %zu: same pattern \"%s\" and method", i,
                         j, routes[i].pattern);
}

/* Every route answers each of its methods on a concrete path (no earlier
 * row shadows it). */
static void
test_table_every_route_reachable(void **state)
{
    struct fx *f = *state;
    static const enum method ms[] = {M_GET, M_POST};
    for (size_t i = 0; i < nroutes; i++) {
        char path[512];
        sample_path(routes[i].pattern, path, sizeof(path));
        for (size_t k = 0; k < 2; k++) {
            if (!(routes[i].methods & ms[k]))
                continue;
            const struct route *rt = NULL;
            unsigned allow;
            enum match e =
                router_match(routes, nroutes, path, ms[k], &rt, f->args,
                             &f->nargs, &allow, f->argbuf, sizeof(f->argbuf));
            if (e != MATCH_OK || rt != &routes[i])
                fail_msg("%s %s (row %zu) is not reachable",
                         ms[k] == M_GET ? "GET" : "POST", routes[i].pattern, i);
        }
    }
}

static void
test_table_admin_needs_staff(void **state)
{
    (void)state;
    for (size_t i = 0; i < nroutes; i++)
        if (strncmp(routes[i].pattern, "/admin", 6) == 0 &&
            routes[i].access != ACC_STAFF && routes[i].access != ACC_ADMIN)
            fail_msg("%s has access %s", routes[i].pattern,
                     access_name(routes[i].access));
}

/* The account pages a citizen needs exist with the documented methods. */
static void
test_table_core_routes(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *path;
        enum method m;
    } want[] = {
        {"/", M_GET},
        {"/account/login", M_GET},
        {"/account/login", M_POST},
        {"/account/register", M_POST},
        {"/account/logout", M_POST},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct route *rt;
        unsigned allow;
        assert_int_equal(router_match(routes, nroutes, want[i].path, want[i].m,
                                      &rt, f->args, &f->nargs, &allow,
                                      f->argbuf, sizeof(f->argbuf)),
                         MATCH_OK);
    }
    /* Logging out is a POST only (a GET link must not log anyone out). */
    const struct route *rt;
    unsigned allow;
    assert_int_equal(router_match(routes, nroutes, "/account/logout", M_GET,
                                  &rt, f->args, &f->nargs, &allow, f->argbuf,
                                  sizeof(f->argbuf)),
                     MATCH_METHOD);
    assert_int_equal(allow & M_GET, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_literal_routes),
        T(test_id_capture),
        T(test_id_refusals),
        T(test_ics_suffix),
        T(test_key_capture),
        T(test_key_refusals),
        T(test_head_follows_get),
        T(test_method_mismatch),
        T(test_allow_union),
        T(test_unknown_and_slashes),
        T(test_capture_limits),
        T(test_access_matrix),
        T(test_access_dept),
        T(test_access_names),
        T(test_table_shape),
        T(test_table_no_duplicates),
        T(test_table_every_route_reachable),
        T(test_table_admin_needs_staff),
        T(test_table_core_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
