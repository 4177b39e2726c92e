/* 公众代表列席, public side: the list, a meeting's page, its iCalendar
 * event and the draw page with everything needed to recompute the draw. */
#include "meetings.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "draw.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

/* ---- shared helpers ---- */

const char *
meeting_num(struct req *r, long long v)
{
    return arena_printf(r->a, "%lld", v);
}

static bool
db_bool(PGresult *res, int row, int col)
{
    return strcmp(db_get(res, row, col), "t") == 0;
}

struct meeting *
meeting_load(struct req *r)
{
    PGresult *res = DBQ(r, STMT_meeting_get, r->args[0]);
    if (res == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "会议不存在", "没有找到这个会议，可能地址有误。");
        return NULL;
    }
    struct meeting *m = arena_zalloc(r->a, sizeof(*m));
    m->id = db_getll(res, 0, 0);
    m->topic = db_get(res, 0, 1);
    m->dept_id = (int)db_getll(res, 0, 2);
    m->dept = db_get(res, 0, 3);
    m->starts_at = db_get(res, 0, 4);
    m->place = db_get(res, 0, 5);
    m->seats = (int)db_getll(res, 0, 6);
    m->reserved_grassroots = (int)db_getll(res, 0, 7);
    m->reserved_stakeholder = (int)db_getll(res, 0, 8);
    m->apply_from = db_get(res, 0, 9);
    m->apply_until = db_get(res, 0, 10);
    m->eligibility = db_get(res, 0, 11);
    m->description = db_get(res, 0, 12);
    m->decision = db_get(res, 0, 13);
    m->decision_at = db_get(res, 0, 14);
    m->phase = db_get(res, 0, 15);
    m->committed = db_bool(res, 0, 16);
    m->drawn = db_bool(res, 0, 17);
    m->started = db_bool(res, 0, 18);
    m->applications = (long)db_getll(res, 0, 19);
    m->pending = (long)db_getll(res, 0, 20);
    m->ics_start = db_get(res, 0, 21);
    m->ics_created = db_get(res, 0, 22);
    m->ics_now = db_get(res, 0, 23);
    return m;
}

static const char *
label_of(const char *const (*tab)[2], size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i][0], v) == 0)
            return tab[i][1];
    return v;
}

#define LABEL(tab, v) label_of(tab, sizeof(tab) / sizeof(tab[0]), v)

const char *
meeting_category_label(const char *c)
{
    static const char *const tab[][2] = {
        {"resident", "居民"},
        {"enterprise", "企业代表"},
        {"stakeholder", "利害关系人"},
        {"grassroots", "基层一线人员"},
    };
    return LABEL(tab, c);
}

const char *
meeting_status_label(const char *s)
{
    static const char *const tab[][2] = {
        {"pending", "等待审核"},      {"eligible", "审核通过，等待抽选"},
        {"ineligible", "不符合条件"}, {"selected", "已抽中，请按时列席"},
        {"not_selected", "未被抽中"},
    };
    return LABEL(tab, s);
}

const char *
meeting_adoption_label(const char *s)
{
    static const char *const tab[][2] = {
        {"adopted", "已采纳"},
        {"partly", "部分采纳"},
        {"not_adopted", "未采纳"},
    };
    return LABEL(tab, s);
}

const char *
meeting_quota_label(const char *q)
{
    static const char *const tab[][2] = {
        {"grassroots", "基层一线预留席位"},
        {"stakeholder", "利害关系人和企业预留席位"},
        {"open", "普通席位"},
    };
    return LABEL(tab, q);
}

void
meeting_facts(struct html *h, const struct meeting *m)
{
    html_open(h, "dl", "class", "facts", NULL);
    page_fact(h, "议题", m->topic, "meeting-topic");
    page_fact(h, "承办部门", m->dept, "meeting-dept");
    page_fact(h, "会议时间", m->starts_at, "meeting-time");
    page_fact(h, "会议地点", m->place, "meeting-place");
    html_elem(h, "dt", "公众代表席位", NULL);
    html_open(h, "dd", "id", "meeting-seats", NULL);
    html_textf(h,
               "共 %d 席，其中基层一线预留 %d 席，利害关系人和企业预留 %d 席",
               m->seats, m->reserved_grassroots, m->reserved_stakeholder);
    html_close(h, "dd");
    html_elem(h, "dt", "报名时间", NULL);
    html_open(h, "dd", "id", "meeting-window", NULL);
    html_text(h, m->apply_from);
    html_text(h, " 至 ");
    html_text(h, m->apply_until);
    html_close(h, "dd");
    if (*m->eligibility)
        page_fact(h, "报名条件", m->eligibility, "meeting-eligibility");
    html_close(h, "dl");
}

static void
seats_table(struct html *h, PGresult *res)
{
    static const char *const cols[] = {"席位", "类别", "姓名", "电话",
                                       "街道（镇）"};
    page_table(h, "meeting-representatives",
               "抽选产生的列席代表（已隐去部分信息）", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_elem(h, "td", db_get(res, i, 0), NULL);
        html_elem(h, "td", meeting_quota_label(db_get(res, i, 1)), NULL);
        html_elem(h, "td", db_get(res, i, 2), NULL);
        html_elem(h, "td", db_get(res, i, 3), NULL);
        html_elem(h, "td", db_get(res, i, 4), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
}

static void
feedback_list(struct html *h, PGresult *res)
{
    html_open(h, "ul", "class", "feedback", "id", "meeting-feedback", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_open(h, "p", "class", "who", NULL);
        html_textf(h, "第 %s 席 ", db_get(res, i, 6));
        html_text(h, db_get(res, i, 0));
        html_text(h, " 的意见：");
        html_close(h, "p");
        html_elem(h, "blockquote", db_get(res, i, 1), NULL);
        html_open(h, "p", NULL);
        html_elem(h, "strong", meeting_adoption_label(db_get(res, i, 2)),
                  "class", "adoption", "data-adoption", db_get(res, i, 2),
                  NULL);
        html_text(h, "　");
        html_text(h, db_get(res, i, 3));
        html_close(h, "p");
        html_close(h, "li");
    }
    html_close(h, "ul");
}

void
meeting_results(struct req *r, struct html *h, const struct meeting *m)
{
    const char *id = meeting_num(r, m->id);
    if (m->drawn) {
        PGresult *res = DBQ(r, STMT_meeting_seat_list, id);
        if (res == NULL)
            return;
        html_open(h, "section", "aria-labelledby", "h-reps", NULL);
        html_elem(h, "h2", "列席代表", "id", "h-reps", NULL);
        if (PQntuples(res) == 0)
            html_elem(h, "p", "本次没有符合条件的报名者，未产生列席代表。",
                      NULL);
        else
            seats_table(h, res);
        html_close(h, "section");
    }
    PGresult *fb = DBQ(r, STMT_meeting_feedback_list, id);
    if (fb != NULL && PQntuples(fb) > 0) {
        html_open(h, "section", "aria-labelledby", "h-feedback", NULL);
        html_elem(h, "h2", "代表意见采纳情况", "id", "h-feedback", NULL);
        feedback_list(h, fb);
        html_close(h, "section");
    }
    if (*m->decision) {
        html_open(h, "section", "aria-labelledby", "h-decision", NULL);
        html_elem(h, "h2", "会议决策情况", "id", "h-decision", NULL);
        html_elem(h, "p", m->decision, "id", "meeting-decision", "class",
                  "prose", NULL);
        html_elem(h, "p", arena_printf(r->a, "公布日期：%s", m->decision_at),
                  "class", "hint", NULL);
        html_close(h, "section");
    }
}

/* ---- GET /meetings ---- */

static const char *
phase_label(const char *phase, bool drawn)
{
    if (drawn)
        return "已抽选";
    if (strcmp(phase, "before") == 0)
        return "尚未开始报名";
    return strcmp(phase, "open") == 0 ? "正在报名" : "报名已结束";
}

void
meetings_list_get(struct req *r)
{
    int page = req_page(r);
    PGresult *res = DBQ(r, STMT_meeting_list, meeting_num(r, page));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "公众代表列席会议");
    html_elem(h, "p",
              "区政府和各部门、街道（镇）讨论与大家生活密切相关的事项时，"
              "邀请市民和企业代表列席会议、发表意见。列席代表从报名者中"
              "公开抽选，并优先安排基层一线人员和利害关系人。",
              "class", "lead", NULL);
    int n = PQntuples(res);
    if (n == 0)
        html_elem(h, "p", "目前没有会议。", NULL);
    html_open(h, "ul", "class", "cards", "id", "meetings", NULL);
    for (int i = 0; i < n; i++) {
        html_open(h, "li", NULL);
        html_open(h, "h2", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/meetings/%s", db_get(res, i, 0)), NULL);
        html_close(h, "h2");
        html_open(h, "p", NULL);
        html_text(h, db_get(res, i, 2));
        html_text(h, "　会议时间：");
        html_text(h, db_get(res, i, 3));
        html_text(h, "　地点：");
        html_text(h, db_get(res, i, 4));
        html_close(h, "p");
        html_open(h, "p", NULL);
        html_textf(h, "公众代表 %s 席　报名时间：", db_get(res, i, 5));
        html_text(h, db_get(res, i, 6));
        html_text(h, " 至 ");
        html_text(h, db_get(res, i, 7));
        html_text(h, "　");
        html_elem(h, "strong",
                  phase_label(db_get(res, i, 8), db_bool(res, i, 9)), "class",
                  "state", NULL);
        html_close(h, "p");
        html_close(h, "li");
    }
    html_close(h, "ul");
    if (n > 0)
        page_pager(r, h, page, db_getll(res, 0, 10));
    page_end(r, h);
}

/* ---- GET /meetings/{id} ---- */

static void
apply_box(struct req *r, struct html *h, const struct meeting *m)
{
    html_open(h, "section", "aria-labelledby", "h-apply", "class", "box", NULL);
    html_elem(h, "h2", "报名列席", "id", "h-apply", NULL);
    if (m->committed || strcmp(m->phase, "closed") == 0) {
        html_elem(h, "p", "报名已经结束。", "id", "apply-state", NULL);
    } else if (strcmp(m->phase, "before") == 0) {
        html_elem(h, "p",
                  arena_printf(r->a, "报名将于 %s 开始。", m->apply_from), "id",
                  "apply-state", NULL);
    } else {
        html_elem(h, "p",
                  arena_printf(r->a, "正在报名，截止时间 %s。", m->apply_until),
                  "id", "apply-state", NULL);
        html_open(h, "p", NULL);
        html_elem(h, "a", "我要报名", "class", "button", "href",
                  arena_printf(r->a, "/meetings/%lld/apply", m->id), NULL);
        html_close(h, "p");
    }
    html_close(h, "section");
}

void
meeting_get(struct req *r)
{
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return;
    struct html *h = page_begin(r, m->topic);
    meeting_facts(h, m);
    if (*m->description)
        html_elem(h, "p", m->description, "class", "prose", "id",
                  "meeting-description", NULL);
    apply_box(r, h, m);
    if (m->committed) {
        html_open(h, "p", NULL);
        html_elem(h, "a",
                  m->drawn ? "查看抽选过程和结果（可自行验算）"
                           : "查看已公示的抽选名单",
                  "href", arena_printf(r->a, "/meetings/%lld/draw", m->id),
                  NULL);
        html_close(h, "p");
    }
    meeting_results(r, h, m);
    html_open(h, "p", NULL);
    html_elem(h, "a", "把会议加入日历（.ics 文件）", "href",
              arena_printf(r->a, "/meetings/%lld.ics", m->id), NULL);
    html_close(h, "p");
    page_end(r, h);
}

/* ---- GET /meetings/{id}.ics (RFC 5545) ---- */

/* A content line: TEXT escaped (3.3.11) and folded at 75 octets (3.1)
 * without splitting a UTF-8 sequence. */
static void
ics_line(struct buf *b, const char *name, const char *text)
{
    struct buf v;
    buf_init(&v, b->a, 128);
    buf_puts(&v, name);
    buf_putc(&v, ':');
    for (const char *p = text; *p; p++) {
        if (*p == '\\' || *p == ';' || *p == ',')
            buf_putc(&v, '\\');
        if (*p == '\n') {
            buf_puts(&v, "\\n");
            continue;
        }
        if (*p != '\r')
            buf_putc(&v, *p);
    }
    size_t col = 0;
    for (size_t i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];
        size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (col + len > 75) {
            buf_puts(b, "\r\n ");
            col = 1;
        }
        buf_put(b, v.p + i, len);
        col += len;
        i += len - 1;
    }
    buf_puts(b, "\r\n");
}

void
meeting_ics_get(struct req *r)
{
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return;
    struct buf *b = &r->resp.body;
    r->resp.ctype = "text/calendar; charset=utf-8";
    buf_puts(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                "PRODID:-//gongkai//meetings//ZH\r\nCALSCALE:GREGORIAN\r\n"
                "BEGIN:VEVENT\r\n");
    buf_printf(b, "UID:meeting-%lld@gongkai\r\n", m->id);
    buf_printf(b, "DTSTAMP:%s\r\nCREATED:%s\r\nDTSTART:%s\r\n", m->ics_now,
               m->ics_created, m->ics_start);
    ics_line(b, "SUMMARY", arena_printf(r->a, "列席会议：%s", m->topic));
    ics_line(b, "LOCATION", m->place);
    ics_line(b, "ORGANIZER;CN=长宁区政务公开", "mailto:noreply@invalid");
    ics_line(b, "DESCRIPTION", *m->description ? m->description : m->topic);
    buf_puts(b, "END:VEVENT\r\nEND:VCALENDAR\r\n");
    (void)resp_header(
        r, "Content-Disposition",
        arena_printf(r->a, "attachment; filename=\"meeting-%lld.ics\"", m->id));
}

/* ---- GET /meetings/{id}/draw ---- */

static void
algorithm_text(struct html *h)
{
    static const char *const steps[] = {
        "承诺：抽选之前，先公布“承诺文本”：会议编号、席位数、预留席位数，"
        "以及按报名先后排列的全部审核通过者（姓名和电话已隐去部分）。"
        "承诺哈希 = 承诺文本（UTF-8 字节）的 SHA-256，十六进制小写。",
        "种子：承诺公布之后，由两位或更多见证人各自现场报出一个值（一行一个，"
        "去掉每行首尾空格，空行不计）。种子 = SHA-256（承诺哈希 + 换行 + "
        "各行见证值以换行连接）。",
        "随机数：第 i 块 = SHA-256（种子的 32 个字节 + i 的 8 字节大端表示），"
        "i 从 0 开始；每块依次切成 8 个 4 字节大端无符号整数 x。",
        "在 m 人中抽 1 人：取下一个 x；若 x ≥ 2^32 − (2^32 mod m) 则丢弃重取"
        "（保证每人机会均等）；否则结果为 j = x mod m。",
        "分三轮抽选，随机数连续使用：第一轮在“基层一线人员”中抽基层预留席位；"
        "第二轮在“利害关系人”和“企业代表”中抽对应预留席位；第三轮在所有尚未"
        "抽中的人中抽剩余席位。人数不足时，该轮有几人抽几人，空出的预留席位"
        "转入第三轮。",
        "每一轮：把本轮候选人按承诺文本中的顺序排好，记为 P，人数 n。"
        "依次对 i = 0, 1, … 抽：j = 在 (n − i) 人中抽 1 人的结果，交换 P[i] "
        "和 P[i + j]，P[i] 获得下一个席位。",
    };
    html_open(h, "ol", "class", "steps", "id", "draw-algorithm", NULL);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        html_elem(h, "li", steps[i], NULL);
    html_close(h, "ol");
}

/* The numbers of this very draw, pick by pick: the worked example. */
static void
worked_example(struct req *r, struct html *h, const char *body,
               const char *hash, const char *inputs)
{
    long long mid;
    struct draw_quotas q;
    struct draw_entry *e;
    size_t n;
    unsigned char seed[32], in[40], blk[32];
    if (draw_parse(r->a, body, &mid, &q, &e, &n) != 0)
        return;
    draw_seed(hash, inputs, seed);
    memcpy(in, seed, 32);
    memset(in + 32, 0, 8);
    crypto_hash_sha256(blk, in, sizeof(in));
    char hex[DRAW_HEX];
    sodium_bin2hex(hex, sizeof(hex), blk, sizeof(blk));
    struct draw_pick *p = arena_alloc(r->a, (size_t)q.seats * sizeof(*p));
    size_t k = draw_run(r->a, seed, &q, e, n, p);
    html_open(h, "p", NULL);
    html_text(h, "第 0 块 = SHA-256（种子 + 0000000000000000）= ");
    html_elem(h, "code", hex, "id", "draw-block0", NULL);
    html_close(h, "p");
    static const char *const cols[] = {
        "席位", "轮次", "候选人数 m", "x", "j = x mod m", "抽中（报名编号）"};
    page_table(h, "draw-trace", "逐席演算", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (size_t i = 0; i < k; i++) {
        html_open(h, "tr", NULL);
        html_elem(h, "td", arena_printf(r->a, "%zu", i + 1), NULL);
        html_elem(h, "td", meeting_quota_label(draw_quota_name(p[i].quota)),
                  NULL);
        html_elem(h, "td", arena_printf(r->a, "%d", p[i].pool), NULL);
        html_elem(h, "td",
                  arena_printf(r->a, "%u (0x%08x)%s", p[i].x, p[i].x,
                               p[i].rejected ? "，此前有数被丢弃" : ""),
                  NULL);
        html_elem(h, "td", arena_printf(r->a, "%d", p[i].j), NULL);
        html_elem(h, "td", arena_printf(r->a, "%lld", p[i].aid), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
}

static void
draw_commitment_section(struct html *h, PGresult *c)
{
    html_open(h, "section", "aria-labelledby", "h-commit", NULL);
    html_elem(h, "h2", "一、承诺（抽选前公布的名单）", "id", "h-commit", NULL);
    html_elem(h, "p", arena_printf(h->out->a, "公布时间：%s", db_get(c, 0, 2)),
              NULL);
    html_open(h, "p", NULL);
    html_text(h, "承诺哈希（SHA-256）：");
    html_elem(h, "code", db_get(c, 0, 1), "id", "draw-commitment-hash", NULL);
    html_close(h, "p");
    html_elem(h, "pre", db_get(c, 0, 0), "id", "draw-commitment", NULL);
    html_close(h, "section");
}

static void
draw_seed_section(struct html *h, PGresult *d)
{
    html_open(h, "section", "aria-labelledby", "h-seed", NULL);
    html_elem(h, "h2", "二、种子（承诺公布后由见证人给出）", "id", "h-seed",
              NULL);
    html_elem(h, "p", arena_printf(h->out->a, "抽选时间：%s", db_get(d, 0, 3)),
              NULL);
    html_elem(h, "p", "见证人给出的值（一行一个）：", NULL);
    html_elem(h, "pre", db_get(d, 0, 0), "id", "draw-seed-inputs", NULL);
    html_open(h, "p", NULL);
    html_text(h, "种子：");
    html_elem(h, "code", db_get(d, 0, 1), "id", "draw-seed", NULL);
    html_close(h, "p");
    html_close(h, "section");
}

void
meeting_draw_get(struct req *r)
{
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return;
    const char *id = meeting_num(r, m->id);
    PGresult *c = DBQ(r, STMT_meeting_commitment_get, id);
    PGresult *d = c ? DBQ(r, STMT_meeting_draw_get, id) : NULL;
    if (d == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, arena_printf(r->a, "抽选：%s", m->topic));
    html_elem(h, "p",
              "列席代表由公开抽选产生。本页公布抽选用到的全部数据和方法，"
              "任何人都可以不用本网站的程序，自己重新计算并核对结果。",
              "class", "lead", NULL);
    if (PQntuples(c) == 0) {
        html_elem(h, "p", "抽选名单尚未公示。", "id", "draw-state", NULL);
        page_end(r, h);
        return;
    }
    draw_commitment_section(h, c);
    if (PQntuples(d) == 1) {
        draw_seed_section(h, d);
    } else {
        html_elem(h, "p", "尚未抽选：种子将在抽选时由见证人给出。", "id",
                  "draw-state", NULL);
    }
    html_open(h, "section", "aria-labelledby", "h-algo", NULL);
    html_elem(h, "h2", "三、抽选方法", "id", "h-algo", NULL);
    algorithm_text(h);
    if (PQntuples(d) == 1) {
        html_elem(h, "h3", "本次抽选的演算过程（实例）", NULL);
        worked_example(r, h, db_get(c, 0, 0), db_get(c, 0, 1), db_get(d, 0, 0));
    }
    html_close(h, "section");
    if (PQntuples(d) == 1) {
        html_open(h, "section", "aria-labelledby", "h-result", NULL);
        html_elem(h, "h2", "四、结果", "id", "h-result", NULL);
        html_elem(h, "p", "每行：席位 报名编号 轮次", NULL);
        html_elem(h, "pre", db_get(d, 0, 2), "id", "draw-result", NULL);
        html_close(h, "section");
        meeting_results(r, h, m);
    }
    page_end(r, h);
}
