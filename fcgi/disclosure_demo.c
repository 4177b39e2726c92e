/* Demo content for `make run`: a few requests in different stages, so the
 * queue, the tile, tracking and the report show a living module. Runs as
 * the owner through db_cli_exec; idempotent (only into an empty table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypt.h"
#include "db.h"
#include "disclosure.h"
#include "valid.h"

struct demo_req {
    const char *dept, *type, *name, *id, *org, *phone, *desc;
    int ago;                 /* received this many days ago */
    const char *steps[3][3]; /* action, outcome, text */
};

/* The access code of every demo request (docs/disclosure.md). */
#define DEMO_CODE "DEMO-CODE-2026"

static const struct demo_req demo[] = {
    {"qfb",
     "natural",
     "刘阿姨",
     "310105195403120027",
     NULL,
     "13900001111",
     "2024 年本小区（虹桥路某小区）加装电梯的审批文件和补贴标准。",
     6,
     {{"accept", NULL, "已受理，正在查找相关文件。"}}},
    {"qfb",
     "natural",
     "王先生",
     "310105196807150016",
     NULL,
     "13900002222",
     "长宁区 2025 年老旧小区综合改造计划的项目清单。",
     60,
     {{NULL}}},
    {"qfb",
     "commercial",
     "上海某某科技有限公司",
     NULL,
     "91310105MA1FL4CT39",
     "02162345678",
     "区商务委 2025 年发布的促进消费补贴申报指南。",
     120,
     {{"accept", NULL, NULL},
      {"reply", "r1", "该信息已主动公开，请在区政府网站“政策文件”栏目查阅。"}}},
    {"mzj",
     "natural",
     "赵老伯",
     "310105194812300032",
     NULL,
     "13900003333",
     "养老服务补贴的文件。",
     2,
     {{"request_correction", NULL,
       "请写明您需要的是哪一年度、哪一类养老服务补贴的文件。"}}},
};

static const char *
seal(struct arena *a, struct keys *ks, const char *col, const char *v)
{
    if (v == NULL)
        return NULL;
    size_t n;
    const char *ctx = arena_printf(a, "disclosure_requests.%s", col);
    unsigned char *c = crypt_seal(a, ks, ctx, v, strlen(v), &n);
    return bytea_hex(a, c, n);
}

static const char *
hash(struct arena *a, struct keys *ks, const char *ctx, const char *v)
{
    unsigned char h[INDEX_BYTES];
    crypt_index(ks, ctx, v, strlen(v), h);
    return bytea_hex(a, h, sizeof(h));
}

static const char *
days_ago(struct arena *a, int n)
{
    time_t t = time(NULL) + 8 * 3600 - (time_t)n * 86400;
    struct tm tm;
    char d[16];
    gmtime_r(&t, &tm);
    strftime(d, sizeof(d), "%Y-%m-%d", &tm);
    return arena_strdup(a, d);
}

static int
demo_one(PGconn *c, struct keys *ks, struct arena *a, const struct demo_req *d)
{
    const char *p0[] = {d->dept};
    PGresult *dr = db_cli_exec(c, STMT_cli_disclosure_dept_id, 1, p0);
    if (dr == NULL || PQntuples(dr) != 1) {
        PQclear(dr);
        return -1;
    }
    const char *dept = arena_strdup(a, PQgetvalue(dr, 0, 0));
    PQclear(dr);
    const char *who = d->id ? arena_printf(a, "id:id_card:%s", d->id)
                            : arena_printf(a, "org:%s", d->org);
    const char *on = days_ago(a, d->ago);
    const char *p[] = {
        dept,
        d->type,
        d->name,
        d->id ? "id_card" : "none",
        seal(a, ks, "id_enc", d->id),
        d->id ? dmask_id(a, d->id) : "",
        d->org ? d->org : "",
        hash(a, ks, "disclosure_requests.identity", who),
        seal(a, ks, "phone_enc", d->phone),
        mask_phone(a, d->phone),
        NULL,
        "",
        NULL,
        d->desc,
        "electronic",
        "online",
        "online",
        on,
        hash(a, ks, "disclosure_requests.code_hash", "DEMOCODE2026"),
        NULL,
        NULL};
    PGresult *res = db_cli_exec(c, STMT_disclosure_create, 21, p);
    if (res == NULL)
        return -1;
    const char *id = arena_strdup(a, PQgetvalue(res, 0, 0));
    PQclear(res);
    const char *ev[13] = {id, "submit", on, NULL, "网上提交申请"};
    res = db_cli_exec(c, STMT_disclosure_event_add, 13, ev);
    for (int i = 0; res != NULL && i < 3 && d->steps[i][0] != NULL; i++) {
        PQclear(res);
        const char *e[13] = {id,   d->steps[i][0], on,
                             NULL, d->steps[i][2], d->steps[i][1]};
        if (strcmp(d->steps[i][0], "request_correction") == 0)
            e[6] = "15";
        res = db_cli_exec(c, STMT_disclosure_event_add, 13, e);
    }
    PQclear(res);
    return res ? 0 : -1;
}

int
disclosure_demo(PGconn *c, struct keys *ks, struct arena *a)
{
    PGresult *res = db_cli_exec(c, STMT_cli_disclosure_demo_done, 0, NULL);
    if (res == NULL)
        return -1;
    long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    if (n > 0)
        return 0;
    for (size_t i = 0; i < sizeof(demo) / sizeof(demo[0]); i++)
        if (demo_one(c, ks, a, &demo[i]) != 0)
            return -1;
    printf("disclosure demo requests ready (access code %s)\n", DEMO_CODE);
    return 0;
}
