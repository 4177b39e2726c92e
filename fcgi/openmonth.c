/* 政府开放月, the public side: the list by year, an activity's page and
 * its iCalendar file, sign-up, the vote and the ranking, the ticket key. */
#include "openmonth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypt.h"
#include "db.h"
#include "openmonth_text.h"
#include "page.h"
#include "resp.h"
#include "ticket.h"
#include "valid.h"

static const struct field f_name = {
    "name", "姓名", "text", "参加活动的人的姓名，入场时核对", "name", true, 50};
static const struct field f_phone = {
    "phone", "手机号",
    "tel",   "11 位手机号，例如 13800138000；活动有变化时联系您",
    "tel",   true,
    20};

static bool
is_true(PGresult *res, int row, int col)
{
    return strcmp(db_get(res, row, col), "t") == 0;
}

int
om_act_load(struct req *r, const char *id, struct om_act *a)
{
    PGresult *res = DBQ(r, STMT_om_get, id);
    if (res == NULL) {
        page_fail(r);
        return -1;
    }
    if (PQntuples(res) != 1) {
        page_error(r, 404, "活动不存在",
                   "没有找到这个开放活动，可能地址有误。");
        return 0;
    }
    memset(a, 0, sizeof(*a));
    a->id = db_get(res, 0, 0);
    a->title = db_get(res, 0, 1);
    a->dept = (int)db_getll(res, 0, 2);
    a->dept_name = db_get(res, 0, 3);
    a->starts = db_get(res, 0, 4);
    a->ends = db_get(res, 0, 5);
    a->place = db_get(res, 0, 6);
    a->url = db_get(res, 0, 7);
    a->capacity = db_getll(res, 0, 8);
    a->left = db_getll(res, 0, 9);
    a->signup_until = db_get(res, 0, 10);
    a->signup_open = is_true(res, 0, 11);
    a->desc = db_get(res, 0, 12);
    a->access = db_get(res, 0, 13);
    a->vote_from = db_get(res, 0, 14);
    a->vote_until = db_get(res, 0, 15);
    a->vote_open = is_true(res, 0, 16);
    a->votes = db_getll(res, 0, 17);
    a->waiting = db_getll(res, 0, 18);
    a->ics_start = db_get(res, 0, 19);
    a->ics_end = db_get(res, 0, 20);
    a->ics_stamp = db_get(res, 0, 21);
    a->ended = is_true(res, 0, 22);
    a->year = db_getll(res, 0, 23);
    a->noshow_at = db_get(res, 0, 24);
    a->changed_at = db_get(res, 0, 25);
    a->revision = db_get(res, 0, 26);
    a->future = is_true(res, 0, 27);
    a->called_off = db_get(res, 0, 28);
    a->called_off_reason = db_get(res, 0, 29);
    return 1;
}

const char *
om_status_label(const char *s)
{
    if (strcmp(s, "confirmed") == 0)
        return "报名成功";
    if (strcmp(s, "waitlisted") == 0)
        return "候补中";
    if (strcmp(s, "cancelled") == 0)
        return "已取消";
    if (strcmp(s, "no_show") == 0)
        return "未到场";
    return s;
}

void
om_act_facts(struct html *h, const struct om_act *a)
{
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "时间", NULL);
    html_open(h, "dd", "id", "om-time", NULL);
    html_text(h, a->starts);
    html_text(h, " 至 ");
    /* the same day: only the end time */
    html_text(h, strncmp(a->starts, a->ends, 10) == 0 ? a->ends + 11 : a->ends);
    html_close(h, "dd");
    if (*a->place)
        page_fact(h, "地点", a->place, "om-place");
    if (*a->url) {
        html_elem(h, "dt", "线上参加", NULL);
        html_open(h, "dd", "id", "om-url", NULL);
        html_elem(h, "a", a->url, "href", a->url, "rel", "noopener noreferrer",
                  NULL);
        html_close(h, "dd");
    }
    page_fact(h, "主办部门", a->dept_name, "om-dept");
    html_elem(h, "dt", "名额", NULL);
    html_open(h, "dd", NULL);
    html_textf(h, "共 %ld 个，", a->capacity);
    html_text(h, "剩余 ");
    html_elem(h, "span", arena_printf(h->out->a, "%ld", a->left), "id",
              "seats-left", NULL);
    html_text(h, " 个");
    if (a->waiting > 0)
        html_textf(h, "（%ld 人候补）", a->waiting);
    html_close(h, "dd");
    page_fact(h, "报名截止", a->signup_until, "om-deadline");
    if (*a->access)
        page_fact(h, "无障碍服务", a->access, "om-access");
    html_close(h, "dl");
}

/* What everyone who signed up reads about a call-off: on the pages and in
 * the calendar event's description. */
static const char *
called_off_text(struct arena *a, const char *when, const char *reason)
{
    return arena_printf(a, "本活动已于 %s 取消，不再举行。原因：%s", when,
                        reason);
}

void
om_called_off_notice(struct req *r, struct html *h, const char *when,
                     const char *reason)
{
    if (when == NULL || *when == '\0')
        return;
    html_elem(h, "p", called_off_text(r->a, when, reason), "class", "notice",
              "role", "alert", "id", "om-called-off", NULL);
}

/* ---- the list by year ---- */

static void
year_links(struct req *r, struct html *h, const char *base, long cur)
{
    PGresult *res = DBQ0(r, STMT_om_years);
    if (res == NULL || PQntuples(res) == 0)
        return;
    html_open(h, "nav", "class", "om-years", "aria-label", "选择年份", NULL);
    html_open(h, "ul", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        long y = db_getll(res, i, 0);
        html_open(h, "li", NULL);
        html_elem(h, "a", arena_printf(r->a, "%ld 年", y), "href",
                  arena_printf(r->a, "%s?year=%ld", base, y), "aria-current",
                  y == cur ? "page" : NULL, NULL);
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "nav");
}

static void
list_item(struct req *r, struct html *h, PGresult *res, int i)
{
    const char *id = db_get(res, i, 0);
    long left = db_getll(res, i, 8), waiting = db_getll(res, i, 11);
    html_open(h, "li", "class", "om-item", NULL);
    html_open(h, "h2", NULL);
    html_elem(h, "a", db_get(res, i, 1), "href",
              arena_printf(r->a, "/open-month/%s", id), NULL);
    html_close(h, "h2");
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "时间", NULL);
    html_elem(
        h, "dd",
        arena_printf(r->a, "%s 至 %s", db_get(res, i, 3), db_get(res, i, 4)),
        NULL);
    html_elem(h, "dt", *db_get(res, i, 5) ? "地点" : "线上参加", NULL);
    html_elem(h, "dd", *db_get(res, i, 5) ? db_get(res, i, 5) : "线上活动",
              NULL);
    html_elem(h, "dt", "主办部门", NULL);
    html_elem(h, "dd", db_get(res, i, 2), NULL);
    html_elem(h, "dt", "名额", NULL);
    html_open(h, "dd", NULL);
    html_textf(h, "共 %s 个，剩余 ", db_get(res, i, 7));
    html_elem(h, "span", arena_printf(r->a, "%ld", left), "class", "seats-left",
              "id", arena_printf(r->a, "seats-left-%s", id), NULL);
    html_text(h, " 个");
    if (waiting > 0)
        html_textf(h, "（%ld 人候补）", waiting);
    html_close(h, "dd");
    html_elem(h, "dt", "报名", NULL);
    html_elem(h, "dd",
              is_true(res, i, 12) ? "活动已取消"
              : is_true(res, i, 9)
                  ? arena_printf(r->a, "%s 截止", db_get(res, i, 10))
                  : "报名已截止",
              NULL);
    html_close(h, "dl");
    html_close(h, "li");
}

void
om_list_get(struct req *r)
{
    long year = req_year_param(r);
    char ys[16];
    snprintf(ys, sizeof(ys), "%ld", year);
    PGresult *res = DBQ(r, STMT_om_list_year, ys);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h =
        page_begin(r, arena_printf(r->a, "%ld 年政府开放活动", year));
    html_elem(h, "p",
              "每年 8 月是“政府开放月”，全年也有开放活动。"
              "您可以报名参加，名额满了可以候补。",
              "class", "lead", NULL);
    year_links(r, h, "/open-month", year);
    if (PQntuples(res) == 0)
        html_elem(h, "p", "这一年还没有开放活动。", NULL);
    html_open(h, "ul", "class", "om-list", NULL);
    for (int i = 0; i < PQntuples(res); i++)
        list_item(r, h, res, i);
    html_close(h, "ul");
    html_open(h, "p", NULL);
    html_elem(h, "a", "查看“最受欢迎的政府开放活动”投票排名", "href",
              arena_printf(r->a, "/open-month/ranking?year=%ld", year), NULL);
    html_close(h, "p");
    page_end(r, h);
}

/* ---- one activity ---- */

static void
paragraphs(struct html *h, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        if (n > 0 && !(n == 1 && text[0] == '\r'))
            html_elem(h, "p", arena_strndup(h->out->a, text, n), NULL);
        text += n + (text[n] == '\n');
    }
}

static void
signup_section(struct req *r, struct html *h, const struct om_act *a,
               struct form *f)
{
    struct user *u = req_user(r);
    html_open(h, "section", "aria-labelledby", "om-signup", "id", "signup",
              NULL);
    html_elem(h, "h2", "报名", "id", "om-signup", NULL);
    if (*a->called_off) {
        html_elem(h, "p", "活动已取消，不再接受报名。", "class", "notice",
                  NULL);
    } else if (!a->signup_open) {
        html_elem(h, "p", "报名已截止。", "class", "notice", NULL);
    } else if (u == NULL) {
        html_open(h, "p", NULL);
        html_text(h, "报名需要先");
        html_elem(
            h, "a", "登录", "href",
            arena_printf(r->a, "/account/login?next=/open-month/%s", a->id),
            NULL);
        html_text(h, "。没有账号可以免费注册。");
        html_close(h, "p");
    } else {
        if (a->left <= 0)
            html_elem(h, "p",
                      "名额已满。您现在报名将进入候补名单，有人取消时"
                      "按先后顺序自动递补，并在“我的”中显示。",
                      "class", "notice", NULL);
        form_open(f, h, arena_printf(r->a, "/open-month/%s/signup", a->id),
                  false);
        form_field(f, h, &f_name);
        form_field(f, h, &f_phone);
        form_submit(h, a->left > 0 ? "报名" : "报名候补");
        form_close(h);
    }
    html_close(h, "section");
}

static void
vote_section(struct req *r, struct html *h, const struct om_act *a)
{
    struct user *u = req_user(r);
    html_open(h, "section", "aria-labelledby", "om-vote", "id", "vote", NULL);
    html_elem(h, "h2", "最受欢迎的政府开放活动评选", "id", "om-vote", NULL);
    html_open(h, "p", NULL);
    html_text(h, "已得 ");
    html_elem(h, "span", arena_printf(r->a, "%ld", a->votes), "id",
              "vote-count", NULL);
    html_textf(h, " 票。投票时间：%s 至 %s。", a->vote_from, a->vote_until);
    html_close(h, "p");
    if (a->vote_open && u != NULL) {
        html_open(h, "form", "method", "post", "action",
                  arena_printf(r->a, "/open-month/%s/vote", a->id), NULL);
        form_hidden(h, "csrf", req_csrf(r));
        form_hidden(h, "form_id", crypt_random_token(r->a, 18));
        html_elem(h, "button", "为这个活动投一票", "type", "submit", NULL);
        html_close(h, "form");
    } else if (a->vote_open) {
        html_elem(h, "p", "登录后可以投票，每人每个活动限投一票。", NULL);
    }
    html_close(h, "section");
}

static void
activity_page(struct req *r, const struct om_act *a, struct form *f, int status,
              const char *notice)
{
    struct html *h = page_begin(r, a->title);
    if (notice != NULL)
        html_elem(h, "p", notice, "class", "notice", "role", "alert", "id",
                  "om-notice", NULL);
    om_called_off_notice(r, h, a->called_off, a->called_off_reason);
    if (*a->changed_at)
        html_elem(h, "p",
                  arena_printf(r->a, "活动信息已于 %s 更新，请以本页为准。",
                               a->changed_at),
                  "class", "notice", "id", "om-changed", NULL);
    om_act_facts(h, a);
    paragraphs(h, a->desc);
    html_open(h, "p", NULL);
    html_elem(h, "a", "加入我的日历（.ics 文件）", "href",
              arena_printf(r->a, "/open-month/%s.ics", a->id), NULL);
    html_close(h, "p");
    signup_section(r, h, a, f);
    vote_section(r, h, a);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回活动列表", "href",
              arena_printf(r->a, "/open-month?year=%ld", a->year), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
om_activity_get(struct req *r)
{
    struct om_act a;
    struct form f;
    if (om_act_load(r, r->args[0], &a) != 1)
        return;
    form_init(&f, r, false);
    activity_page(r, &a, &f, 200, NULL);
}

/* RFC 5545: one VEVENT, times in UTC ("Z"), text escaped and folded. */
void
om_ics_begin(struct buf *b, const char *name)
{
    om_ics_prop(b, "BEGIN", "VCALENDAR", false);
    om_ics_prop(b, "VERSION", "2.0", false);
    om_ics_prop(b, "PRODID", "-//Changning District//gongkai openmonth//ZH",
                false);
    om_ics_prop(b, "CALSCALE", "GREGORIAN", false);
    om_ics_prop(b, "METHOD", "PUBLISH", false);
    if (name != NULL)
        om_ics_prop(b, "X-WR-CALNAME", name, true);
}

void
om_ics_event(struct req *r, struct buf *b, const struct om_act *a)
{
    struct buf d;
    buf_init(&d, r->a, 256);
    bool off = a->called_off != NULL && *a->called_off;
    if (off)
        buf_printf(&d, "%s\n\n",
                   called_off_text(r->a, a->called_off, a->called_off_reason));
    buf_puts(&d, a->desc);
    if (*a->url)
        buf_printf(&d, "\n线上参加：%s", a->url);
    if (*a->access)
        buf_printf(&d, "\n无障碍服务：%s", a->access);
    buf_printf(&d, "\n主办部门：%s", a->dept_name);
    om_ics_prop(b, "BEGIN", "VEVENT", false);
    /* the same UID in the activity's file and the personal feed: a
     * calendar that has both shows the activity once */
    om_ics_prop(b, "UID", arena_printf(r->a, "openmonth-%s@gongkai", a->id),
                false);
    om_ics_prop(b, "DTSTAMP", a->ics_stamp, false);
    /* counts the edits: a calendar that has the event replaces it with
     * the one of the higher SEQUENCE (RFC 5545 3.8.7.4) */
    om_ics_prop(b, "SEQUENCE", a->revision, false);
    /* a called-off event stays in subscribed calendars, struck through,
     * rather than vanishing without a word (RFC 5545 3.8.1.11) */
    if (off)
        om_ics_prop(b, "STATUS", "CANCELLED", false);
    om_ics_prop(b, "DTSTART", a->ics_start, false);
    om_ics_prop(b, "DTEND", a->ics_end, false);
    om_ics_prop(b, "SUMMARY", a->title, true);
    om_ics_prop(b, "LOCATION", *a->place ? a->place : "线上活动", true);
    om_ics_prop(b, "DESCRIPTION", buf_cstr(&d), true);
    if (*a->url)
        om_ics_prop(b, "URL", a->url, false);
    om_ics_prop(b, "END", "VEVENT", false);
}

void
om_ics_get(struct req *r)
{
    struct om_act a;
    if (om_act_load(r, r->args[0], &a) != 1)
        return;
    struct buf *b = &r->resp.body;
    om_ics_begin(b, NULL);
    om_ics_event(r, b, &a);
    om_ics_prop(b, "END", "VCALENDAR", false);
    r->resp.ctype = "text/calendar; charset=utf-8";
    (void)resp_header(
        r, "Content-Disposition",
        arena_printf(r->a, "attachment; filename=\"open-month-%s.ics\"", a.id));
}

/* ---- sign-up ---- */

long
om_noshow_limit(void)
{
    const char *v = getenv("GONGKAI_OM_NOSHOW_LIMIT");
    long n;
    return v && valid_int(v, 0, 100, &n) ? n : 2;
}

/* Parameters of om_signup_once (sql/openmonth.sql). */
#define OM_SIGNUP_PARAMS 12

/* Where a sign-up's answer points: the citizen's ticket, or the printable
 * ticket of a 代办 sign-up. */
static const char *
signup_location(struct req *r, const char *act, bool staff, const char *num)
{
    return staff
               ? arena_printf(r->a, "/admin/open-month/%s/tickets/%s", act, num)
               : arena_printf(r->a, "/me/tickets/%s", num);
}

/* Why an insert of a sign-up made no row: 0 a live sign-up of this account
 * (user, may be NULL) or phone (*dup gets its number), or sign-up has
 * closed; 1 neither, so the random ticket number was taken; -1 error. */
static int
signup_why(struct req *r, const char *act, const char *user, const char *hash,
           const char **dup)
{
    PGresult *res = DBQ(r, STMT_om_signup_live, act, user ? user : "0", hash);
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 1) {
        *dup = db_get(res, 0, 0);
        return 0;
    }
    if ((res = DBQ(r, STMT_om_signup_open, act)) == NULL)
        return -1;
    return PQntuples(res) == 0 ? 0 : 1;
}

/* One try of om_signup_once with ticket number p[1]: a citizen's commits
 * on its own; a 代办 runs in a transaction with its audit row. 1 made, 0
 * not (no row, or a unique violation: the caller looks why), -1 error. */
static int
signup_try(struct req *r, const char *const p[OM_SIGNUP_PARAMS], bool staff)
{
    if (staff && db_begin(r) != 0)
        return -1;
    PGresult *res = db_exec(r, STMT_om_signup_once, OM_SIGNUP_PARAMS, p);
    if (res == NULL && !db_unique_violation(r))
        return -1;
    if (!staff)
        return res != NULL && PQntuples(res) == 1;
    if (res == NULL || PQntuples(res) == 0) {
        db_rollback(r);
        return 0;
    }
    if (audit(r, "om_proxy_signup", arena_printf(r->a, "open-month/%s", p[0]),
              p[1]) != 0 ||
        db_commit(r) != 0)
        return -1;
    return 1;
}

enum om_signup_res
om_signup_store(struct req *r, const char *act, const struct om_signer *who,
                const char *name, const char *phone, const char **loc,
                const char **dup)
{
    unsigned char idx[INDEX_BYTES];
    size_t elen;
    crypt_index(r->w->keys, "om_signups.phone", phone, strlen(phone), idx);
    unsigned char *enc = crypt_seal(r->a, r->w->keys, "om_signups.phone", phone,
                                    strlen(phone), &elen);
    const char *fid = req_param(r, "form_id");
    const char *uid = who->user ? arena_printf(r->a, "%lld", who->user) : NULL;
    const char *hash = bytea_hex(r->a, idx, sizeof(idx));
    bool staff = who->staff != 0;
    const char *p[OM_SIGNUP_PARAMS] = {
        act,
        NULL,
        uid,
        staff ? arena_printf(r->a, "%lld", who->staff) : NULL,
        name,
        bytea_hex(r->a, enc, elen),
        hash,
        mask_phone(r->a, phone),
        arena_printf(r->a, "%ld", om_noshow_limit()),
        form_id_ok(fid) ? fid : "",
        NULL,
        staff ? NULL : arena_printf(r->a, "%d", (int)who->epoch)};
    *dup = NULL;
    *loc = NULL;
    for (int tries = 0; tries < 4; tries++) {
        char num[10];
        ticket_number(num);
        p[1] = num;
        p[10] = signup_location(r, act, staff, num);
        int made = signup_try(r, p, staff);
        if (made != 0) {
            *loc = p[10];
            return made > 0 ? OM_SIGNUP_MADE : OM_SIGNUP_ERROR;
        }
        if (*p[9] && form_prior(r, p[9], loc) != 0)
            return OM_SIGNUP_ERROR;
        if (*loc != NULL)
            return OM_SIGNUP_MADE;
        /* om_signup_once makes nothing for a session whose account's
         * epoch has moved on (logged out everywhere): look at that first */
        if (!staff && req_user(r) == NULL)
            return r->db_down ? OM_SIGNUP_ERROR : OM_SIGNUP_SIGNED_OUT;
        int why = signup_why(r, act, uid, hash, dup);
        if (why <= 0)
            return why == 0 ? OM_SIGNUP_REFUSED : OM_SIGNUP_ERROR;
        /* else the random ticket number was taken: draw another */
    }
    return OM_SIGNUP_ERROR;
}

/* Validates name and phone; *phone gets the normalised 11 digits. */
static void
signup_validate(struct req *r, struct form *f, const char **name,
                const char **phone)
{
    const char *in = req_param(r, "phone");
    *name = valid_text(r->a, req_param(r, "name"), 1, 50);
    if (*name == NULL)
        form_error(f, "name",
                   valid_chars(valid_trim(r->a, req_param(r, "name"))) == 0
                       ? "请填写姓名"
                       : "姓名不能超过 50 个字");
    if (in == NULL || *valid_trim(r->a, in) == '\0')
        form_error(f, "phone", "请填写手机号");
    else if (valid_login(r->a, in, phone) != LOGIN_MOBILE)
        form_error(f, "phone", "请填写 11 位手机号，例如 13800138000");
}

/* The activity page again, after a sign-up that was not made: the form
 * with its errors (422), or why (409). */
static void
signup_refused(struct req *r, struct form *f, int status, const char *dup)
{
    struct om_act a;
    if (om_act_load(r, r->args[0], &a) != 1)
        return;
    if (status == 422) {
        activity_page(r, &a, f, 422, NULL);
    } else if (dup != NULL) {
        form_init(f, r, false);
        activity_page(r, &a, f, 409,
                      "您（或这个手机号）已经报名了这个活动，不能重复报名。"
                      "请在“我的”中查看报名情况。");
    } else {
        a.signup_open = false;
        activity_page(r, &a, f, 409,
                      *a.called_off
                          ? "这个活动已经取消，无法报名。"
                          : arena_printf(r->a, "报名已于 %s 截止，无法再报名。",
                                         a.signup_until));
    }
}

/* The activity is read only when the sign-up is not made: a sign-up that
 * succeeds costs one statement (om_signup_store), which also checks the
 * session (RF_EPOCH). */
void
om_signup_post(struct req *r)
{
    struct form f;
    const char *name = NULL, *phone = NULL, *dup = NULL, *loc = NULL;
    form_init(&f, r, true);
    signup_validate(r, &f, &name, &phone);
    if (!form_ok(&f)) {
        signup_refused(r, &f, 422, NULL);
        return;
    }
    struct om_signer who = {r->ident.user, r->ident.epoch, 0};
    switch (om_signup_store(r, r->args[0], &who, name, phone, &loc, &dup)) {
    case OM_SIGNUP_MADE: resp_redirect(r, loc); break;
    case OM_SIGNUP_REFUSED: signup_refused(r, &f, 409, dup); break;
    case OM_SIGNUP_SIGNED_OUT: page_signed_out(r); break;
    case OM_SIGNUP_ERROR: page_fail(r); break;
    }
}

/* ---- the vote ---- */

/* 1 voted, 0 not (rolled back), -1 error; *prior set for a repeat. */
static int
vote_store(struct req *r, const char *act, const char *uid, const char *loc,
           const char **prior)
{
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, prior);
    if (once <= 0)
        return once == 0 ? 1 : -1;
    PGresult *res = DBQ(r, STMT_om_vote, act, uid);
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 0) {
        db_rollback(r);
        return 0;
    }
    *prior = loc;
    return form_once_done(r, loc) == 0 && db_commit(r) == 0 ? 1 : -1;
}

void
om_vote_post(struct req *r)
{
    struct om_act a;
    struct form f;
    const char *prior = NULL;
    if (om_act_load(r, r->args[0], &a) != 1)
        return;
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)req_user(r)->id);
    int got = vote_store(r, a.id, uid,
                         arena_printf(r->a, "/open-month/%s", a.id), &prior);
    PGresult *res = got == 0 ? DBQ(r, STMT_om_voted, a.id, uid) : NULL;
    if (got == 1) {
        resp_redirect(r, prior);
    } else if (res == NULL) {
        page_fail(r);
    } else {
        form_init(&f, r, false);
        activity_page(r, &a, &f, 409,
                      PQntuples(res) == 1
                          ? "您已经为这个活动投过票了，每人每个活动只能投一票。"
                      : *a.called_off ? "这个活动已经取消，不能投票。"
                                      : "现在不在投票时间内，无法投票。");
    }
}

/* ---- ranking ---- */

void
om_ranking_get(struct req *r)
{
    long year = req_year_param(r);
    char ys[16];
    snprintf(ys, sizeof(ys), "%ld", year);
    PGresult *res = DBQ(r, STMT_om_ranking, ys);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h =
        page_begin(r, arena_printf(r->a, "%ld 年最受欢迎的政府开放活动", year));
    year_links(r, h, "/open-month/ranking", year);
    if (PQntuples(res) == 0) {
        html_elem(h, "p", "这一年还没有开放活动。", NULL);
        page_end(r, h);
        return;
    }
    static const char *const cols[] = {"名次", "活动", "主办部门", "日期",
                                       "票数"};
    page_table(h, "ranking", "按得票多少排列，票数相同名次相同", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_elem(h, "td", db_get(res, i, 0), NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 2), "href",
                  arena_printf(r->a, "/open-month/%s", db_get(res, i, 1)),
                  NULL);
        html_close(h, "td");
        for (int c = 3; c <= 5; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    page_end(r, h);
}

/* ---- the public key of ticket codes, for check-in devices ---- */

void
om_key_get(struct req *r)
{
    struct buf *b = &r->resp.body;
    const struct keys *ks = r->w->keys;
    buf_puts(b, "# gongkai open-month ticket keys: KID ED25519-PUBLIC-KEY-HEX\n"
                "# (see docs/openmonth.md: the code's second byte is KID)\n");
    for (int i = 0; i < KEYS_MAX; i++) {
        uint8_t kid = ks->k[KP_TOKEN][i].kid, pk[TICKET_PKBYTES];
        char hex[2 * TICKET_PKBYTES + 1];
        if (kid == 0 || ticket_public_key(ks, kid, pk, NULL) != 0)
            continue;
        sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
        buf_printf(b, "%u %s\n", (unsigned)kid, hex);
    }
    r->resp.ctype = "text/plain; charset=utf-8";
}
