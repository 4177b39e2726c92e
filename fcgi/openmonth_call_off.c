/* 政府开放月, calling off a whole activity (a typhoon on the open day):
 * staff of its department, until it ends, with a reason that everyone who
 * signed up reads on the activity page, on their ticket and in their
 * calendar. The sign-ups stay as they were, the record of who had a seat;
 * what reads an activity reads its state instead: no sign-ups, votes,
 * check-ins, cancellations or edits any more, and the tickets show no
 * entry code (schema/0082_openmonth_call_off.sql). Audited. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "openmonth.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

static const struct field f_reason = {
    "reason",
    "取消原因",
    "textarea",
    "会显示在活动页面、每一张报名凭证和报名人的日历里，例如："
    "受台风影响，为安全起见取消本次活动，改期另行通知。",
    NULL,
    true,
    500};
static const struct field f_confirm = {
    "confirm",  "我确认取消这个活动（取消后不能恢复）",
    "checkbox", NULL,
    NULL,       true,
    0};

/* The activity of r->args[0], of the staff member's department, neither
 * ended nor called off; 1 ok, else the page is set: for the same form
 * sent again (a double press, post) the first answer, a 303. */
static int
can_call_off(struct req *r, struct om_act *a, bool post)
{
    if (om_desk_act(r, a) != 1)
        return 0;
    const char *fid = req_param(r, "form_id"), *prior = NULL;
    if (*a->called_off && post && form_id_ok(fid)) {
        if (form_prior(r, fid, &prior) != 0) {
            page_fail(r);
            return 0;
        }
        if (prior != NULL) {
            resp_redirect(r, prior);
            return 0;
        }
    }
    if (*a->called_off) {
        page_error(r, 409, "活动已取消",
                   arena_printf(r->a, "这个活动已于 %s 取消。", a->called_off));
        return 0;
    }
    if (a->ended) {
        page_error(r, 409, "活动已经结束", "活动已经结束，不能再取消。");
        return 0;
    }
    return 1;
}

/* What calling off does, before the clerk does it. */
static void
consequences(struct req *r, struct html *h, const struct om_act *a)
{
    html_elem(h, "p",
              arena_printf(r->a, "现在有 %ld 人报名成功，%ld 人候补。取消后：",
                           a->capacity - a->left, a->waiting),
              NULL);
    html_open(h, "ul", "id", "om-call-off-effects", NULL);
    html_elem(h, "li", "不再接受报名和投票；", NULL);
    html_elem(h, "li",
              "报名人在活动页面、报名凭证和“我的”中看到取消通知和原因，"
              "电子票码失效，不能签到；",
              NULL);
    html_elem(h, "li", "订阅了日历的人，日历中的这个活动会标为“已取消”。",
              NULL);
    html_close(h, "ul");
    html_open(h, "p", NULL);
    html_text(h, "不会自动发短信。请");
    html_elem(h, "a", "下载报名名单（CSV）", "href",
              arena_printf(r->a, "/admin/open-month/%s/signups.csv", a->id),
              NULL);
    html_text(h, "，逐一电话通知报名人，特别是代办报名的老年人。");
    html_close(h, "p");
}

static void
call_off_form(struct req *r, const struct om_act *a, struct form *f, int status)
{
    struct html *h =
        page_begin(r, arena_printf(r->a, "取消开放活动：%s", a->title));
    om_act_facts(h, a);
    consequences(r, h, a);
    form_open(f, h, arena_printf(r->a, "/admin/open-month/%s/call-off", a->id),
              false);
    form_field(f, h, &f_reason);
    form_checkbox(f, h, &f_confirm, false);
    form_submit(h, "取消这个活动");
    form_close(h);
    html_open(h, "p", NULL);
    html_elem(h, "a", "不取消，返回活动管理", "href",
              arena_printf(r->a, "/admin/open-month/%s", a->id), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
om_admin_call_off_get(struct req *r)
{
    struct om_act a;
    struct form f;
    if (can_call_off(r, &a, false) != 1)
        return;
    form_init(&f, r, false);
    call_off_form(r, &a, &f, 200);
}

/* The call-off and its audit row under the activity's row lock; the
 * location to go to, or NULL (*late: it ended or was called off by a
 * colleague meanwhile). */
static const char *
call_off_store(struct req *r, const struct om_act *a, const char *reason,
               bool *late)
{
    const char *prior;
    const char *loc = arena_printf(r->a, "/admin/open-month/%s", a->id);
    char staff[24];
    snprintf(staff, sizeof(staff), "%lld", (long long)req_user(r)->id);
    if (db_begin(r) != 0)
        return NULL;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? prior : NULL;
    PGresult *res;
    if (DBQ(r, STMT_om_lock, a->id) == NULL ||
        (res = DBQ(r, STMT_om_call_off, a->id, reason, staff)) == NULL)
        return NULL;
    if (PQntuples(res) != 1) {
        *late = true;
        return NULL;
    }
    if (audit(r, "om_call_off", arena_printf(r->a, "open-month/%s", a->id),
              reason) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return NULL;
    return loc;
}

void
om_admin_call_off_post(struct req *r)
{
    struct om_act a;
    struct form f;
    if (can_call_off(r, &a, true) != 1)
        return;
    form_init(&f, r, true);
    const char *reason = valid_text(r->a, req_param(r, "reason"), 1, 500);
    const char *confirm = req_param(r, "confirm");
    if (reason == NULL)
        form_error(&f, "reason",
                   valid_text(r->a, req_param(r, "reason"), 1, (size_t)-1)
                       ? "取消原因不能超过 500 个字"
                       : "请填写取消原因，报名人会看到");
    if (confirm == NULL || strcmp(confirm, "1") != 0)
        form_error(&f, "confirm", "请勾选确认：取消后不能恢复");
    if (!form_ok(&f)) {
        call_off_form(r, &a, &f, 422);
        return;
    }
    bool late = false;
    const char *loc = call_off_store(r, &a, reason, &late);
    if (loc != NULL) {
        resp_redirect(r, loc);
    } else if (late) {
        db_rollback(r);
        page_error(r, 409, "无法取消",
                   "在您操作期间，活动已经结束或已被其他工作人员取消。");
    } else {
        page_fail(r);
    }
}
