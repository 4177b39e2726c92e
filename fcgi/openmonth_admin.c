/* 政府开放月, the staff side: the department's activities (publishing and
 * editing are in openmonth_publish.c), an activity's desk (check-in at the
 * door, 代办 sign-up, no-shows, the sign-up list) and the door list as CSV.
 * Staff act on their department's activities only (RF_DEPT); admins on all.
 * Every action is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "openmonth.h"
#include "openmonth_text.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "ticket.h"
#include "valid.h"

/* ---- the list and the staff home tile ---- */

static const char *
dept_arg(struct req *r, const char **all)
{
    struct user *u = req_user(r);
    *all = u->role == ROLE_ADMIN ? "true" : "false";
    return arena_printf(r->a, "%d", (int)u->dept);
}

void
om_admin_tile(struct req *r, struct html *h)
{
    const char *all, *dept = dept_arg(r, &all);
    PGresult *res = DBQ(r, STMT_om_tile, all, dept);
    if (res == NULL)
        return;
    html_open(h, "li", NULL);
    html_open(h, "a", "href", "/admin/open-month", "id", "om-tile", NULL);
    html_elem(h, "h2", "政府开放月", NULL);
    html_elem(h, "p",
              arena_printf(r->a, "%s 个活动未结束，已确认 %s 人，候补 %s 人",
                           db_get(res, 0, 0), db_get(res, 0, 1),
                           db_get(res, 0, 2)),
              NULL);
    html_close(h, "a");
    html_close(h, "li");
}

static void
list_table(struct req *r, struct html *h, PGresult *res)
{
    static const char *const cols[] = {"活动",   "部门", "开始时间", "名额",
                                       "已确认", "候补", "已签到"};
    page_table(h, NULL,
               "本部门的开放活动（管理员可见全部）：未结束的在前，按时间先后",
               cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/admin/open-month/%s", db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        for (int c = 2; c <= 7; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
}

void
om_admin_list_get(struct req *r)
{
    const char *all, *dept = dept_arg(r, &all);
    int page = req_page(r);
    PGresult *res =
        DBQ(r, STMT_om_admin_list, all, dept, arena_printf(r->a, "%d", page));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "政府开放月 · 活动管理");
    html_open(h, "p", NULL);
    html_elem(h, "a", "发布新的开放活动", "href", "/admin/open-month/new",
              "class", "button", NULL);
    html_close(h, "p");
    if (PQntuples(res) == 0)
        html_elem(h, "p", "还没有开放活动。", NULL);
    else
        list_table(r, h, res);
    page_pager(r, h, page, PQntuples(res) ? db_getll(res, 0, 8) : 0);
    page_end(r, h);
}

/* ---- one activity's desk ---- */

int
om_desk_act(struct req *r, struct om_act *a)
{
    if (om_act_load(r, r->args[0], a) != 1)
        return 0;
    if (!access_dept(r, a->dept)) {
        page_error(r, 403, "没有权限", "这个活动不属于您所在的部门。");
        return 0;
    }
    return 1;
}

static const struct field f_code = {
    "code", "票号或电子票码",
    "text", "票号如 ABCD-EFGH；也可以粘贴或扫描电子票码",
    "off",  true,
    200};
static const struct field f_pname = {"name", "姓名", "text", NULL,
                                     "off",  true,   50};
static const struct field f_pphone = {"phone", "手机号", "tel", "11 位手机号",
                                      "off",   true,     20};

static void
signup_rows(struct req *r, struct html *h, PGresult *res)
{
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 0), "href",
                  arena_printf(r->a, "/admin/open-month/%s/tickets/%s",
                               r->args[0], db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        html_elem(h, "td", db_get(res, i, 1), NULL);
        html_elem(h, "td", db_get(res, i, 2), NULL);
        html_open(h, "td", NULL);
        html_text(h, om_status_label(db_get(res, i, 3)));
        if (!db_isnull(res, i, 4))
            html_textf(h, "（第 %s 位）", db_get(res, i, 4));
        if (strcmp(db_get(res, i, 6), "t") == 0)
            html_text(h, "（代办）");
        html_close(h, "td");
        html_elem(h, "td", db_get(res, i, 5), NULL);
        html_close(h, "tr");
    }
}

static void
signup_table(struct req *r, struct html *h)
{
    int page = req_page(r);
    PGresult *res = DBQ(r, STMT_om_admin_signups, r->args[0],
                        arena_printf(r->a, "%d", page));
    if (res == NULL || PQntuples(res) == 0) {
        html_elem(h, "p", "还没有人报名。", NULL);
        return;
    }
    static const char *const cols[] = {"票号", "姓名", "手机号", "状态",
                                       "签到时间"};
    page_table(h, "om-signups", "报名名单（手机号已隐藏部分数字）", cols,
               sizeof(cols) / sizeof(cols[0]));
    signup_rows(r, h, res);
    page_table_end(h);
    page_pager(r, h, page, db_getll(res, 0, 7));
}

static void
small_form(struct req *r, struct html *h, const char *action, const char *label)
{
    html_open(h, "form", "method", "post", "action", action, NULL);
    form_hidden(h, "csrf", req_csrf(r));
    form_hidden(h, "form_id", crypt_random_token(r->a, 18));
    html_elem(h, "button", label, "type", "submit", "class", "secondary", NULL);
    html_close(h, "form");
}

struct desk {
    struct form *checkin, *proxy;
    const char *notice; /* result of the last action, or NULL */
    bool notice_ok;
};

static void
desk_tools(struct req *r, struct html *h, const struct om_act *a,
           const struct desk *d)
{
    html_open(h, "section", "aria-labelledby", "om-checkin", NULL);
    html_elem(h, "h2", "入场签到", "id", "om-checkin", NULL);
    form_open(d->checkin, h,
              arena_printf(r->a, "/admin/open-month/%s/checkin", a->id), false);
    form_field(d->checkin, h, &f_code);
    form_submit(h, "签到");
    form_close(h);
    html_close(h, "section");
    html_open(h, "section", "aria-labelledby", "om-proxy", NULL);
    html_elem(h, "h2", "代办报名", "id", "om-proxy", NULL);
    html_elem(
        h, "p",
        "为不方便上网的居民（如老年人）代为报名，报名后可打印凭证交给本人。",
        NULL);
    if (a->signup_open) {
        form_open(d->proxy, h,
                  arena_printf(r->a, "/admin/open-month/%s/signup", a->id),
                  false);
        form_field(d->proxy, h, &f_pname);
        form_field(d->proxy, h, &f_pphone);
        form_submit(h, "代为报名");
        form_close(h);
    } else {
        html_elem(h, "p", *a->called_off ? "活动已取消。" : "报名已截止。",
                  NULL);
    }
    html_close(h, "section");
    if (a->ended && *a->noshow_at == '\0' && !*a->called_off) {
        html_elem(h, "h2", "活动结束后", NULL);
        long limit = om_noshow_limit();
        html_elem(h, "p",
                  limit > 0 ? arena_printf(r->a,
                                           "把已确认但没有签到的报名标记为"
                                           "“未到场”。一年内 %ld 次未到场的人，"
                                           "本年度候补时排在后面。",
                                           limit)
                            : "把已确认但没有签到的报名标记为“未到场”。",
                  "id", "om-noshow-rule", NULL);
        small_form(r, h,
                   arena_printf(r->a, "/admin/open-month/%s/no-shows", a->id),
                   "标记未到场");
    } else if (*a->noshow_at) {
        html_elem(h, "p",
                  arena_printf(r->a, "已于 %s 标记未到场。", a->noshow_at),
                  NULL);
    }
}

static void
desk_page(struct req *r, const struct om_act *a, const struct desk *d,
          int status)
{
    struct html *h = page_begin(r, a->title);
    if (d->notice != NULL)
        html_elem(h, "p", d->notice, "class",
                  d->notice_ok ? "notice ok" : "notice", "role", "alert", "id",
                  "checkin-result", NULL);
    om_called_off_notice(r, h, a->called_off, a->called_off_reason);
    om_act_facts(h, a);
    html_open(h, "ul", "class", "om-links", NULL);
    html_open(h, "li", NULL);
    html_elem(h, "a", "下载报名名单（CSV，含完整手机号，下载会被记录）", "href",
              arena_printf(r->a, "/admin/open-month/%s/signups.csv", a->id),
              NULL);
    html_close(h, "li");
    html_open(h, "li", NULL);
    html_elem(h, "a", "查看公开页面", "href",
              arena_printf(r->a, "/open-month/%s", a->id), NULL);
    html_close(h, "li");
    if (!a->ended && !*a->called_off) {
        html_open(h, "li", NULL);
        html_elem(h, "a", "修改活动信息（时间、地点、名额等）", "href",
                  arena_printf(r->a, "/admin/open-month/%s/edit", a->id), "id",
                  "om-edit", NULL);
        html_close(h, "li");
        html_open(h, "li", NULL);
        html_elem(h, "a", "取消整个活动（如遇台风等不能举行）", "href",
                  arena_printf(r->a, "/admin/open-month/%s/call-off", a->id),
                  "id", "om-call-off", NULL);
        html_close(h, "li");
    }
    html_close(h, "ul");
    desk_tools(r, h, a, d);
    html_elem(h, "h2", "报名名单", NULL);
    signup_table(r, h);
    page_end(r, h);
    r->resp.status = status;
}

/* After a check-in (?checkin=CODE) the page says who came in; after an
 * edit (?saved=1), that it is saved. */
static const char *
checkin_notice(struct req *r)
{
    if (req_query(r, "saved") != NULL)
        return "活动信息已保存。已报名的人会在活动页面和报名凭证上看到更新提示"
               "。";
    const char *code = req_query(r, "checkin");
    PGresult *t = code ? DBQ(r, STMT_om_ticket, code) : NULL;
    if (t == NULL || PQntuples(t) != 1 ||
        strcmp(db_get(t, 0, 1), r->args[0]) != 0 || db_isnull(t, 0, 16))
        return NULL;
    return arena_printf(r->a, "签到成功：%s（票号 %s），签到时间 %s。",
                        db_get(t, 0, 11), code, db_get(t, 0, 16));
}

void
om_admin_get(struct req *r)
{
    struct om_act a;
    struct form fc, fp;
    if (om_desk_act(r, &a) != 1)
        return;
    form_init(&fc, r, false);
    form_init(&fp, r, false);
    struct desk d = {&fc, &fp, checkin_notice(r), true};
    desk_page(r, &a, &d, 200);
}

/* ---- check-in ---- */

/* The sign-up id a typed or scanned code stands for, or NULL with a
 * reason in *why (and *status). The signed code is checked offline first,
 * exactly as a door device would. */
static const char *
checkin_signup(struct req *r, const struct om_act *a, const char *in,
               const char **why, int *status)
{
    struct ticket t;
    *status = 422;
    if (strlen(in) == TICKET_CODE_LEN) {
        enum ticket_err e = ticket_verify(r->w->keys, in, strlen(in), &t);
        if (e != TICKET_OK) {
            *why = ticket_strerror(e);
            return NULL;
        }
        if (strtoll(a->id, NULL, 10) != (long long)t.activity) {
            *why = "这是另一场活动的票，不能在这里签到。";
            *status = 409;
            return NULL;
        }
        return arena_printf(r->a, "%u", (unsigned)t.signup);
    }
    /* The ticket number, tolerating lower case, spaces and a missing
     * dash from people typing it. */
    char num[10];
    size_t o = 0;
    for (const char *p = in; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (o >= 9) {
            o = 0; /* too long */
            break;
        }
        if (o == 4)
            num[o++] = '-';
        num[o++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    }
    if (o != 9) {
        *why = "票号应为 8 位字母和数字，如 ABCD-EFGH";
        return NULL;
    }
    num[9] = '\0';
    PGresult *res = DBQ(r, STMT_om_signup_id_by_code, num);
    if (res == NULL || PQntuples(res) != 1) {
        *why = "没有这个票号，请核对后再输入。";
        return NULL;
    }
    return db_get(res, 0, 0);
}

/* Why a ticket cannot be checked in (after the marking updated nothing). */
static const char *
checkin_refusal(struct req *r, const struct om_act *a, const char *sid,
                int *status)
{
    PGresult *s = DBQ(r, STMT_om_signup_state, sid);
    *status = 409;
    if (s == NULL || PQntuples(s) != 1) {
        *status = 422;
        return "没有这张票。";
    }
    const char *st = db_get(s, 0, 1);
    if (strcmp(db_get(s, 0, 0), a->id) != 0)
        return "这是另一场活动的票，不能在这里签到。";
    if (*a->called_off)
        return "活动已取消，不能签到。";
    if (!db_isnull(s, 0, 2))
        return arena_printf(r->a,
                            "这张票（%s，%s）已于 %s 签到过，不能重复签到。",
                            db_get(s, 0, 4), db_get(s, 0, 3), db_get(s, 0, 2));
    if (strcmp(st, "cancelled") == 0)
        return "这张票已经取消，不能签到。";
    if (strcmp(st, "waitlisted") == 0)
        return "这张票还在候补中，没有获得名额，不能签到。";
    return "这张票已被标记为未到场，不能签到。";
}

static void
checkin_refuse(struct req *r, const struct om_act *a, const char *why,
               int status)
{
    struct form fc, fp;
    form_init(&fc, r, true);
    form_init(&fp, r, false);
    form_error(&fc, "code", why);
    struct desk d = {&fc, &fp, why, false};
    desk_page(r, a, &d, status);
}

void
om_admin_checkin_post(struct req *r)
{
    struct om_act a;
    const char *why = NULL;
    int status = 422;
    if (om_desk_act(r, &a) != 1)
        return;
    const char *in = valid_trim(r->a, req_param(r, "code"));
    const char *sid = *in ? checkin_signup(r, &a, in, &why, &status) : NULL;
    if (sid == NULL) {
        checkin_refuse(r, &a, why ? why : "请填写票号或电子票码", status);
        return;
    }
    char staff[24];
    snprintf(staff, sizeof(staff), "%lld", (long long)req_user(r)->id);
    if (db_begin(r) != 0 || DBQ(r, STMT_om_lock, a.id) == NULL) {
        page_fail(r);
        return;
    }
    PGresult *res = DBQ(r, STMT_om_checkin, sid, a.id, staff);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (PQntuples(res) != 1) {
        db_rollback(r);
        why = checkin_refusal(r, &a, sid, &status);
        checkin_refuse(r, &a, why, status);
        return;
    }
    PGresult *s = DBQ(r, STMT_om_signup_state, sid);
    if (s == NULL || PQntuples(s) != 1 ||
        audit(r, "om_checkin", arena_printf(r->a, "open-month/%s", a.id),
              db_get(s, 0, 4)) != 0 ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/admin/open-month/%s?checkin=%s", a.id,
                                  db_get(s, 0, 4)));
}

/* ---- 代办 sign-up and its printable ticket ---- */

void
om_admin_proxy_post(struct req *r)
{
    struct om_act a;
    struct form fc, fp;
    const char *phone = NULL, *dup = NULL;
    if (om_desk_act(r, &a) != 1)
        return;
    form_init(&fc, r, false);
    form_init(&fp, r, true);
    const char *name = valid_text(r->a, req_param(r, "name"), 1, 50);
    const char *in = req_param(r, "phone");
    if (name == NULL)
        form_error(&fp, "name", "请填写姓名（不超过 50 个字）");
    if (in == NULL || valid_login(r->a, in, &phone) != LOGIN_MOBILE)
        form_error(&fp, "phone", "请填写 11 位手机号，例如 13800138000");
    struct desk d = {&fc, &fp, NULL, false};
    if (!form_ok(&fp)) {
        desk_page(r, &a, &d, 422);
        return;
    }
    const char *loc = NULL;
    struct om_signer who = {0, 0, req_user(r)->id};
    enum om_signup_res made =
        om_signup_store(r, a.id, &who, name, phone, &loc, &dup);
    if (made == OM_SIGNUP_ERROR || made == OM_SIGNUP_SIGNED_OUT) {
        page_fail(r);
    } else if (made == OM_SIGNUP_MADE) {
        resp_redirect(r, loc);
    } else {
        form_init(&fp, r, false);
        d.notice = dup             ? arena_printf(r->a,
                                                  "这个手机号已经报名（票号 %s），"
                                                              "不能重复报名。",
                                                  dup)
                   : *a.called_off ? "活动已取消，不能报名。"
                                   : "报名已截止。";
        desk_page(r, &a, &d, 409);
    }
}

/* ---- no-shows ---- */

void
om_admin_noshow_post(struct req *r)
{
    struct om_act a;
    if (om_desk_act(r, &a) != 1)
        return;
    const char *loc = arena_printf(r->a, "/admin/open-month/%s", a.id);
    if (!a.ended) {
        page_error(r, 409, "活动还没有结束", "活动结束后才能标记未到场。");
        return;
    }
    if (*a.called_off) {
        page_error(r, 409, "活动已取消", "活动已取消，没有未到场可以标记。");
        return;
    }
    if (db_begin(r) != 0 || DBQ(r, STMT_om_lock, a.id) == NULL) {
        page_fail(r);
        return;
    }
    PGresult *res = DBQ(r, STMT_om_mark_noshows, a.id);
    if (res == NULL || DBQ(r, STMT_om_noshows_done, a.id) == NULL ||
        audit(r, "om_no_shows", arena_printf(r->a, "open-month/%s", a.id),
              arena_printf(r->a, "%d", PQntuples(res))) != 0 ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, loc);
}

/* ---- the door list ---- */

void
om_admin_csv_get(struct req *r)
{
    struct om_act a;
    if (om_desk_act(r, &a) != 1)
        return;
    PGresult *res = DBQ(r, STMT_om_csv, a.id);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (audit(r, "om_csv_download", arena_printf(r->a, "open-month/%s", a.id),
              arena_printf(r->a, "%d 条报名，含完整手机号", PQntuples(res))) !=
        0) {
        page_fail(r);
        return;
    }
    struct buf *b = &r->resp.body;
    /* The BOM makes Excel read the file as UTF-8 (Chinese names). */
    buf_puts(b, "\xEF\xBB\xBF"
                "code,name,phone,status,position,checked_in_at");
    om_csv_end(b);
    for (int i = 0; i < PQntuples(res); i++) {
        size_t n = 0;
        unsigned char *enc = bytea_parse(r->a, db_get(res, i, 2), &n);
        char *phone =
            enc ? crypt_open(r->a, r->w->keys, "om_signups.phone", enc, n, NULL)
                : NULL;
        om_csv_cell(b, db_get(res, i, 0), true);
        om_csv_cell(b, db_get(res, i, 1), false);
        om_csv_cell(b, phone ? phone : "", false);
        om_csv_cell(b, db_get(res, i, 3), false);
        om_csv_cell(b, db_get(res, i, 4), false);
        om_csv_cell(b, db_get(res, i, 5), false);
        om_csv_end(b);
    }
    r->resp.ctype = "text/csv; charset=utf-8";
    (void)resp_header(r, "Content-Disposition",
                      arena_printf(r->a,
                                   "attachment; filename=\"open-month-%s-"
                                   "signups.csv\"",
                                   a.id));
}
