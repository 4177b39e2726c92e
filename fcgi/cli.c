#include "cli.h"

#include <getopt.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "crypt.h"
#include "db.h"
#include "disclosure.h" /* disclosure: */
#include "keys.h"
#include "meetings.h"  /* meetings: */
#include "openmonth.h" /* openmonth: */
#include "router.h"
#include "valid.h"

static PGconn *
owner_connect(void)
{
    PGconn *c = PQconnectdb(cfg.owner_dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "gongkai: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

static bool
user_exists(PGconn *c, struct keys *ks, struct arena *a, const char *norm)
{
    unsigned char idx[INDEX_BYTES];
    crypt_index(ks, "users.login", norm, strlen(norm), idx);
    const char *p[] = {bytea_hex(a, idx, sizeof(idx))};
    PGresult *res = db_cli_exec(c, STMT_cli_user_exists, 1, p);
    bool yes = res != NULL && PQntuples(res) == 1;
    PQclear(res);
    return yes;
}

/* Creates one staff account, or (update) updates an existing one; 0 ok. */
static int
staff_upsert(PGconn *c, struct keys *ks, struct arena *a, const char *login,
             const char *pw, const char *dept, const char *role,
             const char *name, bool update)
{
    const char *norm = valid_staff_login(a, login);
    char pwh[PW_HASH_MAX];
    unsigned char idx[INDEX_BYTES];
    size_t elen;
    if (norm == NULL) {
        fprintf(stderr, "gongkai: login must be 3-32 of a-z 0-9 . _ -\n");
        return -1;
    }
    if (strlen(pw) < 10) {
        fprintf(stderr, "gongkai: password must have at least 10 "
                        "characters\n");
        return -1;
    }
    if (strcmp(role, "staff") != 0 && strcmp(role, "admin") != 0) {
        fprintf(stderr, "gongkai: role must be staff or admin\n");
        return -1;
    }
    if (crypt_pw_hash(pw, pwh) != 0)
        return -1;
    crypt_index(ks, "users.login", norm, strlen(norm), idx);
    unsigned char *enc =
        crypt_seal(a, ks, "users.login", norm, strlen(norm), &elen);
    const char *p[] = {role,
                       bytea_hex(a, idx, sizeof(idx)),
                       bytea_hex(a, enc, elen),
                       norm,
                       name ? name : norm,
                       pwh,
                       dept};
    PGresult *res = db_cli_exec(
        c, update ? STMT_cli_staff_upsert : STMT_cli_staff_insert, 7, p);
    if (res == NULL)
        return -1;
    int n = PQntuples(res);
    PQclear(res);
    if (n != 1 && (update || !user_exists(c, ks, a, norm))) {
        fprintf(stderr,
                "gongkai: no department with code or name \"%s\" "
                "(gongkai staff add --help lists them)\n",
                dept);
        return -1;
    }
    return 0;
}

static void
list_departments(void)
{
    PGconn *c = owner_connect();
    if (c == NULL)
        return;
    PGresult *res = db_cli_exec(c, STMT_cli_dept_list, 0, NULL);
    for (int i = 0; res && i < PQntuples(res); i++)
        printf("  %-8s %s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
    PQclear(res);
    PQfinish(c);
}

int
cli_staff_add(int argc, char **argv)
{
    static const struct option opts[] = {
        {"login", required_argument, NULL, 'l'},
        {"password", required_argument, NULL, 'p'},
        {"dept", required_argument, NULL, 'd'},
        {"role", required_argument, NULL, 'r'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *login = NULL, *pw = NULL, *dept = NULL, *role = "staff",
               *name = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'l': login = optarg; break;
        case 'p': pw = optarg; break;
        case 'd': dept = optarg; break;
        case 'r': role = optarg; break;
        case 'n': name = optarg; break;
        default:
            printf("usage: gongkai staff add --login L --password P "
                   "--dept D --role staff|admin [--name NAME]\n"
                   "  creates the account, or updates it (and logs it out "
                   "everywhere) if it exists.\n  departments:\n");
            list_departments();
            return ch == 'h' ? 0 : 2;
        }
    }
    if (login == NULL || pw == NULL || dept == NULL) {
        fprintf(stderr, "gongkai staff add: --login, --password and --dept "
                        "are required (--help)\n");
        return 2;
    }
    struct keys *ks = keys_load(cfg.keys);
    PGconn *c = ks ? owner_connect() : NULL;
    struct arena a;
    arena_init(&a, 4096);
    int rc = 1;
    if (c != NULL &&
        staff_upsert(c, ks, &a, login, pw, dept, role, name, true) == 0)
        rc = 0;
    if (rc == 0)
        printf("staff account %s ready (%s, %s)\n", login, role, dept);
    arena_free(&a);
    PQfinish(c);
    keys_free(ks);
    return rc;
}

/* Demo accounts: public knowledge, created only when GONGKAI_DEMO != 0
 * (scripts/demo-logins.txt lists them for `make run`). */
static const struct {
    const char *login, *pw, *dept, *role, *name;
} demo_staff[] = {
    {"admin", "gongkai-admin-2024", "qfb", "admin", "区府办管理员"},
    {"qfb.staff", "gongkai-staff-2024", "qfb", "staff", "区府办 王敏"},
    {"mzj.staff", "gongkai-staff-2024", "mzj", "staff", "区民政局 李强"},
    {"hyl.staff", "gongkai-staff-2024", "hyl", "staff", "华阳路街道 陈静"},
};

static int
demo_citizen(PGconn *c, struct keys *ks, struct arena *a)
{
    const char *norm = "13800138000";
    char pwh[PW_HASH_MAX];
    if (user_exists(c, ks, a, norm))
        return 0;
    unsigned char idx[INDEX_BYTES];
    size_t elen;
    if (crypt_pw_hash("gongkai-citizen-2024", pwh) != 0)
        return -1;
    crypt_index(ks, "users.login", norm, strlen(norm), idx);
    unsigned char *enc =
        crypt_seal(a, ks, "users.login", norm, strlen(norm), &elen);
    const char *p[] = {bytea_hex(a, idx, sizeof(idx)), bytea_hex(a, enc, elen),
                       mask_login(a, norm, LOGIN_MOBILE), "张三", pwh};
    PGresult *res = db_cli_exec(c, STMT_cli_citizen_upsert, 5, p);
    PQclear(res);
    return res ? 0 : -1;
}

/* Demo content of the modules, run after the demo accounts exist; each
 * must be idempotent (a restart runs it again). A module adds its step. */
static int (*const demo_steps[])(PGconn *, struct keys *, struct arena *) = {
    NULL, /* placeholder so the array is never empty */
    /* board: */
    board_demo,
    /* disclosure: */
    disclosure_demo,
    /* meetings: */
    meetings_demo,
    /* openmonth: */
    om_demo,
};

int
cli_demo(void)
{
    struct keys *ks = keys_load(cfg.keys);
    PGconn *c = ks ? owner_connect() : NULL;
    struct arena a;
    int rc = c ? 0 : 1;
    arena_init(&a, 4096);
    for (size_t i = 0; rc == 0 && i < sizeof(demo_staff) / sizeof(*demo_staff);
         i++)
        if (!user_exists(c, ks, &a, demo_staff[i].login) &&
            staff_upsert(c, ks, &a, demo_staff[i].login, demo_staff[i].pw,
                         demo_staff[i].dept, demo_staff[i].role,
                         demo_staff[i].name, false) != 0)
            rc = 1;
    if (rc == 0 && demo_citizen(c, ks, &a) != 0)
        rc = 1;
    for (size_t i = 0;
         rc == 0 && i < sizeof(demo_steps) / sizeof(demo_steps[0]); i++)
        if (demo_steps[i] != NULL && demo_steps[i](c, ks, &a) != 0)
            rc = 1;
    if (rc == 0)
        printf("demo data ready\n");
    arena_free(&a);
    PQfinish(c);
    keys_free(ks);
    return rc;
}

int
cli_routes(void)
{
    static const char *const flags[] = {"", " dept", " upload", " dept,upload"};
    for (size_t i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        const char *f = flags[rt->flags & 3];
        if (rt->methods & M_GET)
            printf("GET %s %s%s\n", rt->pattern, access_name(rt->access), f);
        if (rt->methods & M_POST)
            printf("POST %s %s%s\n", rt->pattern, access_name(rt->access), f);
    }
    return 0;
}
