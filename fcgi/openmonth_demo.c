/* Demo content of the Government Open Month: the August 2024 open month
 * with a few activities, a ticket and votes of the demo citizen, and one
 * activity a month after the demo is made, so sign-up works in `make run`.
 * Idempotent: an activity whose title exists is left alone. */
#include <stdio.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "openmonth.h"
#include "ticket.h"
#include "valid.h"

struct demo_act {
    const char *title, *dept, *starts, *ends, *place, *url, *cap, *until;
    const char *desc, *access, *vote_until;
};

static const struct demo_act acts[] = {
    {"走进政务服务中心：体验“一网通办”", "qfb", "2024-08-08 09:30",
     "2024-08-08 11:30", "长宁区政务服务中心一楼大厅", "", "30",
     "2024-08-06 17:00",
     "工作人员带您参观办事大厅，现场体验“一网通办”自助办理，了解帮办"
     "服务。\n活动约两小时，结束后可以留下您的意见和建议。",
     "有无障碍通道和无障碍卫生间，可陪同一人。", "2024-09-30 24:00"},
    {"民心工程开放日：老旧小区加装电梯", "fgj", "2024-08-15 14:00",
     "2024-08-15 16:00", "仙霞新村街道某小区（报名成功后短信告知）", "", "20",
     "2024-08-13 17:00",
     "实地看看加装电梯怎么做：居民协商、审批、施工和维护，"
     "听听已经装上电梯的居民怎么说。",
     "现场有台阶，行动不便者请提前告知。", "2024-09-30 24:00"},
    {"线上开放：养老服务政策解读直播", "mzj", "2024-08-20 19:00",
     "2024-08-20 20:00", "", "https://www.example.gov.cn/live/yanglao", "500",
     "2024-08-20 12:00",
     "区民政局介绍居家养老、长者食堂和养老顾问服务，直播中可以在线提问。",
     "直播配有字幕。", "2024-09-30 24:00"},
    {"社区微更新：华阳路街道口袋公园开放", "hyl", "2024-08-24 09:00",
     "2024-08-24 10:30", "华阳路街道口袋公园（集合点：街道社区事务受理中心）",
     "", "25", "2024-08-22 17:00",
     "看看社区里的小空间怎么变成居民喜欢的口袋公园，听设计师和居民代表讲述。",
     "", "2024-09-30 24:00"},
};

static int
demo_exists(PGconn *c, const char *title)
{
    const char *p[] = {title};
    PGresult *res = db_cli_exec(c, STMT_cli_om_demo_exists, 1, p);
    int n = res ? PQntuples(res) : -1;
    PQclear(res);
    return n;
}

/* Creates one activity; returns its id (arena) or NULL. */
static const char *
demo_activity(PGconn *c, struct arena *a, const struct demo_act *d)
{
    const char *p[] = {d->title, d->dept,   d->starts,    d->ends,
                       d->place, d->url,    d->cap,       d->until,
                       d->desc,  d->access, d->vote_until};
    PGresult *res = db_cli_exec(c, STMT_cli_om_demo_activity, 11, p);
    const char *id = res && PQntuples(res) == 1
                         ? arena_strdup(a, PQgetvalue(res, 0, 0))
                         : NULL;
    PQclear(res);
    return id;
}

/* The demo citizen's ticket and vote for activity id. */
static int
demo_citizen_part(PGconn *c, struct keys *ks, struct arena *a, const char *id)
{
    const char *phone = "13800138000";
    unsigned char li[INDEX_BYTES], pi[INDEX_BYTES];
    size_t elen;
    char num[10];
    crypt_index(ks, "users.login", phone, strlen(phone), li);
    crypt_index(ks, "om_signups.phone", phone, strlen(phone), pi);
    unsigned char *enc =
        crypt_seal(a, ks, "om_signups.phone", phone, strlen(phone), &elen);
    ticket_number(num);
    const char *p[] = {id,
                       num,
                       bytea_hex(a, enc, elen),
                       bytea_hex(a, pi, sizeof(pi)),
                       mask_phone(a, phone),
                       "confirmed",
                       bytea_hex(a, li, sizeof(li))};
    PGresult *res = db_cli_exec(c, STMT_cli_om_demo_signup, 7, p);
    if (res == NULL)
        return -1;
    PQclear(res);
    const char *v[] = {id, bytea_hex(a, li, sizeof(li))};
    res = db_cli_exec(c, STMT_cli_om_demo_vote, 2, v);
    PQclear(res);
    return res ? 0 : -1;
}

/* One activity about a month from now, so the demo can be signed up for. */
static int
demo_upcoming(PGconn *c, struct arena *a)
{
    const char *title = "常态化开放：走进区应急管理局指挥中心";
    int e = demo_exists(c, title);
    if (e != 0)
        return e < 0 ? -1 : 0;
    const char *p[] = {title};
    PGresult *res = db_cli_exec(c, STMT_cli_om_demo_upcoming, 1, p);
    (void)a;
    PQclear(res);
    return res ? 0 : -1;
}

int
om_demo(PGconn *c, struct keys *ks, struct arena *a)
{
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        int e = demo_exists(c, acts[i].title);
        if (e < 0)
            return -1;
        if (e > 0)
            continue;
        const char *id = demo_activity(c, a, &acts[i]);
        if (id == NULL)
            return -1;
        if (i < 2 && demo_citizen_part(c, ks, a, id) != 0)
            return -1;
    }
    return demo_upcoming(c, a);
}

/* ---- synthetic data for benchmarks ---- */

int
om_seed_citizens(PGconn *c, long n)
{
    char ns[24];
    snprintf(ns, sizeof(ns), "%ld", n);
    const char *p[] = {ns};
    PGresult *res = db_cli_exec(c, STMT_cli_om_seed_citizens, 1, p);
    if (res == NULL)
        return -1;
    printf("seed: openmonth %s new citizen accounts (seed-citizen-1..%ld)\n",
           PQcmdTuples(res), n);
    PQclear(res);
    return 0;
}
