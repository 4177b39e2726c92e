/* 公众代表列席, citizens: the application form, the applicant's own page
 * and their applications on /me. */
#include <stdio.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "meetings.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

#define PHONE_CTX "meeting_applications.phone"

static const struct field f_name = {
    "name", "姓名", "text", "请填写真实姓名，公示时只显示姓", "name", true, 50};
static const struct field f_phone = {
    "phone", "手机号", "tel", "用于通知您，公示时中间四位会隐去",
    "tel",   true,     20};
static const struct field f_street = {"street", "所在街道（镇）",
                                      "select", "您居住或工作的街道（镇）",
                                      NULL,     true,
                                      0};
static const struct field f_category = {
    "category", "报名类别", "radio", "基层一线人员和利害关系人有预留席位",
    NULL,       true,       0};
static const struct field f_statement = {
    "statement",
    "与议题的关系",
    "textarea",
    "请说明您和这个议题有什么关系、想提出哪些意见（不超过 1000 字）",
    NULL,
    true,
    1000};

static const struct choice categories[] = {
    {"resident", "居民"},
    {"grassroots", "基层一线人员（社区工作者、一线职工等）"},
    {"stakeholder", "利害关系人（直接受这项决策影响的人）"},
    {"enterprise", "企业代表"},
};

/* The streets and town of the district, from the departments table. */
static struct choice *
street_choices(struct req *r, size_t *n)
{
    PGresult *res = DBQ0(r, STMT_meeting_streets);
    if (res == NULL)
        return NULL;
    *n = (size_t)PQntuples(res);
    struct choice *c = arena_alloc(r->a, (*n + 1) * sizeof(*c));
    for (size_t i = 0; i < *n; i++) {
        c[i].value = db_get(res, (int)i, 0);
        c[i].label = db_get(res, (int)i, 1);
    }
    return c;
}

static void
apply_form(struct req *r, const struct meeting *m, struct form *f, int status)
{
    size_t ns = 0;
    struct choice *streets = street_choices(r, &ns);
    if (streets == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "报名列席会议");
    html_open(h, "p", "class", "lead", NULL);
    html_text(h, "议题：");
    html_elem(h, "a", m->topic, "href",
              arena_printf(r->a, "/meetings/%lld", m->id), NULL);
    html_close(h, "p");
    html_elem(h, "p",
              arena_printf(r->a, "会议时间：%s　报名截止：%s", m->starts_at,
                           m->apply_until),
              NULL);
    form_open(f, h, arena_printf(r->a, "/meetings/%lld/apply", m->id), false);
    form_field(f, h, &f_name);
    form_field(f, h, &f_phone);
    form_select(f, h, &f_street, streets, ns, NULL);
    form_radios(f, h, &f_category, categories,
                sizeof(categories) / sizeof(categories[0]), NULL);
    form_field(f, h, &f_statement);
    form_submit(h, "提交报名");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

/* Why nobody can apply now, or NULL if they can. */
static const char *
closed_reason(struct req *r, const struct meeting *m)
{
    if (m->committed)
        return "报名已经结束，报名名单已经公示，不能再报名。";
    if (strcmp(m->phase, "before") == 0)
        return arena_printf(r->a, "报名还没有开始，开始时间是 %s。",
                            m->apply_from);
    if (strcmp(m->phase, "closed") == 0)
        return arena_printf(r->a, "报名已经截止（截止时间 %s），不能再报名。",
                            m->apply_until);
    return NULL;
}

/* 409 page: the state of the meeting forbids applying. */
static void
apply_refused(struct req *r, const struct meeting *m, const char *msg,
              long long aid)
{
    buf_clear(&r->resp.body);
    struct html *h = page_begin(r, "无法报名");
    html_elem(h, "p", msg, "class", "notice", "role", "alert", "id",
              "apply-refused", NULL);
    html_open(h, "p", NULL);
    if (aid > 0)
        html_elem(h, "a", "查看我的报名", "href",
                  arena_printf(r->a, "/me/applications/%lld", aid), NULL);
    else
        html_elem(h, "a", "返回会议页面", "href",
                  arena_printf(r->a, "/meetings/%lld", m->id), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = 409;
}

/* The person's application to this meeting: its id, 0 if none, -1 error. */
static long long
existing_application(struct req *r, const struct meeting *m)
{
    PGresult *res = DBQ(r, STMT_meeting_application_of, meeting_num(r, m->id),
                        meeting_num(r, r->user->id));
    if (res == NULL)
        return -1;
    return PQntuples(res) == 1 ? db_getll(res, 0, 0) : 0;
}

void
meeting_apply_get(struct req *r)
{
    struct form f;
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return;
    (void)req_user(r);
    long long aid = existing_application(r, m);
    if (aid < 0) {
        page_fail(r);
        return;
    }
    const char *why = aid > 0 ? "您已经报名了这个会议，每人只能报名一次。"
                              : closed_reason(r, m);
    if (why != NULL) {
        apply_refused(r, m, why, aid);
        r->resp.status = 200;
        return;
    }
    form_init(&f, r, false);
    apply_form(r, m, &f, 200);
}

struct application {
    const char *name, *phone, *street, *category, *statement;
};

static bool
street_known(struct req *r, const char *code)
{
    size_t n = 0;
    struct choice *c = street_choices(r, &n);
    for (size_t i = 0; c != NULL && code != NULL && i < n; i++)
        if (strcmp(c[i].value, code) == 0)
            return true;
    return false;
}

static void
apply_validate(struct req *r, struct form *f, struct application *a)
{
    a->name = valid_text(r->a, req_param(r, "name"), 1, 50);
    if (a->name == NULL)
        form_error(f, "name",
                   *valid_trim(r->a, req_param(r, "name"))
                       ? "姓名不能超过 50 个字"
                       : "请填写姓名");
    const char *ph = req_param(r, "phone");
    if (ph == NULL || *valid_trim(r->a, ph) == '\0')
        form_error(f, "phone", "请填写手机号");
    else if (valid_login(r->a, ph, &a->phone) != LOGIN_MOBILE)
        form_error(f, "phone", "请填写 11 位手机号，例如 13800138000");
    a->street = req_param(r, "street");
    if (!street_known(r, a->street))
        form_error(f, "street", "请选择所在街道（镇）");
    a->category = req_param(r, "category");
    bool cat = false;
    for (size_t i = 0; a->category && i < 4; i++)
        cat = cat || strcmp(a->category, categories[i].value) == 0;
    if (!cat)
        form_error(f, "category", "请选择报名类别");
    a->statement = valid_text(r->a, req_param(r, "statement"), 1, 1000);
    if (a->statement == NULL)
        form_error(f, "statement",
                   *valid_trim(r->a, req_param(r, "statement"))
                       ? "说明不能超过 1000 字"
                       : "请说明您与议题的关系");
}

/* The INSERT inside the form_id transaction; returns the location or NULL
 * with the response set. */
static const char *
apply_store(struct req *r, const struct meeting *m, const struct application *a)
{
    const struct keys *ks = r->w->keys;
    unsigned char idx[INDEX_BYTES];
    size_t elen;
    const char *prior;
    crypt_index(ks, PHONE_CTX, a->phone, strlen(a->phone), idx);
    unsigned char *enc =
        crypt_seal(r->a, ks, PHONE_CTX, a->phone, strlen(a->phone), &elen);
    if (db_begin(r) != 0) {
        page_fail(r);
        return NULL;
    }
    int once = form_once(r, &prior);
    if (once <= 0) {
        if (once < 0)
            page_fail(r);
        return once == 0 ? prior : NULL;
    }
    PGresult *res =
        DBQ(r, STMT_meeting_apply, meeting_num(r, m->id),
            meeting_num(r, r->user->id), a->name, mask_name(r->a, a->name),
            bytea_hex(r->a, enc, elen), bytea_hex(r->a, idx, sizeof(idx)),
            mask_phone(r->a, a->phone), a->street, a->category, a->statement);
    if (res == NULL || PQntuples(res) != 1) {
        const char *st = r->sqlstate ? r->sqlstate : "";
        db_rollback(r);
        if (strcmp(st, "23505") == 0)
            apply_refused(r, m,
                          "您已经报名了这个会议（或这个手机号已经报过名），"
                          "每人只能报名一次。",
                          existing_application(r, m));
        else if (strcmp(st, "P0M01") == 0)
            apply_refused(r, m, "报名已经截止，这次报名没有保存。", 0);
        else if (strcmp(st, "P0M02") == 0)
            apply_refused(r, m, "报名名单已经公示，这次报名没有保存。", 0);
        else
            page_fail(r);
        return NULL;
    }
    const char *loc =
        arena_printf(r->a, "/me/applications/%lld", db_getll(res, 0, 0));
    if (form_once_done(r, loc) != 0 || db_commit(r) != 0) {
        page_fail(r);
        return NULL;
    }
    return loc;
}

void
meeting_apply_post(struct req *r)
{
    struct form f;
    struct application a;
    struct meeting *m = meeting_load(r);
    if (m == NULL)
        return;
    (void)req_user(r);
    const char *why = closed_reason(r, m);
    if (why != NULL) {
        apply_refused(r, m, why, 0);
        return;
    }
    form_init(&f, r, true);
    apply_validate(r, &f, &a);
    if (!form_ok(&f)) {
        apply_form(r, m, &f, 422);
        return;
    }
    const char *loc = apply_store(r, m, &a);
    if (loc != NULL)
        resp_redirect(r, loc);
}

/* ---- /me/applications/{aid} ---- */

static void
my_feedback(struct req *r, struct html *h, const char *aid)
{
    PGresult *res = DBQ(r, STMT_meeting_feedback_of_application, aid);
    if (res == NULL || PQntuples(res) == 0)
        return;
    html_open(h, "section", "aria-labelledby", "h-my-feedback", NULL);
    html_elem(h, "h2", "您的意见采纳情况", "id", "h-my-feedback", NULL);
    html_open(h, "ul", "class", "feedback", "id", "my-feedback", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "blockquote", db_get(res, i, 0), NULL);
        html_open(h, "p", NULL);
        html_elem(h, "strong", meeting_adoption_label(db_get(res, i, 1)),
                  "data-adoption", db_get(res, i, 1), NULL);
        html_text(h, "　");
        html_text(h, db_get(res, i, 2));
        html_close(h, "p");
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}

static void
status_line(struct req *r, struct html *h, PGresult *res)
{
    const char *st = db_get(res, 0, 10);
    html_open(h, "p", "class", "status-line", NULL);
    html_text(h, "办理状态：");
    html_elem(h, "strong", meeting_status_label(st), NULL);
    html_text(h, "（");
    html_elem(h, "span", st, "id", "application-status", NULL);
    html_text(h, "）");
    html_close(h, "p");
    if (strcmp(st, "ineligible") == 0)
        html_elem(h, "p", db_get(res, 0, 11), "class", "notice", "id",
                  "application-reason", NULL);
    if (strcmp(st, "selected") == 0)
        html_elem(h, "p",
                  arena_printf(r->a,
                               "恭喜您被抽中（第 %s 席，%s）。请于 %s 到 %s "
                               "列席会议。",
                               db_get(res, 0, 13),
                               meeting_quota_label(db_get(res, 0, 14)),
                               db_get(res, 0, 3), db_get(res, 0, 4)),
                  "class", "notice", "id", "application-selected", NULL);
}

void
meeting_my_application_get(struct req *r)
{
    struct user *u = req_user(r);
    PGresult *res = DBQ(r, STMT_meeting_application_mine, r->args[0],
                        meeting_num(r, u->id));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "没有这条报名", "没有找到您的这条报名记录。");
        return;
    }
    struct html *h = page_begin(r, "我的列席报名");
    html_open(h, "p", "class", "lead", NULL);
    html_text(h, "议题：");
    html_elem(h, "a", db_get(res, 0, 2), "href",
              arena_printf(r->a, "/meetings/%s", db_get(res, 0, 1)), NULL);
    html_close(h, "p");
    status_line(r, h, res);
    html_open(h, "dl", "class", "facts", NULL);
    static const struct {
        const char *label;
        int col;
    } rows[] = {{"报名编号", 0},   {"姓名", 5},         {"手机号", 6},
                {"街道（镇）", 7}, {"与议题的关系", 9}, {"报名时间", 12}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        html_elem(h, "dt", rows[i].label, NULL);
        html_elem(h, "dd", db_get(res, 0, rows[i].col), NULL);
    }
    html_elem(h, "dt", "报名类别", NULL);
    html_elem(h, "dd", meeting_category_label(db_get(res, 0, 8)), NULL);
    html_close(h, "dl");
    my_feedback(r, h, db_get(res, 0, 0));
    page_end(r, h);
}

/* ---- /me section ---- */

void
meetings_me_section(struct req *r, struct html *h)
{
    PGresult *res =
        DBQ(r, STMT_meeting_applications_of_user, meeting_num(r, r->user->id));
    if (res == NULL)
        return;
    html_open(h, "section", "aria-labelledby", "me-meetings", NULL);
    html_elem(h, "h2", "我的列席报名", "id", "me-meetings", NULL);
    if (PQntuples(res) == 0) {
        html_open(h, "p", NULL);
        html_text(h, "您还没有报名列席会议。");
        html_elem(h, "a", "看看正在报名的会议", "href", "/meetings", NULL);
        html_close(h, "p");
        html_close(h, "section");
        return;
    }
    html_open(h, "ul", "class", "me-list", "id", "me-applications", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(res, i, 2), "href",
                  arena_printf(r->a, "/me/applications/%s", db_get(res, i, 0)),
                  NULL);
        html_text(h, "　会议时间 ");
        html_text(h, db_get(res, i, 3));
        html_text(h, "　");
        html_elem(h, "strong", meeting_status_label(db_get(res, i, 4)),
                  "data-status", db_get(res, i, 4), NULL);
        if (db_getll(res, i, 5) > 0)
            html_text(h, "　已有意见反馈");
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}
