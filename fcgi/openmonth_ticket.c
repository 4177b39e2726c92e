/* 政府开放月, the citizen's tickets: the ticket page, cancelling (which
 * confirms the first person waiting in the same transaction) and the
 * section of /me. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "log.h"
#include "openmonth.h"
#include "openmonth_qr.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "ticket.h"

/* Columns of om_ticket. */
enum {
    T_ID,
    T_ACT,
    T_TITLE,
    T_STARTS,
    T_ENDS,
    T_PLACE,
    T_URL,
    T_STATUS,
    T_POS,
    T_USER,
    T_BY,
    T_NAME,
    T_PHONE,
    T_CREATED,
    T_PROMOTED,
    T_CANCELLED,
    T_CHECKED,
    T_DEPT,
    T_DEPRIO,
    T_FUTURE,
    T_CODE,
    T_DEPTNAME,
    T_ACCESS,
    T_CHANGED,
    T_CALLED_OFF,
    T_CALLED_OFF_REASON,
};

static void
dl_row(struct html *h, const char *dt, const char *dd)
{
    html_elem(h, "dt", dt, NULL);
    html_elem(h, "dd", dd, NULL);
}

static void
status_row(struct req *r, struct html *h, PGresult *t)
{
    const char *st = db_get(t, 0, T_STATUS);
    bool off = !db_isnull(t, 0, T_CALLED_OFF);
    html_elem(h, "dt", "报名状态", NULL);
    /* "报名成功" in green would tell an older reader to come all the same */
    html_open(h, "dd", "class",
              off ? "om-status om-called-off"
                  : arena_printf(r->a, "om-status om-%s", st),
              NULL);
    html_elem(
        h, "strong",
        off ? arena_printf(r->a, "活动已取消（原为：%s）", om_status_label(st))
            : om_status_label(st),
        NULL);
    html_text(h, "（状态代码 ");
    html_elem(h, "code", st, "id", "ticket-status", NULL);
    html_text(h, "）");
    html_close(h, "dd");
    if (strcmp(st, "waitlisted") == 0 && !off) {
        html_elem(h, "dt", "候补位置", NULL);
        html_open(h, "dd", NULL);
        html_text(h, "第 ");
        html_elem(h, "span", db_get(t, 0, T_POS), "id", "waitlist-position",
                  NULL);
        html_text(h, " 位。前面有人取消时自动递补，递补成功会显示在“我的”中。");
        html_close(h, "dd");
    }
    if (!db_isnull(t, 0, T_PROMOTED))
        dl_row(h, "递补成功",
               arena_printf(r->a, "%s 由候补转为正式报名",
                            db_get(t, 0, T_PROMOTED)));
    if (!db_isnull(t, 0, T_CANCELLED))
        dl_row(h, "取消时间", db_get(t, 0, T_CANCELLED));
    if (!db_isnull(t, 0, T_CHECKED))
        dl_row(h, "入场签到", db_get(t, 0, T_CHECKED));
}

/* The signed code a check-in device verifies offline. */
static void
signed_code(struct req *r, struct html *h, PGresult *t)
{
    struct ticket tk = {
        .activity = (uint32_t)db_getll(t, 0, T_ACT),
        .signup = (uint32_t)db_getll(t, 0, T_ID),
    };
    char code[TICKET_CODE_MAX];
    if (ticket_sign(r->w->keys, &tk, code) != 0)
        return;
    html_open(h, "section", "aria-labelledby", "om-code", "class", "om-code",
              NULL);
    html_elem(h, "h2", "入场票码", "id", "om-code", NULL);
    html_elem(
        h, "p",
        "入场时出示票号、下面的二维码或电子票码，工作人员扫码或核验后签到。"
        "电子票码带有数字签名，无法伪造。",
        NULL);
    /* The same code as a QR code for the door's scanner; a failure only
     * leaves the text, which can be typed. */
    html_open(h, "p", "class", "om-qr-box", NULL);
    if (om_qr_svg(h->out, code, "电子票码的二维码，内容与下方文字相同",
                  "om-qr-title", 0, NULL) != 0)
        log_err("openmonth: no QR code for ticket %s", db_get(t, 0, T_CODE));
    html_close(h, "p");
    html_elem(h, "p", arena_strdup(r->a, code), "id", "ticket-signed", "class",
              "om-signed", NULL);
    html_close(h, "section");
}

/* The citizen cancels their own ticket; staff cancel one for the person
 * (who phoned the 街道 centre, say: a 代办 ticket has no account to do it
 * with), at the admin page's address of the ticket. */
static void
cancel_form(struct req *r, struct html *h, PGresult *t, bool staff)
{
    const char *code = db_get(t, 0, T_CODE);
    html_open(h, "form", "method", "post", "action",
              staff
                  ? arena_printf(r->a, "/admin/open-month/%s/tickets/%s/cancel",
                                 db_get(t, 0, T_ACT), code)
                  : arena_printf(r->a, "/me/tickets/%s/cancel", code),
              "class", "om-cancel", NULL);
    form_hidden(h, "csrf", req_csrf(r));
    form_hidden(h, "form_id", crypt_random_token(r->a, 18));
    html_elem(h, "p",
              staff ? "报名人告知不能参加时，可以代为取消。取消后不能恢复，"
                      "名额自动给候补的第一位。"
                    : "如果不能参加，请取消报名，把名额留给候补的人。"
                      "取消后不能恢复。",
              NULL);
    html_elem(h, "button", staff ? "代为取消报名" : "取消报名", "type",
              "submit", "class", "secondary", NULL);
    html_close(h, "form");
}

/* Why this person waits behind others: the rule with its threshold
 * (GONGKAI_OM_NOSHOW_LIMIT), in words a citizen understands. */
static void
deprio_notice(struct req *r, struct html *h)
{
    long limit = om_noshow_limit();
    const char *times =
        limit > 0 ? arena_printf(r->a, " %ld 次", limit) : "多次";
    html_elem(
        h, "p",
        arena_printf(r->a,
                     "您今年已有%s报名后未到场（没有签到），按规定本年度候补时"
                     "排在其他人之后。如有疑问请联系主办部门。",
                     times),
        "class", "notice", "id", "om-deprioritised", NULL);
}

void
om_ticket_render(struct req *r, PGresult *t, bool staff)
{
    const char *st = db_get(t, 0, T_STATUS), *code = db_get(t, 0, T_CODE);
    bool live = strcmp(st, "confirmed") == 0 || strcmp(st, "waitlisted") == 0;
    bool off = !db_isnull(t, 0, T_CALLED_OFF);
    struct html *h = page_begin(r, "开放活动报名凭证");
    om_called_off_notice(r, h, db_get(t, 0, T_CALLED_OFF),
                         db_get(t, 0, T_CALLED_OFF_REASON));
    if (!db_isnull(t, 0, T_CHANGED))
        html_elem(h, "p",
                  arena_printf(r->a,
                               "活动信息已于 %s 更新，时间和地点以本页为准。",
                               db_get(t, 0, T_CHANGED)),
                  "class", "notice", "id", "om-changed", NULL);
    html_open(h, "dl", "class", "facts om-ticket", NULL);
    html_elem(h, "dt", "票号", NULL);
    html_elem(h, "dd", code, "id", "ticket-code", "class", "om-number", NULL);
    html_elem(h, "dt", "活动", NULL);
    html_open(h, "dd", NULL);
    html_elem(h, "a", db_get(t, 0, T_TITLE), "href",
              arena_printf(r->a, "/open-month/%s", db_get(t, 0, T_ACT)), NULL);
    html_close(h, "dd");
    dl_row(h, "时间",
           arena_printf(r->a, "%s 至 %s", db_get(t, 0, T_STARTS),
                        db_get(t, 0, T_ENDS)));
    dl_row(h, *db_get(t, 0, T_PLACE) ? "地点" : "线上参加",
           *db_get(t, 0, T_PLACE) ? db_get(t, 0, T_PLACE)
                                  : db_get(t, 0, T_URL));
    dl_row(h, "主办部门", db_get(t, 0, T_DEPTNAME));
    dl_row(h, "姓名", db_get(t, 0, T_NAME));
    dl_row(h, "手机号", db_get(t, 0, T_PHONE));
    dl_row(h, "报名时间", db_get(t, 0, T_CREATED));
    if (*db_get(t, 0, T_ACCESS))
        dl_row(h, "无障碍服务", db_get(t, 0, T_ACCESS));
    status_row(r, h, t);
    html_close(h, "dl");
    if (strcmp(db_get(t, 0, T_DEPRIO), "t") == 0 && live)
        deprio_notice(r, h);
    /* a called-off activity's ticket admits nobody: no code to show */
    if (strcmp(st, "confirmed") == 0 && !off)
        signed_code(r, h, t);
    if (staff && !off)
        html_elem(h, "p", "可以使用浏览器的“打印”功能打印本凭证，交给报名人。",
                  "class", "om-print-hint", NULL);
    if (live && !off && strcmp(db_get(t, 0, T_FUTURE), "t") == 0 &&
        db_isnull(t, 0, T_CHECKED))
        cancel_form(r, h, t, staff);
    page_end(r, h);
}

/* The ticket if it belongs to the logged-in person, else a 404 page. */
static PGresult *
own_ticket(struct req *r)
{
    PGresult *t = DBQ(r, STMT_om_ticket, r->args[0]);
    if (t == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(t) != 1 || db_getll(t, 0, T_USER) != req_user(r)->id) {
        page_error(r, 404, "报名凭证不存在",
                   "没有找到这张报名凭证。请在“我的”中查看您的报名。");
        return NULL;
    }
    return t;
}

void
om_ticket_get(struct req *r)
{
    PGresult *t = own_ticket(r);
    if (t != NULL)
        om_ticket_render(r, t, false);
}

/* Ticket {key} of activity {id} for staff of the activity's department
 * (admins: any), else a 404 or 403 page. */
static PGresult *
staff_ticket(struct req *r)
{
    PGresult *t = DBQ(r, STMT_om_ticket, r->args[1]);
    if (t == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(t) != 1 || strcmp(db_get(t, 0, T_ACT), r->args[0]) != 0) {
        page_error(r, 404, "报名凭证不存在", "这个活动没有这个票号。");
        return NULL;
    }
    if (!access_dept(r, (int32_t)db_getll(t, 0, T_DEPT))) {
        page_error(r, 403, "没有权限", "这个活动不属于您所在的部门。");
        return NULL;
    }
    return t;
}

/* Any ticket of the activity, the printable one of a 代办 included. */
void
om_admin_ticket_get(struct req *r)
{
    PGresult *t = staff_ticket(r);
    if (t != NULL)
        om_ticket_render(r, t, true);
}

/* Cancels and, when a seat was freed, confirms the first people waiting,
 * all under the activity's row lock in one transaction; staff cancelling
 * for the person write their audit row in it too. 0 ok. */
static int
cancel_store(struct req *r, PGresult *t, bool staff)
{
    const char *act = db_get(t, 0, T_ACT);
    if (db_begin(r) != 0 || DBQ(r, STMT_om_lock, act) == NULL)
        return -1;
    PGresult *res = DBQ(r, STMT_om_cancel, db_get(t, 0, T_ID));
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 1 && strcmp(db_get(res, 0, 0), "confirmed") == 0 &&
        DBQ(r, STMT_om_fill, act) == NULL)
        return -1;
    if (staff && PQntuples(res) == 1 &&
        audit(r, "om_staff_cancel", arena_printf(r->a, "open-month/%s", act),
              db_get(t, 0, T_CODE)) != 0)
        return -1;
    return db_commit(r);
}

/* Cancels ticket t and answers with a 303 to loc: again for a ticket
 * cancelled already (a double click gets the first answer), 409 once the
 * activity has started or the ticket was checked in (the door may open
 * before the start). */
static void
cancel_answer(struct req *r, PGresult *t, bool staff, const char *loc)
{
    const char *st = db_get(t, 0, T_STATUS);
    bool live = strcmp(st, "confirmed") == 0 || strcmp(st, "waitlisted") == 0;
    if (!live) {
        resp_redirect(r, loc);
        return;
    }
    if (!db_isnull(t, 0, T_CALLED_OFF)) {
        page_error(r, 409, "无法取消",
                   arena_printf(r->a, "活动已于 %s 取消，报名无需再取消。",
                                db_get(t, 0, T_CALLED_OFF)));
        return;
    }
    if (strcmp(db_get(t, 0, T_FUTURE), "t") != 0) {
        page_error(r, 409, "无法取消", "活动已经开始，不能再取消报名。");
        return;
    }
    if (!db_isnull(t, 0, T_CHECKED)) {
        page_error(r, 409, "无法取消",
                   arena_printf(r->a, "这张票已于 %s 签到，不能再取消报名。",
                                db_get(t, 0, T_CHECKED)));
        return;
    }
    if (cancel_store(r, t, staff) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, loc);
}

void
om_cancel_post(struct req *r)
{
    PGresult *t = own_ticket(r);
    if (t != NULL)
        cancel_answer(r, t, false,
                      arena_printf(r->a, "/me/tickets/%s", r->args[0]));
}

/* Staff cancel a ticket of an activity of their department for the person
 * (audited): the seat goes to the first person waiting. */
void
om_admin_cancel_post(struct req *r)
{
    PGresult *t = staff_ticket(r);
    if (t != NULL)
        cancel_answer(r, t, true,
                      arena_printf(r->a, "/admin/open-month/%s/tickets/%s",
                                   r->args[0], r->args[1]));
}

/* ---- /me ---- */

static void
me_row(struct req *r, struct html *h, PGresult *res, int i)
{
    const char *code = db_get(res, i, 0), *st = db_get(res, i, 4);
    html_open(h, "tr", "id", arena_printf(r->a, "om-ticket-%s", code), NULL);
    html_open(h, "td", NULL);
    html_elem(h, "a", db_get(res, i, 2), "href",
              arena_printf(r->a, "/me/tickets/%s", code), NULL);
    html_close(h, "td");
    html_elem(h, "td", db_get(res, i, 3), NULL);
    html_open(h, "td", NULL);
    html_text(h, om_status_label(st));
    if (strcmp(db_get(res, i, 8), "t") == 0)
        html_elem(h, "strong", "（活动已取消）", "class", "om-called-off",
                  NULL);
    else if (strcmp(st, "waitlisted") == 0)
        html_textf(h, "（第 %s 位）", db_get(res, i, 5));
    else if (strcmp(st, "confirmed") == 0 &&
             strcmp(db_get(res, i, 6), "t") == 0)
        html_elem(h, "span", "（已由候补转为正式）", "class", "om-promoted",
                  NULL);
    if (!db_isnull(res, i, 7))
        html_textf(h, "，%s 已签到", db_get(res, i, 7));
    html_close(h, "td");
    html_elem(h, "td", code, NULL);
    html_close(h, "tr");
}

void
om_me_section(struct req *r, struct html *h)
{
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)req_user(r)->id);
    PGresult *res = DBQ(r, STMT_om_me_tickets, uid);
    if (res == NULL || PQntuples(res) == 0)
        return;
    html_open(h, "section", "aria-labelledby", "me-tickets", "id", "tickets",
              NULL);
    html_elem(h, "h2", "我报名的开放活动", "id", "me-tickets", NULL);
    static const char *const cols[] = {"活动", "时间", "状态", "票号"};
    page_table(h, NULL, NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++)
        me_row(r, h, res, i);
    page_table_end(h);
    html_open(h, "p", "id", "om-feed", NULL);
    html_text(h, "把报名成功的活动放进手机或电脑的日历：在日历应用里选择"
                 "“添加订阅日历”，填入");
    html_elem(h, "a", "我的开放活动日历", "href", om_feed_path(r), NULL);
    html_text(h, "的网址（长按或右键复制链接）。这个网址只属于您，请勿转发。");
    html_close(h, "p");
    html_close(h, "section");
}
