/* `gongkai import-policies FILE.xml` (plan tasks 62-64) and the board's
 * demo content.
 *
 * The file is parsed by libxml2 without network access (XML_PARSE_NONET)
 * and without entity substitution (no XML_PARSE_NOENT / DTDLOAD); a file
 * with a DOCTYPE is refused outright, so no entity can expand. It is then
 * validated against schema/policies.xsd, and its references and
 * departments are checked against the database, all before the first
 * write. Any problem refuses the whole file, naming the line and the
 * reason. The writes run in one transaction; a record equal to what is
 * stored is left alone, so importing a file twice changes nothing. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "board_import.h"
#include "config.h"
#include "crypt.h"
#include "db.h"
#include "keys.h"
#include "valid.h"

#define MAX_ERRORS 20

/* One record of the file, read after validation. */
struct rec {
    const char *key, *title, *doc_no, *dept, *date, *body, *interp;
    const char *dept_id; /* resolved */
    const char **related;
    size_t nrelated;
    long line;
};

struct import {
    PGconn *c;
    struct arena *a;
    const char *file;
    struct rec *recs;
    size_t n;
    int errors;
    bool quiet;
};

static void problem(struct import *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct import *im, long line, const char *fmt, ...)
{
    if (im->errors++ >= MAX_ERRORS || (im->quiet && im->c == NULL))
        return; /* quiet and no database: the fuzz harness */
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%ld: ", im->file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* libxml2's structured errors (parser and schema): file, line, message. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_t;
#else
typedef xmlErrorPtr xml_error_t;
#endif

static void
xml_error(void *ctx, xml_error_t e)
{
    struct import *im = ctx;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    problem(im, e->line, "%s", msg);
}

/* Where the schema and the sample file live: $GONGKAI_SHARE, else the
 * repository's schema/ next to the binary (bin/gongkai and
 * build/gongkai-san are both one level below the top). */
static const char *
share_path(struct arena *a, const char *name)
{
    const char *dir = getenv("GONGKAI_SHARE");
    if (dir != NULL && *dir)
        return arena_printf(a, "%s/%s", dir, name);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return arena_printf(a, "schema/%s", name);
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    return arena_printf(a, "%s/../schema/%s", exe, name);
}

/* Text of an element with each line trimmed and outer blank lines
 * dropped: documents are indented in XML, never in the page. */
static const char *
tidy_text(struct arena *a, xmlNode *n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    struct buf b;
    buf_init(&b, a, 256);
    const char *p = (const char *)raw;
    int blank = 0;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = valid_trim(a, arena_strndup(a, p, len));
        if (*line == '\0') {
            blank++;
        } else {
            if (b.len > 0)
                buf_puts(&b, blank ? "\n\n" : "\n");
            buf_puts(&b, line);
            blank = 0;
        }
        p = nl ? nl + 1 : p + len;
    }
    xmlFree(raw);
    return buf_cstr(&b);
}

static bool
is(xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

static void
read_rec(struct import *im, xmlNode *pn, struct rec *r)
{
    memset(r, 0, sizeof(*r));
    xmlChar *key = xmlGetProp(pn, (const xmlChar *)"key");
    r->key = arena_strdup(im->a, (const char *)key);
    xmlFree(key);
    r->line = xmlGetLineNo(pn);
    r->doc_no = r->interp = "";
    r->related = arena_alloc(im->a, 50 * sizeof(*r->related));
    for (xmlNode *c = pn->children; c; c = c->next) {
        if (is(c, "title"))
            r->title = tidy_text(im->a, c);
        else if (is(c, "docNo"))
            r->doc_no = tidy_text(im->a, c);
        else if (is(c, "dept"))
            r->dept = tidy_text(im->a, c);
        else if (is(c, "publishedOn"))
            r->date = tidy_text(im->a, c);
        else if (is(c, "body"))
            r->body = tidy_text(im->a, c);
        else if (is(c, "interpretation"))
            r->interp = tidy_text(im->a, c);
        else if (is(c, "related") && r->nrelated < 50) {
            xmlChar *ref = xmlGetProp(c, (const xmlChar *)"ref");
            r->related[r->nrelated++] = arena_strdup(im->a, (const char *)ref);
            xmlFree(ref);
        }
    }
}

static PGresult *
q1(struct import *im, enum stmt s, int n, const char *const *p)
{
    return db_cli_exec(im->c, s, n, p);
}

static bool
key_in_file(const struct import *im, const char *key)
{
    for (size_t i = 0; i < im->n; i++)
        if (strcmp(im->recs[i].key, key) == 0)
            return true;
    return false;
}

/* What the schema cannot know: departments, references to policies
 * imported before, and 文号 held by another record in the database. */
static void
check_rec(struct import *im, struct rec *r)
{
    const char *p[] = {r->dept};
    PGresult *res = q1(im, STMT_cli_board_dept, 1, p);
    if (res && PQntuples(res) == 1)
        r->dept_id = arena_strdup(im->a, PQgetvalue(res, 0, 0));
    else
        problem(im, r->line,
                "unknown department \"%s\" (gongkai staff add --help "
                "lists them)",
                r->dept);
    PQclear(res);
    for (size_t i = 0; i < r->nrelated; i++) {
        if (strcmp(r->related[i], r->key) == 0) {
            problem(im, r->line, "policy %s lists itself as related", r->key);
            continue;
        }
        if (key_in_file(im, r->related[i]))
            continue;
        const char *k[] = {r->related[i]};
        res = q1(im, STMT_cli_board_policy_key, 1, k);
        if (res == NULL || PQntuples(res) == 0)
            problem(im, r->line,
                    "related ref \"%s\" is neither in this file nor "
                    "imported before",
                    r->related[i]);
        PQclear(res);
    }
    if (*r->doc_no) {
        const char *d[] = {r->doc_no};
        res = q1(im, STMT_cli_board_doc_no_owner, 1, d);
        if (res && PQntuples(res) == 1 &&
            strcmp(PQgetvalue(res, 0, 0), r->key) != 0)
            problem(im, r->line,
                    "docNo \"%s\" belongs to another policy in the "
                    "database",
                    r->doc_no);
        PQclear(res);
    }
}

/* The pure half of the import, factored out so tests/fuzz/fuzz_policies.c
 * runs it on any bytes without a database: refuses a DOCTYPE, validates
 * doc against the schema and reads the records into im->recs. 0 ok, -1
 * refused (problems reported). */
static int
read_doc(struct import *im, xmlSchemaPtr schema, xmlDocPtr doc)
{
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        problem(im, xmlGetLineNo((xmlNodePtr)doc->intSubset), "%s",
                "DOCTYPE declarations are not allowed");
        return -1;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (vc == NULL)
        return -1;
    xmlSchemaSetValidStructuredErrors(vc, xml_error, im);
    bool bad = xmlSchemaValidateDoc(vc, doc) != 0 || im->errors > 0;
    xmlSchemaFreeValidCtxt(vc);
    if (bad)
        return -1;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *c = root->children; c; c = c->next)
        im->n += is(c, "policy");
    im->recs = arena_alloc(im->a, (im->n ? im->n : 1) * sizeof(*im->recs));
    size_t i = 0;
    for (xmlNode *c = root->children; c; c = c->next)
        if (is(c, "policy"))
            read_rec(im, c, &im->recs[i++]);
    return 0;
}

/* Parses and validates; fills im->recs. 0 ok, -1 refused. */
static int
load_file(struct import *im, const char *xsd)
{
    int rc = -1;
    xmlSchemaParserCtxtPtr pc = NULL;
    xmlSchemaPtr schema = NULL;
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        goto out;
    xmlSetStructuredErrorFunc(im, xml_error);
    pc = xmlSchemaNewParserCtxt(xsd);
    schema = pc ? xmlSchemaParse(pc) : NULL;
    if (schema == NULL) {
        fprintf(stderr, "gongkai: cannot read the schema %s\n", xsd);
        goto out;
    }
    doc = xmlCtxtReadFile(ctxt, im->file, NULL, XML_PARSE_NONET);
    if (doc == NULL) {
        if (im->errors == 0)
            problem(im, 0, "%s", "cannot read the file");
        goto out;
    }
    if (read_doc(im, schema, doc) != 0)
        goto out;
    for (size_t i = 0; i < im->n; i++)
        check_rec(im, &im->recs[i]);
    rc = im->errors > 0 ? -1 : 0;
out:
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* For the fuzz harness (board_import.h): the same parse options and
 * read_doc as load_file, on bytes in memory. */
long
board_import_parse(struct arena *a, void *schema, const char *xml, size_t n,
                   bool quiet)
{
    struct import im = {.a = a, .file = "(fuzz)", .quiet = quiet};
    long rc = -1;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL || n > INT_MAX)
        goto out;
    xmlSetStructuredErrorFunc(&im, xml_error);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)n, "policies.xml", NULL,
                                      XML_PARSE_NONET);
    if (doc != NULL && read_doc(&im, schema, doc) == 0)
        rc = (long)im.n;
    xmlFreeDoc(doc);
out:
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* Writes every record and link in one transaction. */
static int
write_all(struct import *im, int *added, int *changed)
{
    PGresult *begin = q1(im, STMT_cli_tx_begin, 0, NULL);
    if (begin == NULL)
        return -1;
    PQclear(begin);
    for (size_t i = 0; i < im->n; i++) {
        const struct rec *r = &im->recs[i];
        const char *p[] = {r->key,  r->title, r->doc_no, r->dept_id,
                           r->date, r->body,  r->interp};
        PGresult *res = q1(im, STMT_cli_board_policy_upsert, 7, p);
        if (res == NULL)
            goto fail;
        if (PQntuples(res) == 1)
            (*(strcmp(PQgetvalue(res, 0, 1), "t") == 0 ? added : changed))++;
        PQclear(res);
    }
    for (size_t i = 0; i < im->n; i++)
        for (size_t j = 0; j < im->recs[i].nrelated; j++) {
            const char *p[] = {im->recs[i].key, im->recs[i].related[j]};
            PGresult *res = q1(im, STMT_cli_board_link, 2, p);
            if (res == NULL)
                goto fail;
            PQclear(res);
        }
    PGresult *res = q1(im, STMT_cli_tx_commit, 0, NULL);
    if (res == NULL)
        goto fail;
    PQclear(res);
    return 0;
fail:
    PQclear(q1(im, STMT_cli_tx_rollback, 0, NULL));
    return -1;
}

/* The import on an open connection (the CLI's, or the demo's). */
static int
import_file(PGconn *c, struct arena *a, const char *file, bool quiet)
{
    struct import im = {.c = c, .a = a, .file = file, .quiet = quiet};
    int added = 0, changed = 0;
    if (load_file(&im, share_path(a, "policies.xsd")) != 0) {
        if (im.errors > MAX_ERRORS)
            fprintf(stderr, "%s: ... %d problems in all\n", file, im.errors);
        fprintf(stderr, "%s: refused, nothing was imported\n", file);
        return -1;
    }
    if (write_all(&im, &added, &changed) != 0) {
        fprintf(stderr,
                "%s: the database refused the import; nothing was "
                "imported\n",
                file);
        return -1;
    }
    if (!quiet)
        printf("%s: %zu policies: %d new, %d changed, %zu unchanged\n", file,
               im.n, added, changed, im.n - (size_t)added - (size_t)changed);
    return 0;
}

int
board_cli_import(int argc, char **argv)
{
    if (argc != 2 || strcmp(argv[1], "--help") == 0) {
        printf("usage: gongkai import-policies FILE.xml\n"
               "  loads policy documents (schema: schema/policies.xsd); a "
               "file with any\n  problem is refused whole. GONGKAI_SHARE "
               "overrides where the schema is.\n");
        return argc == 2 ? 0 : 2;
    }
    PGconn *c = PQconnectdb(cfg.owner_dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "gongkai: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    struct arena a;
    arena_init(&a, 65536);
    int rc = import_file(c, &a, argv[1], false) == 0 ? 0 : 1;
    arena_free(&a);
    PQfinish(c);
    return rc;
}

/* ---- demo content ---- */

struct demo_msg {
    const char *policy, *kind, *rating, *body;
    bool is_public;
    const char *reply, *status, *staff;
    int days_ago;
};

/* A few messages on the sample policies, some answered, some waiting for
 * the demo staff of 区府办, 区民政局 and 华阳路街道. */
static const struct demo_msg demo_msgs[] = {
    {"cn-mzj-2024-yanglao", "consult", "",
     "请问家里老人今年 80 岁，申请居家养老服务补贴需要准备哪些材料？"
     "是在街道社区事务受理服务中心办理吗？",
     true,
     "您好！80 周岁以上、经老年照护统一需求评估达到相应等级的本区户籍"
     "老人可以申请。请携带老人身份证、户口簿和评估结果，到户籍所在街道"
     "（镇）社区事务受理服务中心办理。感谢您的关注。",
     "replied", "mzj.staff", 12},
    {"cn-mzj-2024-yanglao", "suggest", "",
     "建议社区长者食堂增加周末供餐，很多子女周末不在身边的老人吃饭不方便。",
     true, "", "published", "mzj.staff", 3},
    {"cn-mzj-2024-yanglao", "evaluate", "5",
     "养老顾问点的工作人员很耐心，帮我们家把补贴申请一次办好了。", true, "",
     "pending", "", 1},
    {"cn-fgw-2024-jieneng", "consult", "",
     "小微企业更换节能空调能否申请这项政策的补贴？补贴比例是多少？", true,
     "您好！符合条件的企业实施节能改造项目，可按项目投资额的一定比例"
     "申请扶持，具体以申报指南为准。申报指南发布后会在区政府门户网站"
     "公开，欢迎关注。",
     "replied", "admin", 20},
    {"cn-qfb-2024-gongkai", "suggest", "",
     "建议在政务公开专栏增加按街道筛选政策的功能，查找本街道的信息更方便。",
     false, "", "pending", "", 0},
    {"cn-hyl-2024-shenghuoquan", "consult", "",
     "华阳路街道 15 分钟社区生活圈的新活动中心什么时候开放？", true, "",
     "pending", "", 2},
};

static const char *
demo_user_id(PGconn *c, struct keys *ks, struct arena *a)
{
    unsigned char idx[INDEX_BYTES];
    crypt_index(ks, "users.login", "13800138000", 11, idx);
    const char *p[] = {bytea_hex(a, idx, sizeof(idx))};
    PGresult *res = db_cli_exec(c, STMT_cli_board_demo_user, 1, p);
    const char *id = res && PQntuples(res) == 1
                         ? arena_strdup(a, PQgetvalue(res, 0, 0))
                         : NULL;
    PQclear(res);
    return id;
}

static const char *
demo_staff_id(PGconn *c, struct arena *a, const char *login)
{
    const char *p[] = {login};
    PGresult *res = db_cli_exec(c, STMT_cli_board_demo_staff, 1, p);
    const char *id = res && PQntuples(res) == 1
                         ? arena_strdup(a, PQgetvalue(res, 0, 0))
                         : NULL;
    PQclear(res);
    return id;
}

static int
demo_messages(PGconn *c, struct keys *ks, struct arena *a)
{
    const char *uid = demo_user_id(c, ks, a);
    if (uid == NULL)
        return 0;
    const char *p0[] = {uid};
    PGresult *res = db_cli_exec(c, STMT_cli_board_demo_has_messages, 1, p0);
    long have = res ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;
    PQclear(res);
    if (have != 0)
        return have < 0 ? -1 : 0; /* made before: idempotent */
    for (size_t i = 0; i < sizeof(demo_msgs) / sizeof(*demo_msgs); i++) {
        const struct demo_msg *m = &demo_msgs[i];
        const char *staff = *m->staff ? demo_staff_id(c, a, m->staff) : NULL;
        const char *p[] = {m->policy, uid,
                           m->kind,   m->rating,
                           m->body,   m->is_public ? "true" : "false",
                           m->reply,  m->status,
                           staff,     arena_printf(a, "%d", m->days_ago)};
        res = db_cli_exec(c, STMT_cli_board_demo_message, 10, p);
        if (res == NULL)
            return -1;
        PQclear(res);
    }
    return 0;
}

int
board_demo(PGconn *c, struct keys *ks, struct arena *a)
{
    const char *sample = share_path(a, "policies-sample.xml");
    if (access(sample, R_OK) != 0) {
        printf("board: %s not found, no demo policies\n", sample);
        return 0;
    }
    if (import_file(c, a, sample, true) != 0)
        return -1;
    return demo_messages(c, ks, a);
}

/* ---- synthetic data for benchmarks ---- */

static int
seed_exec(PGconn *c, enum stmt s, int n, const char *const *p)
{
    PGresult *res = db_cli_exec(c, s, n, p);
    PQclear(res);
    return res ? 0 : -1;
}

/* Policies are upserted by their key (seed-1..N) and `messages` is the
 * total of seeded messages wanted: calling this again adds only the missing
 * ones, numbered after those seeded before, so the bench grows 10,000
 * messages to 1,000,000 with a second call (and a rerun adds nothing). The
 * tables are vacuumed and analysed afterwards so the planner sees the new
 * sizes and index-only counts work at once. */
int
board_seed(PGconn *c, long policies, long messages)
{
    char np[24], nm[24];
    snprintf(np, sizeof(np), "%ld", policies);
    snprintf(nm, sizeof(nm), "%ld", messages);
    PGresult *u = db_cli_exec(c, STMT_cli_board_seed_user, 0, NULL);
    if (u == NULL || PQntuples(u) != 1) {
        PQclear(u);
        return -1;
    }
    const char *uid = PQgetvalue(u, 0, 0);
    const char *pu[] = {uid};
    PGresult *n = db_cli_exec(c, STMT_cli_board_seed_count, 1, pu);
    if (n == NULL) {
        PQclear(u);
        return -1;
    }
    const char *pp[] = {np};
    const char *pm[] = {nm, uid, np, PQgetvalue(n, 0, 0)};
    int rc = seed_exec(c, STMT_cli_tx_begin, 0, NULL);
    if (rc == 0)
        rc = seed_exec(c, STMT_cli_board_seed_policies, 1, pp);
    if (rc == 0 && messages > 0 && policies > 0)
        rc = seed_exec(c, STMT_cli_board_seed_trigger_off, 0, NULL) ||
             seed_exec(c, STMT_cli_board_seed_messages, 4, pm) ||
             seed_exec(c, STMT_cli_board_seed_trigger_on, 0, NULL);
    rc = rc == 0 ? seed_exec(c, STMT_cli_tx_commit, 0, NULL)
                 : (seed_exec(c, STMT_cli_tx_rollback, 0, NULL), -1);
    if (rc == 0)
        rc = seed_exec(c, STMT_cli_board_seed_vacuum, 0, NULL);
    PQclear(n);
    PQclear(u);
    return rc;
}
