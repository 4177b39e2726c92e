/* `gongkai seed --requests N`: N synthetic disclosure requests over the
 * loaded calendar years (2024-01-01 to yesterday), for `make bench` and for
 * trying the pages at a district's volume.
 *
 * Each request gets a history the rules allow (domain/disclosure.md): 补正
 * with answers or expiry, extensions before the due date, consultations and
 * fee notices pausing the clock, every reply type, withdrawals, some still
 * open and a few overdue, and reviews on a few. The steps are played in C
 * against the calendar read from PostgreSQL, mirroring disclosure_step(),
 * because the row trigger costs ~0.4 ms an event (400k events: minutes);
 * the rows go in by batches of arrays with the trigger off, and
 * cli_disclosure_seed_check then replays a sample of the requests through
 * disclosure_step() itself and refuses the whole load (rollback) if any
 * stored value differs from what the module computes.
 *
 * Identity and contact are sealed with the instance keys exactly as the
 * apply form does; identities repeat across requests (a pool, with a few
 * frequent applicants) so fee ranks and links have something to count.
 * Every seeded request has the access code SEED-CODE-2026. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "crypt.h"
#include "db.h"
#include "disclosure.h"
#include "valid.h"

#define N(a)          (sizeof(a) / sizeof((a)[0]))
#define SEED_BATCH    10000
#define SEED_CODE     "SEEDCODE2026" /* normalised: SEED-CODE-2026 */
#define CHECK_EVERY   50             /* replay every 50th seeded request */
#define PERSONS       40000
#define FREQUENT      150 /* of the persons, the ones who file a lot */
#define ORGS          3000
#define SEED_MAX_DAYS 4000

/* ---- the calendar, as day numbers since 2000-01-01 ---- */

int
dcal_prepare(struct dcal *c)
{
    c->cum = calloc((size_t)c->n, sizeof(int));
    if (c->cum == NULL)
        return -1;
    for (int i = 0, k = 0; i < c->n; i++)
        c->cum[i] = k += c->wd[i] == '1';
    return 0;
}

/* add_workdays(): the n-th working day after s; NO_DAY past the calendar. */
int
dcal_add(const struct dcal *c, int s, int n)
{
    if (s == NO_DAY || s < c->lo || s >= c->lo + c->n)
        return NO_DAY;
    int d = s;
    for (int k = 0; k < n;) {
        if (++d >= c->lo + c->n)
            return NO_DAY;
        k += c->wd[d - c->lo] == '1';
    }
    return d;
}

/* workdays_between(a, b): working days d with a < d <= b. */
int
dcal_between(const struct dcal *c, int a, int b)
{
    return b <= a ? 0 : c->cum[b - c->lo] - c->cum[a - c->lo];
}

static bool
cal_workday(const struct dcal *c, int d)
{
    return d >= c->lo && d < c->lo + c->n && c->wd[d - c->lo] == '1';
}

/* ---- a deterministic generator (splitmix64) ---- */

static uint64_t
rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int
pick(uint64_t *s, int n)
{
    return (int)(rnd(s) % (uint64_t)n);
}

/* true with probability per10k / 10000 */
static bool
chance(uint64_t *s, int per10k)
{
    return pick(s, 10000) < per10k;
}

/* ---- one request's history ---- */

struct sev {
    enum daction a;
    int on, days, amount, pages, computed, deadline, due, mins;
    enum dstate from, to;
    const char *text, *outcome, *basis, *approved;
};

struct sreq {
    enum dstate state;
    int clock, ext, paused, pause_since, later, due, cuntil, corr;
    bool extended;
    int fee_on, fee, paid_on, closed, last, nev;
    const char *outcome;
    struct sev ev[12];
};

struct gen {
    const struct dcal *cal;
    uint64_t rng;
    struct sreq *q;
};

static void
sreq_init(struct sreq *q, int received)
{
    memset(q, 0, sizeof(*q));
    q->state = DS_NEW;
    q->clock = q->pause_since = q->later = q->due = q->cuntil = NO_DAY;
    q->fee_on = q->fee = q->paid_on = q->closed = q->last = NO_DAY;
    q->last = received;
}

/* The derived columns after event e, as disclosure_step() computes them. */
static void
sreq_step(const struct dcal *c, struct sreq *q, struct sev *e, int received)
{
    switch (e->a) {
    case DA_SUBMIT: q->clock = received; break;
    case DA_ACCEPT:
        if (e->deadline != NO_DAY)
            q->later = e->deadline;
        break;
    case DA_REQUEST_CORRECTION:
        q->corr++;
        q->cuntil = dcal_add(c, e->on, e->days);
        break;
    case DA_CORRECTION_RECEIVED:
        q->clock = e->on;
        q->ext = q->paused = 0;
        q->later = NO_DAY;
        break;
    case DA_CORRECTION_EXPIRED: q->outcome = "r6_1"; break;
    case DA_CONSULT_THIRD_PARTY:
    case DA_CONSULT_OTHER_ORGAN: q->pause_since = e->on; break;
    case DA_CONSULT_DONE:
    case DA_FEE_PAID:
        q->paused += dcal_between(c, q->pause_since, e->on);
        q->pause_since = NO_DAY;
        if (e->a == DA_FEE_PAID)
            q->paid_on = e->on;
        break;
    case DA_FEE_NOTICE:
        q->pause_since = q->fee_on = e->on;
        q->fee = e->amount;
        break;
    case DA_FEE_EXPIRED:
        q->outcome = "r6_2";
        q->pause_since = NO_DAY;
        break;
    case DA_EXTEND:
        q->extended = true;
        q->ext = e->days;
        break;
    case DA_REPLY: q->outcome = e->outcome; break;
    case DA_WITHDRAW:
        q->outcome = "r6_3";
        q->pause_since = NO_DAY;
        break;
    default: break;
    }
    e->from = q->state;
    q->state = e->to = dsm_next(q->state, e->a);
    q->last = e->on;
    q->nev++;
    if (q->state == DS_CLOSED)
        q->closed = e->on;
    else if (q->state == DS_CONSULTING || q->state == DS_AWAITING_PAYMENT ||
             q->state == DS_AWAITING_CORRECTION)
        q->due = NO_DAY;
    else
        q->due = q->later != NO_DAY
                     ? q->later
                     : dcal_add(c, q->clock, 20 + q->ext + q->paused);
    e->due = q->due;
}

/* Adds step a on day `on` if that day has come (else the history stops
 * here and the request stays in its state); returns the event or NULL. */
static struct sev *
step(struct gen *g, enum daction a, int on, int received)
{
    struct sreq *q = g->q;
    (void)received; /* every step but submit is dated by the caller */
    if (on == NO_DAY || on > g->cal->today || on < q->last ||
        q->nev >= (int)N(q->ev) || dsm_next(q->state, a) == DS__MAX)
        return NULL;
    struct sev *e = &q->ev[q->nev];
    memset(e, 0, sizeof(*e));
    e->a = a;
    e->on = on;
    e->deadline = NO_DAY;
    e->mins = pick(&g->rng, 480);
    return e;
}

static bool
commit(struct gen *g, struct sev *e, int received)
{
    if (e == NULL)
        return false;
    sreq_step(g->cal, g->q, e, received);
    return true;
}

/* Reply types and how often each is given (per 10,000 replies). */
static const struct {
    const char *key;
    int weight;
} reply_mix[] = {
    {"r1", 4300},   {"r2", 1400},  {"r3_1", 30},  {"r3_2", 80},  {"r3_3", 50},
    {"r3_4", 220},  {"r3_5", 160}, {"r3_6", 240}, {"r3_7", 90},  {"r3_8", 60},
    {"r4_1", 2200}, {"r4_2", 300}, {"r5_1", 220}, {"r5_2", 220}, {"r5_3", 100},
    {"r5_5", 50},   {"r6_3", 280},
};

static const char *
reply_outcome(uint64_t *s)
{
    int x = pick(s, 10000);
    for (size_t i = 0; i < N(reply_mix); i++) {
        if (x < reply_mix[i].weight)
            return reply_mix[i].key;
        x -= reply_mix[i].weight;
    }
    return "r1";
}

static const char *
reply_text(const char *outcome)
{
    if (strcmp(outcome, "r1") == 0)
        return "经查，您申请的信息予以公开，现将有关文件提供给您。依据《中华人"
               "民"
               "共和国政府信息公开条例》第三十六条第（二）项。";
    if (strcmp(outcome, "r2") == 0)
        return "您申请的信息中含有不应公开的内容，现对可以公开的部分予以提供。"
               "依据《中华人民共和国政府信息公开条例》第三十七条。";
    if (strncmp(outcome, "r3", 2) == 0)
        return "经审查，您申请的信息属于不予公开的范围，理由见下。依据《中华人"
               "民"
               "共和国政府信息公开条例》第三十六条第（三）项。";
    if (strncmp(outcome, "r4", 2) == 0)
        return "经检索，本机关未制作或获取您申请的信息。依据《中华人民共和国政"
               "府"
               "信息公开条例》第三十六条第（四）项。";
    if (strncmp(outcome, "r5", 2) == 0)
        return "您的申请不属于政府信息公开申请的处理范围，本机关不作为政府信息"
               "公"
               "开申请处理。";
    return "您申请的信息，有关法律、行政法规对获取另有规定，请按相应程序办理。";
}

/* In progress: perhaps a consultation, a fee, an extension, a withdrawal;
 * then the reply, on time mostly. */
static void
play_work(struct gen *g, int rec, bool corrected)
{
    struct sreq *q = g->q;
    uint64_t *s = &g->rng;
    struct sev *e;
    if (chance(s, 500)) {
        bool organ = chance(s, 2500);
        e = step(g, organ ? DA_CONSULT_OTHER_ORGAN : DA_CONSULT_THIRD_PARTY,
                 dcal_add(g->cal, q->last, 2 + pick(s, 6)), rec);
        if (e != NULL)
            e->text = organ ? "已书面征求区规划资源局的意见。"
                            : "该信息涉及第三方权益，已书面征求第三方意见，"
                              "第三方应在 15 个工作日内答复。";
        if (!commit(g, e, rec) ||
            !commit(g,
                    step(g, DA_CONSULT_DONE,
                         dcal_add(g->cal, q->last, 4 + pick(s, 12)), rec),
                    rec))
            return;
    }
    if (chance(s, 100)) {
        e = step(g, DA_FEE_NOTICE, dcal_add(g->cal, q->last, 2), rec);
        if (e != NULL) {
            e->basis = "volume";
            e->pages = 60 + pick(s, 240);
            e->computed = (int)fee_per_volume(e->pages);
            e->amount = chance(s, 3000) ? e->computed / 2 : e->computed;
            e->text = "您申请的信息数量明显超过合理范围，需缴纳信息处理费。";
        }
        if (!commit(g, e, rec))
            return;
        if (chance(s, 2500)) {
            int late = dcal_add(g->cal, q->fee_on, 20);
            commit(g,
                   step(g, DA_FEE_EXPIRED,
                        late == NO_DAY ? NO_DAY : late + 1 + pick(s, 5), rec),
                   rec);
            return;
        }
        if (!commit(g,
                    step(g, DA_FEE_PAID,
                         dcal_add(g->cal, q->last, 1 + pick(s, 10)), rec),
                    rec))
            return;
    }
    if (chance(s, 700) && q->due != NO_DAY) {
        int on = dcal_add(g->cal, q->due, 0) - pick(s, 5);
        e = step(g, DA_EXTEND, on >= q->last ? on : q->last, rec);
        if (e != NULL && e->on <= q->due) {
            e->days = 10 + pick(s, 11);
            e->approved = "区政府信息公开办公室负责人";
            e->text = "需要检索的档案较多，经批准延长答复期限。";
            commit(g, e, rec);
        }
    }
    if (chance(s, 250)) {
        e = step(g, DA_WITHDRAW, dcal_add(g->cal, q->last, 1 + pick(s, 8)),
                 rec);
        if (e != NULL)
            e->text = "申请人来电撤回申请。";
        commit(g, e, rec);
        return;
    }
    if (q->due == NO_DAY || chance(s, 20))
        return; /* never answered: overdue once its date has passed */
    int span = dcal_between(g->cal, q->last, q->due);
    int on = chance(s, 250) ? dcal_add(g->cal, q->due, 1 + pick(s, 8))
                            : dcal_add(g->cal, q->last, 1 + pick(s, span + 1));
    e = step(g, DA_REPLY, on, rec);
    if (e != NULL) {
        e->outcome = corrected && chance(s, 800) ? "r4_3" : reply_outcome(s);
        e->text = reply_text(e->outcome);
    }
    commit(g, e, rec);
}

/* 补正: asked within 7 working days; answered, expired or still awaited. */
static void
play_correction(struct gen *g, int rec)
{
    struct sreq *q = g->q;
    uint64_t *s = &g->rng;
    struct sev *e = step(g, DA_REQUEST_CORRECTION,
                         dcal_add(g->cal, rec, 1 + pick(s, 6)), rec);
    if (e == NULL)
        return;
    e->days = 15;
    e->text = "您的申请内容不够明确，请写明所需信息的名称、文号或者便于查找的"
              "其他特征描述，并在 15 个工作日内补正。";
    if (!commit(g, e, rec) || q->cuntil == NO_DAY)
        return;
    int x = pick(s, 100);
    if (x < 72) {
        int on = dcal_add(g->cal, q->last, 1 + pick(s, 14));
        e = step(g, DA_CORRECTION_RECEIVED, on <= q->cuntil ? on : q->cuntil,
                 rec);
        if (e != NULL)
            e->text = "申请人补正：需要的是 2024 年度的相关批复文件。";
        if (commit(g, e, rec))
            play_work(g, rec, true);
    } else if (x < 96) {
        e = step(g, DA_CORRECTION_EXPIRED, q->cuntil + 1 + pick(s, 10), rec);
        if (e != NULL)
            e->text = "申请人逾期未补正，不再处理。";
        commit(g, e, rec);
    }
}

/* ask_reasons (art. 35): closed as r5_4, or a later deadline set. */
static void
play_reasons(struct gen *g, int rec)
{
    struct sreq *q = g->q;
    uint64_t *s = &g->rng;
    struct sev *e =
        step(g, DA_ASK_REASONS, dcal_add(g->cal, q->last, 2 + pick(s, 4)), rec);
    if (e != NULL)
        e->text = "您的申请数量明显超出合理范围，请说明理由。";
    if (!commit(g, e, rec))
        return;
    if (chance(s, 5000)) {
        e = step(g, DA_REPLY, dcal_add(g->cal, q->last, 5 + pick(s, 5)), rec);
        if (e != NULL) {
            e->outcome = "r5_4";
            e->text = "申请人未说明理由，本机关不予处理。";
        }
        commit(g, e, rec);
        return;
    }
    e = step(g, DA_ACCEPT, dcal_add(g->cal, q->last, 3 + pick(s, 3)), rec);
    if (e == NULL)
        return;
    e->deadline = dcal_add(g->cal, e->on, 40);
    e->text = "理由合理，但无法在法定期限内答复，另行确定答复期限。";
    if (e->deadline != NO_DAY && commit(g, e, rec))
        play_work(g, rec, false);
}

static void
play(struct gen *g, int rec)
{
    uint64_t *s = &g->rng;
    struct sev *e = step(g, DA_SUBMIT, rec, rec);
    e->text = "收到申请";
    commit(g, e, rec);
    if (chance(s, 700)) {
        play_correction(g, rec);
        return;
    }
    e = step(g, DA_ACCEPT, dcal_add(g->cal, rec, pick(s, 3)), rec);
    if (!commit(g, e, rec))
        return;
    if (chance(s, 40))
        play_reasons(g, rec);
    else
        play_work(g, rec, false);
}

/* ---- applicants ---- */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨",
                                       "黄", "赵", "吴", "周", "徐", "孙",
                                       "朱", "马", "胡", "郭", "沈", "顾"};
static const char *const given[] = {"建国", "秀英", "志强", "丽华", "伟",
                                    "敏",   "静",   "海峰", "晓燕", "国平",
                                    "桂芳", "明",   "佳怡", "子涵", "文斌"};
static const char *const org_forms[][3] = {
    /* applicant type, name ending, share in % */
    {"commercial", "贸易有限公司", "45"},
    {"research", "研究院", "6"},
    {"social_welfare", "公益基金会", "10"},
    {"legal_service", "律师事务所", "24"},
    {"other", "小区业主委员会", "15"},
};
static const char *const org_words[] = {"长宁", "虹桥", "新华", "天山", "华阳",
                                        "仙霞", "程家", "北新", "古北", "周家"};

/* A valid 18-digit resident ID of person i (the check character tried). */
static void
person_id(int i, char out[19])
{
    static const char *const areas[] = {"310105", "310104", "310112", "320102",
                                        "330106"};
    snprintf(out, 19, "%s%04d%02d%02d%03d0", areas[i % 5], 1945 + i % 60,
             1 + i % 12, 1 + i % 28, i % 1000);
    static const char check[] = "0123456789X";
    for (int k = 0; k < 11; k++) {
        out[17] = check[k];
        if (did_card_valid(out))
            return;
    }
}

static void
org_code(int i, char out[19])
{
    static const char alpha[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    snprintf(out, 19, "913101%02d%09d0", 5 + i % 10, 100000 + i * 7);
    for (int k = 0; k < 31; k++) {
        out[17] = alpha[k];
        if (dorg_code_valid(out))
            return;
    }
}

struct who {
    const char *type, *name, *idt, *id, *idm, *org, *ih;
};

/* Applicant p of the pool: persons first, then organisations. Their
 * identity hash is the one the apply form computes. */
static void
applicant(struct keys *ks, struct arena *a, int p, struct who *w)
{
    char buf[19];
    unsigned char h[INDEX_BYTES];
    const char *key;
    memset(w, 0, sizeof(*w));
    if (p < PERSONS) {
        person_id(p, buf);
        w->type = "natural";
        w->name = arena_printf(a, "%s%s", surnames[p % N(surnames)],
                               given[(p / 7) % N(given)]);
        w->idt = "id_card";
        w->id = arena_strdup(a, buf);
        w->idm = dmask_id(a, buf);
        w->org = "";
        key = arena_printf(a, "id:id_card:%s", buf);
    } else {
        int o = p - PERSONS, k = 0, share = o % 100;
        while (k + 1 < (int)N(org_forms) && share >= atoi(org_forms[k][2])) {
            share -= atoi(org_forms[k][2]);
            k++;
        }
        org_code(o, buf);
        w->type = org_forms[k][0];
        w->name = arena_printf(a, "上海%s%s", org_words[(o / 3) % N(org_words)],
                               org_forms[k][1]);
        w->idt = "none";
        w->idm = "";
        w->org = arena_strdup(a, buf);
        key = arena_printf(a, "org:%s", buf);
    }
    crypt_index(ks, "disclosure_requests.identity", key, strlen(key), h);
    w->ih = bytea_hex(a, h, sizeof(h));
}

static int
pick_applicant(uint64_t *s)
{
    if (chance(s, 1200))
        return PERSONS + pick(s, ORGS);
    if (chance(s, 600))
        return pick(s, FREQUENT);
    return pick(s, PERSONS);
}

static const char *const subjects[] = {
    "本小区加装电梯的审批文件和补贴标准",
    "老旧小区综合改造计划的项目清单",
    "某路段道路大修工程的立项批复",
    "养老服务补贴的发放标准和发放名单（不含个人信息）",
    "某地块的控制性详细规划调整文件",
    "区级财政专项资金的使用情况",
    "某餐饮企业的食品安全监督检查结果",
    "本街道垃圾分类收运的合同",
    "某建设项目的环境影响评价批复",
    "某学校扩建工程的规划许可证",
    "区人社局职业技能培训补贴的申报名单",
    "住房保障（公租房）轮候的规则和结果",
    "某房屋的征收补偿方案",
    "区卫健委对某医疗机构的行政处罚决定",
    "绿化带调整的审批意见",
};

/* ---- array parameters ---- */

struct col {
    struct buf b;
    bool first;
};

static void
col_init(struct col *c, struct arena *a)
{
    buf_init(&c->b, a, 1 << 16);
    buf_putc(&c->b, '{');
    c->first = true;
}

/* One element: NULL, or the value quoted as an array literal wants. */
static void
col_put(struct col *c, const char *v)
{
    if (!c->first)
        buf_putc(&c->b, ',');
    c->first = false;
    if (v == NULL) {
        buf_puts(&c->b, "NULL");
        return;
    }
    buf_putc(&c->b, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(&c->b, '\\');
        buf_putc(&c->b, *p);
    }
    buf_putc(&c->b, '"');
}

static void
col_int(struct col *c, int v)
{
    char t[16];
    snprintf(t, sizeof(t), "%d", v);
    col_put(c, v == NO_DAY ? NULL : t);
}

static const char *
col_end(struct col *c)
{
    buf_putc(&c->b, '}');
    return buf_cstr(&c->b);
}

static const char *
seal(struct arena *a, struct keys *ks, const char *col, const char *v)
{
    size_t n;
    const char *ctx = arena_printf(a, "disclosure_requests.%s", col);
    unsigned char *c = crypt_seal(a, ks, ctx, v, strlen(v), &n);
    return bytea_hex(a, c, n);
}

/* ---- the load ---- */

struct seed {
    PGconn *c;
    struct keys *ks;
    struct dcal cal;
    int *dept_ids, ndepts;
    int y0;                /* the calendar's first year */
    long base[8], made[8]; /* first number reserved, numbers used, per year */
    const char *code_hash;
    long requests, events, reviews;
};

enum rq_col { RQ_NCOLS = 35 };
enum ev_col { EV_NCOLS = 17 };

static int
dept_of(struct seed *sd, uint64_t *s)
{
    /* 区府办 and a few large departments get most requests */
    static const int heavy[] = {0, 10, 14, 17, 11};
    if (chance(s, 5500))
        return sd->dept_ids[heavy[pick(s, N(heavy))] % sd->ndepts];
    return sd->dept_ids[pick(s, sd->ndepts)];
}

/* The receipt day of request i: over the calendar up to yesterday, a
 * little more each year, fewer on weekends and holidays. */
static int
received_day(struct seed *sd, uint64_t *s)
{
    int span = sd->cal.today - sd->cal.lo;
    for (;;) {
        int d = sd->cal.lo + pick(s, span);
        int year = (d - sd->cal.lo) / 365;
        if (!cal_workday(&sd->cal, d) && !chance(s, 1500))
            continue;
        if (pick(s, 100) < 12 - 4 * year)
            continue;
        return d;
    }
}

static int
year_of(int day)
{
    /* day numbers since 2000-01-01; good for 2000..2099 */
    int y = 2000, d = day;
    for (;;) {
        int len = (y % 4 == 0) ? 366 : 365;
        if (d < len)
            return y;
        d -= len;
        y++;
    }
}

static void
put_request(struct seed *sd, struct arena *a, struct col *rc,
            const struct sreq *q, const char *no, int rec, uint64_t *s)
{
    struct who w;
    char phone[12];
    applicant(sd->ks, a, pick_applicant(s), &w);
    snprintf(phone, sizeof(phone), "139%08d", pick(s, 100000000));
    const char *chan[] = {"online", "online",    "online", "online",
                          "online", "in_person", "post",   "letter",
                          "fax",    "in_person"};
    const char *ch = chan[pick(s, N(chan))];
    bool online = strcmp(ch, "online") == 0;
    col_put(&rc[0], no);
    col_int(&rc[1], dept_of(sd, s));
    col_put(&rc[2], w.type);
    col_put(&rc[3], w.name);
    col_put(&rc[4], w.idt);
    col_put(&rc[5], w.id ? seal(a, sd->ks, "id_enc", w.id) : NULL);
    col_put(&rc[6], w.idm);
    col_put(&rc[7], w.org);
    col_put(&rc[8], w.ih);
    col_put(&rc[9], seal(a, sd->ks, "phone_enc", phone));
    col_put(&rc[10], mask_phone(a, phone));
    col_put(&rc[11],
            arena_printf(a, "申请公开%s。", subjects[pick(s, N(subjects))]));
    col_put(&rc[12], online ? "electronic" : "paper");
    col_put(&rc[13], online ? "online" : "post");
    col_put(&rc[14], ch);
    col_int(&rc[15], rec);
    col_int(&rc[16], pick(s, 540));
    col_put(&rc[17], dstate_key(q->state));
    int v[] = {q->clock, q->ext, q->paused, q->pause_since,
               q->later, q->due, q->cuntil, q->corr};
    for (size_t i = 0; i < N(v); i++)
        col_int(&rc[18 + i], v[i]);
    col_put(&rc[26], q->extended ? "t" : "f");
    col_int(&rc[27], q->fee_on);
    col_int(&rc[28], q->fee);
    col_int(&rc[29], q->paid_on);
    col_put(&rc[30], q->outcome);
    col_int(&rc[31], q->closed);
    col_int(&rc[32], q->last);
    col_int(&rc[33], q->nev);
}

static void
put_events(struct col *ec, const struct sreq *q, const char *no)
{
    for (int i = 0; i < q->nev; i++) {
        const struct sev *e = &q->ev[i];
        col_put(&ec[0], no);
        col_int(&ec[1], i + 1);
        col_put(&ec[2], daction_key(e->a));
        col_int(&ec[3], e->on);
        col_put(&ec[4], e->text ? e->text : "");
        col_put(&ec[5], e->outcome);
        col_int(&ec[6], e->days ? e->days : NO_DAY);
        col_int(&ec[7], e->basis ? e->amount : NO_DAY);
        col_put(&ec[8], e->basis);
        col_int(&ec[9], e->basis ? e->pages : NO_DAY);
        col_int(&ec[10], e->basis ? e->computed : NO_DAY);
        col_put(&ec[11], e->approved);
        col_int(&ec[12], e->deadline);
        col_put(&ec[13], dstate_key(e->from));
        col_put(&ec[14], dstate_key(e->to));
        col_int(&ec[15], e->due);
        col_int(&ec[16], e->mins);
    }
}

/* A 复议 or 诉讼 on about one closed request in 200. */
static void
put_review(struct col *vc, const struct sreq *q, const char *no,
           const struct dcal *cal, uint64_t *s, long *n)
{
    static const char *const kinds[] = {"reconsideration", "reconsideration",
                                        "litigation_direct",
                                        "litigation_after_reconsideration"};
    static const char *const results[] = {"upheld", "upheld", "upheld",
                                          "corrected", "other"};
    if (q->state != DS_CLOSED || !chance(s, 50))
        return;
    int filed = q->closed + 10 + pick(s, 50);
    if (filed > cal->today)
        return;
    int decided = filed + 40 + pick(s, 60);
    bool pending = decided > cal->today || chance(s, 1000);
    col_put(&vc[0], no);
    col_put(&vc[1], kinds[pick(s, N(kinds))]);
    col_put(&vc[2], pending ? "pending" : results[pick(s, N(results))]);
    col_int(&vc[3], filed);
    col_int(&vc[4], pending ? NO_DAY : decided);
    (*n)++;
}

static int
run_exec(PGconn *c, enum stmt st, int n, const char *const *p)
{
    PGresult *res = db_cli_exec(c, st, n, p);
    PQclear(res);
    return res ? 0 : -1;
}

static int
load_batch(struct seed *sd, long from, long to, uint64_t seed0, const int *days)
{
    struct arena a;
    arena_init(&a, 1 << 20);
    struct col rc[RQ_NCOLS - 1], ec[EV_NCOLS], vc[5];
    for (size_t i = 0; i < N(rc); i++)
        col_init(&rc[i], &a);
    for (size_t i = 0; i < N(ec); i++)
        col_init(&ec[i], &a);
    for (size_t i = 0; i < N(vc); i++)
        col_init(&vc[i], &a);
    static struct sreq q;
    long nrev = 0;
    for (long i = from; i < to; i++) {
        struct gen g = {&sd->cal, seed0 ^ ((uint64_t)i * 0x2545F4914F6CDD1Dull),
                        &q};
        int rec = days[i];
        int y = year_of(rec) - sd->y0;
        const char *no =
            arena_printf(&a, "%d-%06ld", sd->y0 + y, sd->base[y] + sd->made[y]);
        sd->made[y]++;
        sreq_init(&q, rec);
        play(&g, rec);
        put_request(sd, &a, rc, &q, no, rec, &g.rng);
        put_events(ec, &q, no);
        put_review(vc, &q, no, &sd->cal, &g.rng, &nrev);
        sd->events += q.nev;
    }
    const char *rp[RQ_NCOLS + 1];
    for (int i = 0; i < 17; i++)
        rp[i] = col_end(&rc[i]);
    rp[17] = sd->code_hash;
    for (int i = 17; i < RQ_NCOLS - 1; i++)
        rp[i + 1] = col_end(&rc[i]);
    const char *ep[EV_NCOLS], *vp[5];
    for (int i = 0; i < EV_NCOLS; i++)
        ep[i] = col_end(&ec[i]);
    for (int i = 0; i < 5; i++)
        vp[i] = col_end(&vc[i]);
    int rc_ = run_exec(sd->c, STMT_cli_disclosure_seed_requests, RQ_NCOLS, rp);
    if (rc_ == 0)
        rc_ = run_exec(sd->c, STMT_cli_disclosure_seed_events, EV_NCOLS, ep);
    if (rc_ == 0 && nrev > 0)
        rc_ = run_exec(sd->c, STMT_cli_disclosure_seed_reviews, 5, vp);
    sd->reviews += nrev;
    arena_free(&a);
    return rc_;
}

static int
int_cmp(const void *x, const void *y)
{
    return *(const int *)x - *(const int *)y;
}

static int
load_calendar(struct seed *sd)
{
    PGresult *res =
        db_cli_exec(sd->c, STMT_cli_disclosure_seed_calendar, 0, NULL);
    if (res == NULL || PQgetisnull(res, 0, 0)) {
        PQclear(res);
        return -1;
    }
    sd->cal.lo = atoi(PQgetvalue(res, 0, 0));
    sd->cal.today = atoi(PQgetvalue(res, 0, 1));
    const char *wd = PQgetvalue(res, 0, 2);
    sd->cal.n = (int)strlen(wd);
    sd->cal.wd = strdup(wd);
    PQclear(res);
    if (sd->cal.wd == NULL || dcal_prepare(&sd->cal) != 0)
        return -1;
    if (sd->cal.today <= sd->cal.lo ||
        sd->cal.today >= sd->cal.lo + sd->cal.n ||
        year_of(sd->cal.today) - year_of(sd->cal.lo) >= (int)N(sd->base)) {
        fputs("gongkai seed: today lies outside the working-day calendar\n",
              stderr);
        return -1;
    }
    sd->y0 = year_of(sd->cal.lo);
    return 0;
}

static int
load_depts(struct seed *sd)
{
    PGresult *res = db_cli_exec(sd->c, STMT_cli_disclosure_seed_depts, 0, NULL);
    if (res == NULL || PQntuples(res) == 0) {
        PQclear(res);
        return -1;
    }
    sd->ndepts = PQntuples(res);
    sd->dept_ids = calloc((size_t)sd->ndepts, sizeof(int));
    for (int i = 0; sd->dept_ids && i < sd->ndepts; i++)
        sd->dept_ids[i] = atoi(PQgetvalue(res, i, 0));
    PQclear(res);
    return sd->dept_ids ? 0 : -1;
}

/* Reserves each year's block of tracking numbers (the counters move on,
 * so numbers later given to real requests never collide). */
static int
reserve_numbers(struct seed *sd, const int *days, long n)
{
    long count[N(sd->base)] = {0};
    for (long i = 0; i < n; i++)
        count[year_of(days[i]) - sd->y0]++;
    for (size_t y = 0; y < N(sd->base); y++) {
        if (count[y] == 0)
            continue;
        char ys[16], ns[24];
        snprintf(ys, sizeof(ys), "%d", sd->y0 + (int)y);
        snprintf(ns, sizeof(ns), "%ld", count[y]);
        const char *p[] = {ys, ns};
        PGresult *res =
            db_cli_exec(sd->c, STMT_cli_disclosure_seed_reserve, 2, p);
        if (res == NULL)
            return -1;
        sd->base[y] = atol(PQgetvalue(res, 0, 0)) - count[y] + 1;
        PQclear(res);
    }
    return 0;
}

/* Replays a sample through disclosure_step(); 0 when all agree. */
static int
check_sample(struct seed *sd, const char *above)
{
    char every[8];
    snprintf(every, sizeof(every), "%d", CHECK_EVERY);
    const char *p[] = {above, every};
    PGresult *res = db_cli_exec(sd->c, STMT_cli_disclosure_seed_check, 2, p);
    if (res == NULL)
        return -1;
    long bad = atol(PQgetvalue(res, 0, 0)), n = atol(PQgetvalue(res, 0, 1));
    PQclear(res);
    printf("seed: disclosure replayed %ld requests through disclosure_step(): "
           "%ld differ\n",
           n, bad);
    return bad == 0 ? 0 : -1;
}

static int
seed_load(struct seed *sd, long n)
{
    uint64_t rng = 20240101;
    int *days = malloc((size_t)n * sizeof(int));
    if (days == NULL)
        return -1;
    for (long i = 0; i < n; i++)
        days[i] = received_day(sd, &rng);
    qsort(days, (size_t)n, sizeof(int), int_cmp);
    PGresult *m = NULL;
    int rc = run_exec(sd->c, STMT_cli_tx_begin, 0, NULL);
    if (rc == 0)
        rc = reserve_numbers(sd, days, n);
    if (rc == 0 && (m = db_cli_exec(sd->c, STMT_cli_disclosure_seed_maxid, 0,
                                    NULL)) == NULL)
        rc = -1;
    if (rc == 0)
        rc = run_exec(sd->c, STMT_cli_disclosure_seed_trigger_off, 0, NULL);
    for (long i = 0; rc == 0 && i < n; i += SEED_BATCH)
        rc = load_batch(sd, i, i + SEED_BATCH < n ? i + SEED_BATCH : n, rng,
                        days);
    if (rc == 0)
        rc = run_exec(sd->c, STMT_cli_disclosure_seed_trigger_on, 0, NULL);
    if (rc == 0)
        rc = check_sample(sd, PQgetvalue(m, 0, 0));
    rc = rc == 0 ? run_exec(sd->c, STMT_cli_tx_commit, 0, NULL)
                 : (run_exec(sd->c, STMT_cli_tx_rollback, 0, NULL), -1);
    if (rc == 0)
        rc = run_exec(sd->c, STMT_cli_disclosure_seed_vacuum, 0, NULL);
    PQclear(m);
    free(days);
    return rc;
}

int
disclosure_seed(PGconn *c, long n)
{
    struct seed sd = {.c = c};
    struct arena a;
    unsigned char h[INDEX_BYTES];
    arena_init(&a, 1024);
    sd.ks = keys_load(cfg.keys);
    int rc = sd.ks ? 0 : -1;
    if (rc == 0)
        rc = load_calendar(&sd);
    if (rc == 0)
        rc = load_depts(&sd);
    if (rc == 0) {
        crypt_index(sd.ks, "disclosure_requests.code_hash", SEED_CODE,
                    strlen(SEED_CODE), h);
        sd.code_hash = bytea_hex(&a, h, sizeof(h));
        rc = seed_load(&sd, n);
    }
    if (rc == 0)
        printf("seed: disclosure %ld requests, %ld events, %ld reviews "
               "(access code SEED-CODE-2026)\n",
               n, sd.events, sd.reviews);
    free(sd.cal.wd);
    free(sd.cal.cum);
    free(sd.dept_ids);
    keys_free(sd.ks);
    arena_free(&a);
    return rc;
}
