/*
 * router: the one table of every route (routes.c). A path that no route
 * matches does not exist (404); a path matched with another method answers
 * 405 with Allow. Each route declares the access it needs; the dispatcher
 * enforces it before the handler runs, and checks CSRF on every POST.
 *
 * Patterns are literal segments and captures: "{id}" matches a decimal id
 * (1-18 digits), "{key}" a segment of [A-Za-z0-9_.-] (1-64 chars). Captured
 * values are in r->args[] in order.
 */
#ifndef GK_ROUTER_H
#define GK_ROUTER_H

#include <stddef.h>

#include "app.h"

enum access {
    ACC_PUBLIC,  /* anyone */
    ACC_CITIZEN, /* any logged-in user */
    ACC_STAFF,   /* staff or admin */
    ACC_ADMIN,   /* admin only */
    ACC__MAX
};

enum route_flag {
    RF_DEPT = 1,   /* the record must belong to the staff member's department
                      (admins: any); the handler calls access_dept() with
                      the record's department */
    RF_UPLOAD = 2, /* multipart uploads: GONGKAI_UPLOAD_MAX instead of
                      GONGKAI_BODY_MAX */
    RF_NOFORM = 4, /* POST without form_id (logout buttons, JSON tools) */
    RF_EPOCH = 8,  /* ACC_CITIZEN POSTs whose one statement checks the
                      session itself: the dispatcher verifies the signed
                      token only, and the handler passes r->ident's user
                      and epoch to a statement that changes nothing unless
                      the account still has that epoch (om_signup_once).
                      It saves the account's lookup, a round trip. */
};

typedef void (*handler_fn)(struct req *r);

struct route {
    unsigned methods;    /* M_GET | M_POST ... (HEAD follows GET) */
    const char *pattern; /* "/policies/{id}" */
    handler_fn fn;
    enum access access;
    unsigned flags; /* enum route_flag */
};

extern const struct route routes[];
extern const size_t nroutes;

const char *access_name(enum access a);

enum match {
    MATCH_OK,
    MATCH_NONE,   /* 404 */
    MATCH_METHOD, /* 405; *allow has the methods of matching patterns */
};

/* Pure matching against a table (the real one or a test's). */
enum match router_match(const struct route *tab, size_t n, const char *path,
                        enum method m, const struct route **out,
                        const char **args, int *nargs, unsigned *allow,
                        char *argbuf, size_t argcap);

/* Does the user meet the level? (NULL user = anonymous) */
int access_check(const struct user *u, enum access need);
/* For RF_DEPT routes: may this user act on a record of department dept? */
int access_dept(const struct req *r, int32_t dept);

#endif
