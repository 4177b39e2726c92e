/* 公众代表列席, staff: publish a meeting, review applications, commit the
 * list, draw, record feedback and the decision. Staff act on their own
 * department's meetings only (admins on all); every action is audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypt.h"
#include "db.h"
#include "draw.h"
#include "meetings.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

#define PHONE_CTX "meeting_applications.phone"

/* ---- helpers ---- */

/* The meeting of r->args[0] if this staff member may act on it. */
static struct meeting *
staff_meeting(struct req *r)
{
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return NULL;
    (void)req_user(r);
    if (!access_dept(r, m->dept_id)) {
        page_error(r, 403, "没有权限", "这个会议不属于您所在的部门。");
        return NULL;
    }
    return m;
}

static void
conflict(struct req *r, const struct meeting *m, const char *msg)
{
    buf_clear(&r->resp.body);
    struct html *h = page_begin(r, "无法办理");
    html_elem(h, "p", msg, "class", "notice", "role", "alert", "id", "conflict",
              NULL);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回会议管理", "href",
              arena_printf(r->a, "/admin/meetings/%lld", m->id), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = 409;
}

/* Audit, remember the answer, commit, redirect. */
static void
tx_done(struct req *r, const char *action, const char *object,
        const char *detail, const char *loc)
{
    if (audit(r, action, object, detail) != 0 || form_once_done(r, loc) != 0 ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, loc);
}

static const char *
admin_loc(struct req *r, const struct meeting *m)
{
    return arena_printf(r->a, "/admin/meetings/%lld", m->id);
}

static const char *
state_label(const char *s)
{
    static const char *const tab[][2] = {
        {"before", "未开始报名"},
        {"open", "报名中"},
        {"closed", "报名已截止，待公示名单"},
        {"committed", "名单已公示，待抽选"},
        {"drawn", "已抽选"},
    };
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (strcmp(tab[i][0], s) == 0)
            return tab[i][1];
    return s;
}

/* ---- the staff home tile ---- */

void
meetings_admin_tile(struct req *r, struct html *h)
{
    struct user *u = req_user(r);
    PGresult *res =
        DBQ(r, STMT_meeting_tile, u->role == ROLE_ADMIN ? "true" : "false",
            meeting_num(r, u->dept));
    if (res == NULL)
        return;
    html_open(h, "li", NULL);
    html_open(h, "a", "href", "/admin/meetings", NULL);
    html_elem(h, "h2", "公众代表列席", NULL);
    html_open(h, "p", "id", "tile-meetings", NULL);
    html_textf(h, "进行中的会议 %s 个，待审核报名 %s 份", db_get(res, 0, 0),
               db_get(res, 0, 1));
    html_close(h, "p");
    html_close(h, "a");
    html_close(h, "li");
}

/* ---- GET /admin/meetings ---- */

void
meetings_admin_list_get(struct req *r)
{
    struct user *u = req_user(r);
    int page = req_page(r);
    PGresult *res = DBQ(r, STMT_meeting_admin_list,
                        u->role == ROLE_ADMIN ? "true" : "false",
                        meeting_num(r, u->dept), meeting_num(r, page));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "列席会议管理");
    html_open(h, "p", NULL);
    html_elem(h, "a", "发布新会议", "class", "button", "href",
              "/admin/meetings/new", NULL);
    html_close(h, "p");
    int n = PQntuples(res);
    if (n == 0) {
        html_elem(h, "p", "还没有会议。", NULL);
        page_end(r, h);
        return;
    }
    static const char *const cols[] = {"议题",     "部门",      "会议时间",
                                       "报名截止", "报名/待审", "进度"};
    page_table(h, "admin-meetings", "本部门的会议（管理员可见全部）", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < n; i++) {
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/admin/meetings/%s", db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        for (int c = 2; c <= 4; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_elem(
            h, "td",
            arena_printf(r->a, "%s / %s", db_get(res, i, 5), db_get(res, i, 6)),
            NULL);
        html_elem(h, "td", state_label(db_get(res, i, 7)), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    page_pager(r, h, page, db_getll(res, 0, 8));
    page_end(r, h);
}

/* ---- GET /admin/meetings/new, POST /admin/meetings ---- */

static const struct field f_topic = {
    "topic", "议题", "text", "会议要讨论的事项，例如：某小区加装电梯方案",
    NULL,    true,   200};
static const struct field f_dept = {"dept", "承办部门", "select", NULL,
                                    NULL,   true,       0};
static const struct field f_starts = {
    "starts_at", "会议时间", "datetime-local", "格式：2024-06-01 14:30", NULL,
    true,        20};
static const struct field f_place = {"place", "会议地点", "text", NULL,
                                     NULL,    true,       200};
static const struct field f_seats = {
    "seats", "公众代表席位数", "number", "1 到 100", NULL, true, 3};
static const struct field f_rg = {"reserved_grassroots",
                                  "其中为基层一线人员预留",
                                  "number",
                                  "不预留填 0",
                                  NULL,
                                  true,
                                  3};
static const struct field f_rs = {"reserved_stakeholder",
                                  "其中为利害关系人和企业代表预留",
                                  "number",
                                  "不预留填 0",
                                  NULL,
                                  true,
                                  3};
static const struct field f_from = {"apply_from",
                                    "报名开始时间",
                                    "datetime-local",
                                    "格式：2024-05-01 09:00",
                                    NULL,
                                    true,
                                    20};
static const struct field f_until = {"apply_until",
                                     "报名截止时间",
                                     "datetime-local",
                                     "须早于会议时间，格式：2024-05-20 17:00",
                                     NULL,
                                     true,
                                     20};
static const struct field f_elig = {
    "eligibility",
    "谁可以报名",
    "textarea",
    "例如：本区常住居民，年满 18 周岁（选填，不超过 500 字）",
    NULL,
    false,
    500};
static const struct field f_desc = {
    "description", "会议说明", "textarea", "不超过 5000 字", NULL, false, 5000};

static void
new_form(struct req *r, struct form *f, int status)
{
    size_t nd = 0;
    struct choice *depts = page_dept_choices(r, DEPT_CODE, true, &nd, NULL);
    if (depts == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "发布列席会议");
    form_open(f, h, "/admin/meetings", false);
    form_field(f, h, &f_topic);
    form_select(f, h, &f_dept, depts, nd, nd == 1 ? depts[0].value : NULL);
    form_field(f, h, &f_starts);
    form_field(f, h, &f_place);
    form_field(f, h, &f_seats);
    form_field(f, h, &f_rg);
    form_field(f, h, &f_rs);
    form_field(f, h, &f_from);
    form_field(f, h, &f_until);
    form_field(f, h, &f_elig);
    form_field(f, h, &f_desc);
    form_submit(h, "发布会议");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

void
meetings_admin_new_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    new_form(r, &f, 200);
}

struct new_meeting {
    const char *topic, *dept, *place, *elig, *desc;
    char starts[17], from[17], until[17];
    long seats, rg, rs;
};

static void
check_text(struct req *r, struct form *f, const char *name, size_t min,
           size_t max, const char **out, const char *empty_msg)
{
    const char *raw = req_param(r, name);
    *out = valid_text(r->a, raw, min, max);
    if (*out == NULL)
        form_error(f, name,
                   *valid_trim(r->a, raw)
                       ? arena_printf(r->a, "不能超过 %zu 个字", max)
                       : empty_msg);
}

static void
check_seats(struct req *r, struct form *f, struct new_meeting *n)
{
    bool ok = valid_int(req_param(r, "seats"), 1, 100, &n->seats);
    if (!ok)
        form_error(f, "seats", "请填写 1 到 100 之间的整数");
    if (!valid_int(req_param(r, "reserved_grassroots"), 0, 100, &n->rg))
        form_error(f, "reserved_grassroots", "请填写 0 或正整数");
    if (!valid_int(req_param(r, "reserved_stakeholder"), 0, 100, &n->rs))
        form_error(f, "reserved_stakeholder", "请填写 0 或正整数");
    if (ok && form_error_of(f, "reserved_grassroots") == NULL &&
        form_error_of(f, "reserved_stakeholder") == NULL &&
        n->rg + n->rs > n->seats)
        form_error(f, "reserved_grassroots",
                   "预留席位之和不能超过公众代表席位数");
}

static void
check_times(struct req *r, struct form *f, struct new_meeting *n)
{
    char now[17];
    req_now_text(r, now);
    bool s = valid_datetime(req_param(r, "starts_at"), n->starts);
    bool a = valid_datetime(req_param(r, "apply_from"), n->from);
    bool b = valid_datetime(req_param(r, "apply_until"), n->until);
    if (!s)
        form_error(f, "starts_at", "请按“2024-06-01 14:30”的格式填写会议时间");
    else if (strcmp(n->starts, now) <= 0)
        form_error(f, "starts_at", "会议时间须在今后");
    if (!a)
        form_error(f, "apply_from", "请按“2024-05-01 09:00”的格式填写");
    if (!b)
        form_error(f, "apply_until", "请按“2024-05-20 17:00”的格式填写");
    else if (strcmp(n->until, now) <= 0)
        form_error(f, "apply_until", "报名截止时间须在今后");
    else if (a && strcmp(n->from, n->until) >= 0)
        form_error(f, "apply_until", "报名截止时间须晚于报名开始时间");
    else if (s && strcmp(n->until, n->starts) > 0)
        form_error(f, "apply_until", "报名截止时间须早于会议时间");
}

static void
create_validate(struct req *r, struct form *f, struct new_meeting *n)
{
    check_text(r, f, "topic", 1, 200, &n->topic, "请填写议题");
    if (n->topic && strpbrk(n->topic, "\r\n"))
        form_error(f, "topic", "议题请写在一行内");
    size_t nd = 0;
    struct choice *d = page_dept_choices(r, DEPT_CODE, true, &nd, NULL);
    n->dept = req_param(r, "dept");
    bool known = false;
    for (size_t i = 0; d && n->dept && i < nd; i++)
        known = known || strcmp(d[i].value, n->dept) == 0;
    if (!known)
        form_error(f, "dept", "请选择承办部门（只能选择您所在的部门）");
    check_times(r, f, n);
    check_text(r, f, "place", 1, 200, &n->place, "请填写会议地点");
    check_seats(r, f, n);
    check_text(r, f, "eligibility", 0, 500, &n->elig, "");
    check_text(r, f, "description", 0, 5000, &n->desc, "");
}

void
meetings_admin_create_post(struct req *r)
{
    struct form f;
    struct new_meeting n;
    form_init(&f, r, true);
    create_validate(r, &f, &n);
    if (!form_ok(&f)) {
        new_form(r, &f, 422);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    PGresult *res =
        DBQ(r, STMT_meeting_create, n.topic, n.dept, n.starts, n.place,
            meeting_num(r, n.seats), meeting_num(r, n.rg), meeting_num(r, n.rs),
            n.from, n.until, n.elig, n.desc, meeting_num(r, r->user->id));
    if (res == NULL || PQntuples(res) != 1) {
        page_fail(r);
        return;
    }
    const char *id = db_get(res, 0, 0);
    tx_done(r, "meeting_create", arena_printf(r->a, "meeting %s", id), n.topic,
            arena_printf(r->a, "/admin/meetings/%s", id));
}

/* ---- GET /admin/meetings/{id} ---- */

static void
applications_table(struct req *r, struct html *h, const struct meeting *m)
{
    PGresult *res =
        DBQ(r, STMT_meeting_applications_list, meeting_num(r, m->id));
    if (res == NULL)
        return;
    html_elem(h, "h2", "报名情况", "id", "h-applications", NULL);
    if (PQntuples(res) == 0) {
        html_elem(h, "p", "还没有人报名。", NULL);
        return;
    }
    static const char *const cols[] = {
        "编号", "姓名", "电话", "街道（镇）", "类别", "与议题的关系", "状态"};
    page_table(h, "admin-applications",
               "报名者（电话已隐去部分，点姓名查看和审核）", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", "data-application", db_get(res, i, 0), NULL);
        html_elem(h, "td", db_get(res, i, 0), NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/admin/meetings/%lld/applications/%s",
                               m->id, db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        html_elem(h, "td", db_get(res, i, 2), NULL);
        html_elem(h, "td", db_get(res, i, 3), NULL);
        html_elem(h, "td", meeting_category_label(db_get(res, i, 4)), NULL);
        html_elem(h, "td", db_get(res, i, 5), NULL);
        html_elem(h, "td", meeting_status_label(db_get(res, i, 6)),
                  "data-status", db_get(res, i, 6), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
}

static const struct field f_seed = {
    "seed_inputs",
    "见证人给出的值",
    "textarea",
    "一行一个，至少两行，例如：张伟（区人大代表）：4821。名单公示后才能抽选，"
    "抽选只能进行一次。",
    NULL,
    true,
    4000};
static const struct field f_appid = {
    "application_id", "选择列席代表", "select", NULL, NULL, true, 0};
static const struct field f_opinion = {
    "opinion", "代表的意见", "textarea", "不超过 2000 字", NULL, true, 2000};
static const struct field f_adoption = {"adoption", "采纳情况", "radio", NULL,
                                        NULL,       true,       0};
static const struct field f_expl = {
    "explanation", "说明",
    "textarea",    "采纳了什么、为什么没有采纳（不超过 2000 字）",
    NULL,          true,
    2000};
static const struct field f_decision = {
    "decision", "会议决策情况", "textarea", "会议作出的决定，不超过 5000 字",
    NULL,       true,           5000};

static const struct choice adoptions[] = {
    {"adopted", "已采纳"},
    {"partly", "部分采纳"},
    {"not_adopted", "未采纳"},
};

static void
commit_section(struct req *r, struct html *h, const struct meeting *m)
{
    html_elem(h, "h2", "公示名单", "id", "h-commit", NULL);
    if (m->committed) {
        html_open(h, "p", NULL);
        html_text(h, "名单已公示，报名和审核已封存。");
        html_elem(h, "a", "查看公示", "href",
                  arena_printf(r->a, "/meetings/%lld/draw", m->id), NULL);
        html_close(h, "p");
        return;
    }
    html_elem(h, "p",
              "报名截止、全部报名审核完毕后，公示审核通过者名单及其哈希值。"
              "公示后不能再报名或修改审核结果。",
              NULL);
    struct form f;
    form_init(&f, r, false);
    form_open(&f, h, arena_printf(r->a, "/admin/meetings/%lld/commit", m->id),
              false);
    form_submit(h, "公示名单");
    form_close(h);
}

static void
draw_section(struct req *r, struct html *h, const struct meeting *m,
             struct form *f)
{
    html_elem(h, "h2", "抽选", "id", "h-draw", NULL);
    if (m->drawn) {
        html_open(h, "p", NULL);
        html_text(h, "已抽选。");
        html_elem(h, "a", "查看抽选过程和结果", "href",
                  arena_printf(r->a, "/meetings/%lld/draw", m->id), NULL);
        html_close(h, "p");
        return;
    }
    if (!m->committed) {
        html_elem(h, "p", "名单公示后才能抽选。", NULL);
        return;
    }
    form_open(f, h, arena_printf(r->a, "/admin/meetings/%lld/draw", m->id),
              false);
    form_field(f, h, &f_seed);
    form_submit(h, "抽选");
    form_close(h);
}

static void
feedback_section(struct req *r, struct html *h, const struct meeting *m,
                 struct form *f)
{
    html_elem(h, "h2", "意见采纳反馈", "id", "h-feedback-form", NULL);
    if (!m->drawn || !m->started) {
        html_elem(h, "p", "会议召开后，在这里登记列席代表的意见和采纳情况。",
                  NULL);
        return;
    }
    PGresult *res = DBQ(r, STMT_meeting_seat_list, meeting_num(r, m->id));
    if (res == NULL || PQntuples(res) == 0) {
        html_elem(h, "p", "没有列席代表。", NULL);
        return;
    }
    struct choice *reps =
        arena_alloc(r->a, (size_t)PQntuples(res) * sizeof(*reps));
    for (int i = 0; i < PQntuples(res); i++) {
        reps[i].value = db_get(res, i, 6);
        reps[i].label =
            arena_printf(r->a, "第 %s 席 %s（%s）", db_get(res, i, 0),
                         db_get(res, i, 2), db_get(res, i, 3));
    }
    form_open(f, h, arena_printf(r->a, "/admin/meetings/%lld/feedback", m->id),
              false);
    form_select(f, h, &f_appid, reps, (size_t)PQntuples(res), NULL);
    form_field(f, h, &f_opinion);
    form_radios(f, h, &f_adoption, adoptions, 3, NULL);
    form_field(f, h, &f_expl);
    form_submit(h, "发布反馈");
    form_close(h);
}

static void
decision_section(struct req *r, struct html *h, const struct meeting *m,
                 struct form *f)
{
    html_elem(h, "h2", "公布会议决策情况", "id", "h-decision-form", NULL);
    if (!m->started) {
        html_elem(h, "p", "会议召开后，在这里公布决策情况。", NULL);
        return;
    }
    form_open(f, h, arena_printf(r->a, "/admin/meetings/%lld/decision", m->id),
              false);
    form_field(f, h, &f_decision);
    form_submit(h, "公布");
    form_close(h);
}

/* The meeting's staff page; which names the form shown again with f. */
static void
admin_page(struct req *r, const struct meeting *m, const char *which,
           struct form *f, int status)
{
    struct form fresh[3];
    for (int i = 0; i < 3; i++)
        form_init(&fresh[i], r, false);
    buf_clear(&r->resp.body);
    struct html *h = page_begin(r, m->topic);
    html_open(h, "p", NULL);
    html_elem(h, "a", "查看公开页面", "href",
              arena_printf(r->a, "/meetings/%lld", m->id), NULL);
    html_close(h, "p");
    meeting_facts(h, m);
    applications_table(r, h, m);
    commit_section(r, h, m);
    draw_section(r, h, m, strcmp(which, "draw") == 0 ? f : &fresh[0]);
    feedback_section(r, h, m, strcmp(which, "feedback") == 0 ? f : &fresh[1]);
    decision_section(r, h, m, strcmp(which, "decision") == 0 ? f : &fresh[2]);
    meeting_results(r, h, m);
    page_end(r, h);
    r->resp.status = status;
}

void
meetings_admin_get(struct req *r)
{
    struct meeting *m = staff_meeting(r);
    if (m != NULL)
        admin_page(r, m, "", NULL, 200);
}

/* ---- an application: the full record and the review ---- */

static const struct field f_review = {"decision", "审核结果", "radio", NULL,
                                      NULL,       true,       0};
static const struct field f_reason = {
    "reason",   "理由",
    "textarea", "不符合条件时必须填写，报名者会看到这段话（不超过 500 字）",
    NULL,       false,
    500};

static const struct choice reviews[] = {
    {"eligible", "符合条件"},
    {"ineligible", "不符合条件"},
};

static void
application_facts(struct req *r, struct html *h, PGresult *res)
{
    size_t plen = 0;
    unsigned char *enc = bytea_parse(r->a, db_get(res, 0, 2), &plen);
    char *phone =
        enc ? crypt_open(r->a, r->w->keys, PHONE_CTX, enc, plen, &plen) : NULL;
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "姓名", NULL);
    html_elem(h, "dd", db_get(res, 0, 1), NULL);
    html_elem(h, "dt", "手机号（完整，查看已记录）", NULL);
    html_elem(h, "dd", phone ? phone : "（无法解密）", "id",
              "application-phone", NULL);
    html_elem(h, "dt", "街道（镇）", NULL);
    html_elem(h, "dd", db_get(res, 0, 4), NULL);
    html_elem(h, "dt", "类别", NULL);
    html_elem(h, "dd", meeting_category_label(db_get(res, 0, 5)), NULL);
    html_elem(h, "dt", "与议题的关系", NULL);
    html_elem(h, "dd", db_get(res, 0, 6), NULL);
    html_elem(h, "dt", "报名时间", NULL);
    html_elem(h, "dd", db_get(res, 0, 9), NULL);
    html_elem(h, "dt", "审核", NULL);
    html_elem(h, "dd", meeting_status_label(db_get(res, 0, 7)), "id",
              "application-review", NULL);
    html_close(h, "dl");
}

static void
application_page(struct req *r, const struct meeting *m, struct form *f,
                 int status)
{
    PGresult *res =
        DBQ(r, STMT_meeting_application_get, meeting_num(r, m->id), r->args[1]);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "没有这份报名", "没有找到这份报名。");
        return;
    }
    /* The full phone number is shown: the view is on the record. */
    if (audit(r, "meeting_application_view",
              arena_printf(r->a, "application %s", r->args[1]),
              m->topic) != 0) {
        page_fail(r);
        return;
    }
    buf_clear(&r->resp.body);
    struct html *h = page_begin(r, "报名详情");
    html_open(h, "p", NULL);
    html_elem(h, "a", m->topic, "href", admin_loc(r, m), NULL);
    html_close(h, "p");
    application_facts(r, h, res);
    if (m->committed) {
        html_elem(h, "p", "名单已公示，审核结果不能再修改。", NULL);
    } else {
        form_open(f, h,
                  arena_printf(r->a,
                               "/admin/meetings/%lld/applications/%s/review",
                               m->id, r->args[1]),
                  false);
        const char *cur = db_get(res, 0, 7);
        form_radios(f, h, &f_review, reviews, 2,
                    strcmp(cur, "pending") == 0 ? NULL : cur);
        form_field(f, h, &f_reason);
        form_submit(h, "保存审核结果");
        form_close(h);
    }
    page_end(r, h);
    r->resp.status = status;
}

void
meetings_admin_application_get(struct req *r)
{
    struct form f;
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    form_init(&f, r, false);
    application_page(r, m, &f, 200);
}

void
meetings_admin_review_post(struct req *r)
{
    struct form f;
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    form_init(&f, r, true);
    const char *d = req_param(r, "decision");
    const char *reason = valid_text(r->a, req_param(r, "reason"), 0, 500);
    bool elig = d && strcmp(d, "eligible") == 0;
    if (!elig && !(d && strcmp(d, "ineligible") == 0))
        form_error(&f, "decision", "请选择审核结果");
    if (reason == NULL)
        form_error(&f, "reason", "理由不能超过 500 字");
    else if (!elig && *reason == '\0')
        form_error(&f, "reason", "不符合条件时，请写明理由");
    if (m->committed) {
        conflict(r, m, "名单已公示，审核结果不能再修改。");
        return;
    }
    if (!form_ok(&f)) {
        application_page(r, m, &f, 422);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    PGresult *res =
        DBQ(r, STMT_meeting_review, meeting_num(r, m->id), r->args[1], d,
            elig ? "" : reason, meeting_num(r, r->user->id));
    if (res == NULL || PQntuples(res) != 1) {
        bool frozen = r->sqlstate && strcmp(r->sqlstate, "P0M02") == 0;
        db_rollback(r);
        if (frozen)
            conflict(r, m, "名单已公示，审核结果不能再修改。");
        else if (res != NULL)
            page_error(r, 404, "没有这份报名", "没有找到这份报名。");
        else
            page_fail(r);
        return;
    }
    tx_done(r, "meeting_review",
            arena_printf(r->a, "application %s", r->args[1]),
            elig ? "eligible" : arena_printf(r->a, "ineligible: %s", reason),
            admin_loc(r, m));
}

/* ---- POST /admin/meetings/{id}/commit ---- */

/* The eligible applicants as draw entries. */
static struct draw_entry *
eligible_entries(struct req *r, const struct meeting *m, size_t *n)
{
    PGresult *res = DBQ(r, STMT_meeting_eligible, meeting_num(r, m->id));
    if (res == NULL)
        return NULL;
    *n = (size_t)PQntuples(res);
    struct draw_entry *e = arena_zalloc(r->a, (*n + 1) * sizeof(*e));
    for (size_t i = 0; i < *n; i++) {
        e[i].aid = db_getll(res, (int)i, 0);
        e[i].category = db_get(res, (int)i, 1);
        e[i].name_masked = db_get(res, (int)i, 2);
        e[i].phone_masked = db_get(res, (int)i, 3);
    }
    return e;
}

static const char *
commit_refusal(struct req *r, const struct meeting *m)
{
    if (m->committed)
        return "名单已经公示过了。";
    if (strcmp(m->phase, "closed") != 0)
        return arena_printf(r->a, "报名截止（%s）后才能公示名单。",
                            m->apply_until);
    if (m->pending > 0)
        return arena_printf(r->a, "还有 %ld 份报名没有审核，请先审核。",
                            m->pending);
    return NULL;
}

void
meetings_admin_commit_post(struct req *r)
{
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    const char *why = commit_refusal(r, m);
    if (why != NULL) {
        conflict(r, m, why);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    const char *id = meeting_num(r, m->id);
    PGresult *lock = DBQ(r, STMT_meeting_commit_lock, id);
    if (lock == NULL || PQntuples(lock) != 1) {
        db_rollback(r);
        if (lock != NULL)
            conflict(r, m, "名单已经公示，或仍有报名未审核。");
        else
            page_fail(r);
        return;
    }
    struct draw_quotas q = {(int)db_getll(lock, 0, 0),
                            (int)db_getll(lock, 0, 1),
                            (int)db_getll(lock, 0, 2)};
    size_t n = 0;
    struct draw_entry *e = eligible_entries(r, m, &n);
    const char *body = e ? draw_commitment(r->a, m->id, &q, e, n) : NULL;
    char hash[DRAW_HEX];
    if (body == NULL) {
        page_fail(r);
        return;
    }
    draw_sha256_hex(body, strlen(body), hash);
    if (DBQ(r, STMT_meeting_commitment_add, id, body, hash,
            meeting_num(r, r->user->id)) == NULL) {
        page_fail(r);
        return;
    }
    tx_done(r, "meeting_commit", arena_printf(r->a, "meeting %s", id),
            arena_printf(r->a, "%zu eligible, sha256 %s", n, hash),
            admin_loc(r, m));
}

/* ---- POST /admin/meetings/{id}/draw ---- */

/* Runs the draw from the stored commitment and writes it; false with the
 * response set if it cannot. */
static bool
draw_store(struct req *r, const struct meeting *m, const char *inputs)
{
    const char *id = meeting_num(r, m->id);
    PGresult *c = DBQ(r, STMT_meeting_commitment_get, id);
    long long mid;
    struct draw_quotas q;
    struct draw_entry *e;
    size_t n;
    if (c == NULL || PQntuples(c) != 1 ||
        draw_parse(r->a, db_get(c, 0, 0), &mid, &q, &e, &n) != 0) {
        page_fail(r);
        return false;
    }
    unsigned char seed[32];
    char seedhex[DRAW_HEX];
    draw_seed(db_get(c, 0, 1), inputs, seed);
    sodium_bin2hex(seedhex, sizeof(seedhex), seed, sizeof(seed));
    struct draw_pick *p = arena_alloc(r->a, (size_t)q.seats * sizeof(*p));
    size_t k = draw_run(r->a, seed, &q, e, n, p);
    PGresult *d =
        DBQ(r, STMT_meeting_draw_add, id, db_get(c, 0, 1), inputs, seedhex,
            draw_result_text(r->a, p, k), meeting_num(r, r->user->id));
    if (d == NULL || PQntuples(d) != 1) {
        db_rollback(r);
        if (d != NULL)
            conflict(r, m, "这个会议已经抽选过了，抽选只能进行一次。");
        else
            page_fail(r);
        return false;
    }
    for (size_t i = 0; i < k; i++)
        if (DBQ(r, STMT_meeting_seat_add, id, meeting_num(r, (long long)i + 1),
                meeting_num(r, p[i].aid),
                draw_quota_name(p[i].quota)) == NULL) {
            page_fail(r);
            return false;
        }
    return true;
}

void
meetings_admin_draw_post(struct req *r)
{
    struct form f;
    int lines = 0;
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    if (m->drawn) {
        conflict(r, m, "这个会议已经抽选过了，抽选只能进行一次。");
        return;
    }
    if (!m->committed) {
        conflict(r, m, "请先公示名单，再抽选。");
        return;
    }
    form_init(&f, r, true);
    const char *inputs = draw_inputs(r->a, req_param(r, "seed_inputs"), &lines);
    if (inputs == NULL)
        form_error(&f, "seed_inputs", "最多 20 行，每行不超过 200 个字");
    else if (lines < DRAW_WITNESS)
        form_error(&f, "seed_inputs", "请至少填写两位见证人给出的值，一行一个");
    if (!form_ok(&f)) {
        admin_page(r, m, "draw", &f, 422);
        return;
    }
    if (form_once_tx(r) != 1 || !draw_store(r, m, inputs))
        return;
    tx_done(r, "meeting_draw", arena_printf(r->a, "meeting %lld", m->id),
            inputs, admin_loc(r, m));
}

/* ---- POST /admin/meetings/{id}/feedback ---- */

void
meetings_admin_feedback_post(struct req *r)
{
    struct form f;
    long aid = 0;
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    if (!m->drawn || !m->started) {
        conflict(r, m, "抽选完成、会议召开后才能登记意见反馈。");
        return;
    }
    form_init(&f, r, true);
    if (!valid_int(req_param(r, "application_id"), 1, 999999999999L, &aid))
        form_error(&f, "application_id", "请选择一位列席代表");
    const char *op = NULL, *ex = NULL, *ad = req_param(r, "adoption");
    check_text(r, &f, "opinion", 1, 2000, &op, "请填写代表的意见");
    bool ok = false;
    for (size_t i = 0; ad && i < 3; i++)
        ok = ok || strcmp(ad, adoptions[i].value) == 0;
    if (!ok)
        form_error(&f, "adoption", "请选择采纳情况");
    check_text(r, &f, "explanation", 1, 2000, &ex, "请填写说明");
    if (form_ok(&f) && form_once_tx(r) == 1) {
        PGresult *res =
            DBQ(r, STMT_meeting_feedback_add, meeting_num(r, m->id),
                meeting_num(r, aid), op, ad, ex, meeting_num(r, r->user->id));
        if (res != NULL) {
            tx_done(r, "meeting_feedback",
                    arena_printf(r->a, "application %ld", aid), ad,
                    arena_printf(r->a, "/meetings/%lld", m->id));
            return;
        }
        bool fk = r->sqlstate && strcmp(r->sqlstate, "23503") == 0;
        db_rollback(r);
        if (!fk) {
            page_fail(r);
            return;
        }
        form_error(&f, "application_id", "请选择一位列席代表");
    }
    if (r->resp.status == 0 || r->resp.status == 422)
        admin_page(r, m, "feedback", &f, 422);
}

/* ---- POST /admin/meetings/{id}/decision ---- */

void
meetings_admin_decision_post(struct req *r)
{
    struct form f;
    const char *text = NULL;
    struct meeting *m = staff_meeting(r);
    if (m == NULL)
        return;
    if (!m->started) {
        conflict(r, m, "会议召开后才能公布决策情况。");
        return;
    }
    form_init(&f, r, true);
    check_text(r, &f, "decision", 1, 5000, &text, "请填写会议决策情况");
    if (!form_ok(&f)) {
        admin_page(r, m, "decision", &f, 422);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    if (DBQ(r, STMT_meeting_decision_set, meeting_num(r, m->id), text) ==
        NULL) {
        page_fail(r);
        return;
    }
    tx_done(r, "meeting_decision", arena_printf(r->a, "meeting %lld", m->id),
            "", arena_printf(r->a, "/meetings/%lld", m->id));
}
