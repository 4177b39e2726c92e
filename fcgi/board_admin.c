/* 政策留言板, the staff side: the moderation queue with reply deadlines,
 * one message (moderate, reply, transfer), policies, FAQ, sensitive words.
 * Staff act only on their department's messages unless admin; every
 * action is written to the audit trail in the same transaction. */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "db.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

#define REPLY_MAX  5000
#define REASON_MAX 500

static const char *
num(struct req *r, long long v)
{
    return arena_printf(r->a, "%lld", v);
}

static bool
is_admin(const struct req *r)
{
    return r->user->role == ROLE_ADMIN;
}

/* Trimmed text of min..max characters; a message beside the field if not. */
static const char *
text_field(struct req *r, struct form *f, const char *name, size_t max,
           const char *empty, bool required)
{
    const char *raw = req_param(r, name);
    const char *t = raw ? valid_trim(r->a, raw) : "";
    size_t n = valid_chars(t);
    if (n == 0 && required)
        form_error(f, name, empty);
    else if (n > max)
        form_error(
            f, name,
            arena_printf(r->a, "不能超过 %zu 字（现在是 %zu 字）", max, n));
    return t;
}

/* ---- the queue ---- */

static const struct choice statuses[] = {
    {"open", "待处理（待审核和待答复）"},
    {"pending", "待审核"},
    {"published", "待答复"},
    {"replied", "已答复"},
    {"rejected", "未通过"},
    {"all", "全部"},
};

static const char *
status_filter(struct req *r)
{
    const char *s = req_query(r, "status");
    for (size_t i = 0; s && i < sizeof(statuses) / sizeof(*statuses); i++)
        if (strcmp(s, statuses[i].value) == 0)
            return s;
    return "open";
}

/* The department fields: they send the department's code. */
static const struct dept_pick pick_filter = {"dept", "承办部门", DEPT_CODE,
                                             "全部部门", ""};
static const struct dept_pick pick_to = {"to_dept", NULL, DEPT_CODE, "请选择",
                                         ""};
static const struct dept_pick pick_policy = {"dept", NULL, DEPT_CODE, "请选择",
                                             ""};

static void
queue_filters(struct req *r, struct html *h, const char *status,
              const char *dept, const char *q)
{
    html_open(h, "form", "method", "get", "action", "/admin/messages", "class",
              "search filters", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "状态", "for", "f-status", NULL);
    html_open(h, "select", "id", "f-status", "name", "status", NULL);
    for (size_t i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
        html_elem(h, "option", statuses[i].label, "value", statuses[i].value,
                  "selected",
                  strcmp(status, statuses[i].value) == 0 ? "" : NULL, NULL);
    html_close(h, "select");
    html_close(h, "div");
    if (is_admin(r))
        page_dept_filter(r, h, &pick_filter, dept);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "留言内容包含", "for", "f-q", NULL);
    html_void(h, "input", "id", "f-q", "name", "q", "type", "search", "value",
              q, "maxlength", "50", NULL);
    html_close(h, "div");
    form_submit(h, "筛选");
    html_close(h, "form");
}

static void
queue_row(struct req *r, struct html *h, PGresult *res, int i)
{
    bool overdue = strcmp(db_get(res, i, 6), "t") == 0;
    bool flagged = strcmp(db_get(res, i, 9), "t") == 0;
    html_open(h, "tr", "class", overdue ? "overdue" : NULL, NULL);
    html_open(h, "td", NULL);
    html_elem(h, "a", db_get(res, i, 0), "href",
              arena_printf(r->a, "/admin/messages/%s", db_get(res, i, 0)),
              NULL);
    html_close(h, "td");
    html_elem(h, "td", db_get(res, i, 1), NULL);
    html_elem(h, "td", board_kind_label(db_get(res, i, 2)), NULL);
    html_open(h, "td", NULL);
    html_text(h, db_get(res, i, 3));
    if (flagged)
        html_elem(h, "strong", "（含敏感词，需复核）", "class", "flag", NULL);
    html_close(h, "td");
    html_elem(h, "td", db_get(res, i, 4), NULL);
    html_open(h, "td", "class", "due", NULL);
    html_text(h, *db_get(res, i, 5) ? db_get(res, i, 5) : "日历未覆盖");
    if (overdue)
        html_elem(h, "strong", " 已超期", "class", "overdue-mark", NULL);
    html_close(h, "td");
    html_elem(h, "td", board_status_label(db_get(res, i, 7), true),
              "data-status", db_get(res, i, 7), NULL);
    html_elem(h, "td", db_get(res, i, 8), NULL);
    html_close(h, "tr");
}

void
board_admin_messages_get(struct req *r)
{
    const char *status = status_filter(r);
    const char *dept = req_query(r, "dept"), *q = req_query(r, "q");
    dept = is_admin(r) && dept && strlen(dept) < 32 ? dept : "";
    q = q ? valid_trim(r->a, q) : "";
    if (valid_chars(q) > 50)
        q = "";
    int page = req_page(r);
    PGresult *res = DBQ(r, STMT_board_queue, is_admin(r) ? "true" : "false",
                        num(r, r->user->dept), status, dept, q, num(r, page));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "留言办理");
    html_elem(h, "p",
              arena_printf(r->a,
                           "%s，按留言时间从早到晚排列。答复期限为留言之日起 "
                           "%d 个工作日，超期的留言标为“已超期”。",
                           is_admin(r) ? "全区的留言" : "本部门承办的留言",
                           board_reply_workdays(r)),
              "class", "lead", NULL);
    if (is_admin(r)) {
        html_open(h, "p", NULL);
        html_elem(h, "a", "修改答复期限", "href", "/admin/board-settings",
                  NULL);
        html_close(h, "p");
    }
    queue_filters(r, h, status, dept, q);
    int n = PQntuples(res);
    if (n == 0) {
        html_elem(h, "p", "没有符合条件的留言。", "id", "queue-empty", NULL);
        page_end(r, h);
        return;
    }
    static const char *const cols[] = {"编号", "政策",     "类型",
                                       "内容", "留言时间", "答复期限",
                                       "状态", "承办部门"};
    page_table(h, "queue", NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < n; i++)
        queue_row(r, h, res, i);
    page_table_end(h);
    page_pager(r, h, page, db_getll(res, 0, 10));
    page_end(r, h);
}

/* ---- one message ---- */

static const char *const event_labels[][2] = {
    {"submitted", "提交留言"},  {"published", "审核通过"},
    {"rejected", "审核未通过"}, {"transferred", "转办"},
    {"returned", "退回区府办"}, {"replied", "答复"},
    {"rated", "评价答复"},      {"followup", "追问"},
};

static const char *
event_label(const char *k)
{
    for (size_t i = 0; i < sizeof(event_labels) / sizeof(*event_labels); i++)
        if (strcmp(k, event_labels[i][0]) == 0)
            return event_labels[i][1];
    return k;
}

static void
timeline(struct req *r, struct html *h, const char *mid)
{
    PGresult *res = DBQ(r, STMT_board_message_timeline, mid);
    if (res == NULL)
        return;
    html_open(h, "section", "aria-labelledby", "timeline-h", NULL);
    html_elem(h, "h2", "办理经过", "id", "timeline-h", NULL);
    html_open(h, "ol", "class", "timeline", "id", "timeline", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_text(h, db_get(res, i, 0));
        html_text(h, " ");
        html_elem(h, "strong", event_label(db_get(res, i, 1)), NULL);
        if (*db_get(res, i, 3) && *db_get(res, i, 4))
            html_textf(h, "：%s → %s", db_get(res, i, 3), db_get(res, i, 4));
        else if (*db_get(res, i, 4))
            html_textf(h, "（%s）", db_get(res, i, 4));
        if (*db_get(res, i, 2))
            html_textf(h, " · %s", db_get(res, i, 2));
        if (*db_get(res, i, 5))
            html_textf(h, " · %s", db_get(res, i, 5));
        html_close(h, "li");
    }
    html_close(h, "ol");
    html_close(h, "section");
}

static const struct choice mod_actions[] = {
    {"publish", "通过审核"},
    {"reject", "不予通过（须说明原因，原因会告知留言人）"},
};

static void
moderate_form(struct req *r, struct html *h, struct form *f, const char *mid,
              bool flagged)
{
    static const struct field f_action = {"action", "审核结果", "radio", NULL,
                                          NULL,     true,       0};
    static const struct field f_reason = {
        "reason",   "不予通过的原因",
        "textarea", "不予通过时必填，留言人会看到",
        NULL,       false,
        REASON_MAX};
    static const struct field f_confirm = {
        "confirm",  "已复核：内容可以公开",
        "checkbox", "这条留言含有敏感词，请仔细阅读后再勾选",
        NULL,       false,
        0};
    html_open(h, "section", "aria-labelledby", "moderate-h", NULL);
    html_elem(h, "h2", "审核", "id", "moderate-h", NULL);
    form_open(f, h, arena_printf(r->a, "/admin/messages/%s/moderate", mid),
              false);
    form_radios(f, h, &f_action, mod_actions, 2, NULL);
    form_field(f, h, &f_reason);
    if (flagged)
        form_checkbox(f, h, &f_confirm, false);
    form_submit(h, "提交审核结果");
    form_close(h);
    html_close(h, "section");
}

static void
reply_form(struct req *r, struct html *h, struct form *f, const char *mid,
           const char *dept)
{
    static const struct field f_reply = {
        "body",     "答复内容",
        "textarea", "答复将以承办部门的名义公开（留言人同意公开时）",
        NULL,       true,
        REPLY_MAX};
    html_open(h, "section", "aria-labelledby", "reply-h", NULL);
    html_elem(h, "h2", "答复", "id", "reply-h", NULL);
    html_open(h, "p", NULL);
    html_text(h, "答复单位：");
    html_text(h, dept);
    html_close(h, "p");
    form_open(f, h, arena_printf(r->a, "/admin/messages/%s/reply", mid), false);
    form_field(f, h, &f_reply);
    form_submit(h, "提交答复");
    form_close(h);
    html_close(h, "section");
}

static void
transfer_form(struct req *r, struct html *h, struct form *f, const char *mid)
{
    html_open(h, "section", "aria-labelledby", "transfer-h", NULL);
    html_elem(h, "h2", "转办或退回", "id", "transfer-h", NULL);
    html_elem(h, "p",
              "不属于本部门职责的留言，可以转给负责的部门，或退回区府办。"
              "答复期限仍从留言之日起计算。",
              "class", "hint", NULL);
    form_open(f, h, arena_printf(r->a, "/admin/messages/%s/transfer", mid),
              false);
    const char *err = form_error_of(f, "to_dept");
    html_open(h, "div", "class", err ? "field has-error" : "field", NULL);
    html_elem(h, "label", "转给（选择“区府办”即为退回）", "for", "f-to_dept",
              NULL);
    if (err)
        html_elem(h, "p", err, "class", "error", "id", "f-to_dept-error", NULL);
    page_dept_options(r, h, &pick_to, form_value(f, "to_dept"));
    html_close(h, "div");
    static const struct field f_note = {"note", "转办原因", "textarea", NULL,
                                        NULL,   true,       REASON_MAX};
    form_field(f, h, &f_note);
    form_submit(h, "转办");
    form_close(h);
    html_close(h, "section");
}

static void
detail_facts(struct req *r, struct html *h, PGresult *res)
{
    bool pub = strcmp(db_get(res, 0, 6), "t") == 0;
    bool overdue = strcmp(db_get(res, 0, 16), "t") == 0;
    html_open(h, "dl", "class", "facts", NULL);
    html_elem(h, "dt", "状态", NULL);
    html_open(h, "dd", NULL);
    html_text(h, board_status_label(db_get(res, 0, 7), pub));
    html_elem(h, "data", db_get(res, 0, 7), "id", "message-status", "value",
              db_get(res, 0, 7), "class", "status-code", NULL);
    html_close(h, "dd");
    html_elem(h, "dt", "政策", NULL);
    html_open(h, "dd", NULL);
    html_elem(h, "a", db_get(res, 0, 2), "href",
              arena_printf(r->a, "/policies/%s", db_get(res, 0, 1)), NULL);
    html_close(h, "dd");
    page_fact(h, "类型", board_kind_label(db_get(res, 0, 3)), NULL);
    if (db_getll(res, 0, 4) > 0)
        page_fact(h, "评分", arena_printf(r->a, "%s 分", db_get(res, 0, 4)),
                  NULL);
    page_fact(h, "留言人", db_get(res, 0, 18), NULL);
    page_fact(h, "留言时间", db_get(res, 0, 9), NULL);
    page_fact(h, "是否公开", pub ? "同意公开" : "不公开", NULL);
    page_fact(h, "承办部门", db_get(res, 0, 14), "message-dept");
    html_elem(h, "dt", "答复期限", NULL);
    html_open(h, "dd", "id", "message-due", NULL);
    html_text(h, *db_get(res, 0, 15) ? db_get(res, 0, 15) : "日历未覆盖");
    if (overdue)
        html_elem(h, "strong", " 已超期", "class", "overdue-mark", NULL);
    html_close(h, "dd");
    if (*db_get(res, 0, 19))
        page_fact(h, "留言人评价", board_satisfaction_label(db_get(res, 0, 19)),
                  NULL);
    html_close(h, "dl");
}

/* Loads a message for a staff page. Returns NULL with the response set
 * (404, 403, 500) when the person may not see it. */
static PGresult *
load_message(struct req *r, const char *mid)
{
    PGresult *res = DBQ(r, STMT_board_message_staff, mid);
    if (res == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(res) == 0) {
        page_error(r, 404, "留言不存在", "没有找到这条留言。");
        return NULL;
    }
    if (!access_dept(r, (int32_t)db_getll(res, 0, 13))) {
        page_error(r, 403, "没有权限",
                   "这条留言由其他部门承办，您不能查看或办理。");
        return NULL;
    }
    return res;
}

static void
detail_page(struct req *r, PGresult *res, struct form *f, int status)
{
    const char *mid = db_get(res, 0, 0), *st = db_get(res, 0, 7);
    bool flagged = strcmp(db_get(res, 0, 17), "t") == 0;
    struct html *h = page_begin(r, arena_printf(r->a, "留言 %s", mid));
    if (flagged && strcmp(st, "pending") == 0)
        html_elem(h, "p", "这条留言含有敏感词，请复核后再决定是否公开。",
                  "class", "notice", "role", "alert", NULL);
    detail_facts(r, h, res);
    html_open(h, "section", "aria-labelledby", "body-h", NULL);
    html_elem(h, "h2", "留言内容", "id", "body-h", NULL);
    html_open(h, "div", "id", "message-body", NULL);
    board_paragraphs(h, db_get(res, 0, 5));
    html_close(h, "div");
    html_close(h, "section");
    if (strcmp(st, "rejected") == 0)
        page_fact(h, "不予通过的原因", db_get(res, 0, 8), "message-reason");
    if (strcmp(st, "replied") == 0) {
        html_open(h, "section", "aria-labelledby", "given-h", "class", "reply",
                  NULL);
        html_elem(h, "h2", "已答复", "id", "given-h", NULL);
        html_open(h, "p", "class", "meta", NULL);
        html_textf(h, "答复单位：%s · 答复日期：%s", db_get(res, 0, 11),
                   db_get(res, 0, 12));
        html_close(h, "p");
        board_paragraphs(h, db_get(res, 0, 10));
        html_close(h, "section");
        html_open(h, "p", NULL);
        html_elem(h, "a", "整理为常见问题", "href",
                  arena_printf(r->a, "/admin/faq?message_id=%s", mid), NULL);
        html_close(h, "p");
    }
    if (strcmp(st, "pending") == 0)
        moderate_form(r, h, f, mid, flagged);
    if (strcmp(st, "published") == 0)
        reply_form(r, h, f, mid, db_get(res, 0, 14));
    if (strcmp(st, "pending") == 0 || strcmp(st, "published") == 0)
        transfer_form(r, h, f, mid);
    timeline(r, h, mid);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回留言列表", "href", "/admin/messages", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_message_get(struct req *r)
{
    const char *mid = board_arg(r, 0);
    PGresult *res = load_message(r, mid);
    if (res == NULL)
        return;
    /* The body may hold personal data the citizen typed: each view by
     * staff is on the record. */
    if (audit(r, "board_message_view", arena_printf(r->a, "message:%s", mid),
              "") != 0) {
        page_fail(r);
        return;
    }
    struct form f;
    form_init(&f, r, false);
    detail_page(r, res, &f, 200);
}

/* Runs one conditional update with its audit line in a transaction.
 * 1 done, 0 the message changed meanwhile (409 set), -1 error (set). */
static int
act(struct req *r, PGresult *res, enum stmt s, const char *detail,
    const char *action, int n, const char *const *params)
{
    if (db_begin(r) != 0)
        return page_fail(r), -1;
    PGresult *u = db_exec(r, s, n, params);
    if (u == NULL)
        return page_fail(r), -1;
    if (PQntuples(u) == 0) {
        db_rollback(r);
        page_error(r, 409, "留言状态已变化",
                   "这条留言刚刚已被处理或转办，请返回列表刷新后查看。");
        return 0;
    }
    if (audit(r, action, arena_printf(r->a, "message:%s", db_get(res, 0, 0)),
              detail) != 0 ||
        db_commit(r) != 0)
        return page_fail(r), -1;
    return 1;
}

void
board_admin_moderate_post(struct req *r)
{
    const char *mid = board_arg(r, 0);
    PGresult *res = load_message(r, mid);
    if (res == NULL)
        return;
    struct form f;
    form_init(&f, r, true);
    const char *action = req_param(r, "action");
    bool publish = action && strcmp(action, "publish") == 0;
    bool reject = action && strcmp(action, "reject") == 0;
    if (!publish && !reject)
        form_error(&f, "action", "请选择“通过审核”或“不予通过”");
    const char *reason =
        text_field(r, &f, "reason", REASON_MAX, "不予通过时请填写原因", reject);
    bool confirm = req_param(r, "confirm") != NULL;
    if (publish && strcmp(db_get(res, 0, 17), "t") == 0 && !confirm)
        form_error(&f, "confirm",
                   "这条留言含有敏感词：请复核内容，勾选“已复核”后再通过");
    if (strcmp(db_get(res, 0, 7), "pending") != 0) {
        page_error(r, 409, "留言已审核", "这条留言已经审核过了。");
        return;
    }
    if (!form_ok(&f)) {
        detail_page(r, res, &f, 422);
        return;
    }
    const char *uid = num(r, r->user->id), *dept = db_get(res, 0, 13);
    const char *pp[] = {mid, uid, dept, confirm ? "true" : "false"};
    const char *pr[] = {mid, uid, dept, reason};
    int rc =
        publish ? act(r, res, STMT_board_publish, "", "board_publish", 4, pp)
                : act(r, res, STMT_board_reject, reason, "board_reject", 4, pr);
    if (rc == 1)
        resp_redirect(r, "/admin/messages");
}

void
board_admin_reply_post(struct req *r)
{
    const char *mid = board_arg(r, 0);
    PGresult *res = load_message(r, mid);
    if (res == NULL)
        return;
    if (strcmp(db_get(res, 0, 7), "published") != 0) {
        page_error(r, 409, "不能答复",
                   strcmp(db_get(res, 0, 7), "replied") == 0
                       ? "这条留言已经答复过了。"
                       : "请先审核通过这条留言，再答复。");
        return;
    }
    struct form f;
    form_init(&f, r, true);
    const char *body =
        text_field(r, &f, "body", REPLY_MAX, "请填写答复内容", true);
    if (!form_ok(&f)) {
        detail_page(r, res, &f, 422);
        return;
    }
    const char *p[] = {mid, num(r, r->user->id), db_get(res, 0, 13), body};
    if (act(r, res, STMT_board_reply, "", "board_reply", 4, p) == 1)
        resp_redirect(r, arena_printf(r->a, "/admin/messages/%s", mid));
}

void
board_admin_transfer_post(struct req *r)
{
    const char *mid = board_arg(r, 0);
    PGresult *res = load_message(r, mid);
    if (res == NULL)
        return;
    const char *st = db_get(res, 0, 7);
    if (strcmp(st, "pending") != 0 && strcmp(st, "published") != 0) {
        page_error(r, 409, "不能转办", "已答复或未通过的留言不能再转办。");
        return;
    }
    struct form f;
    form_init(&f, r, true);
    const char *to = req_param(r, "to_dept");
    PGresult *d = to && *to ? DBQ(r, STMT_board_dept_id, to) : NULL;
    if (d == NULL && r->sqlstate != NULL) {
        page_fail(r);
        return;
    }
    if (d == NULL || PQntuples(d) == 0)
        form_error(&f, "to_dept", "请选择要转给的部门");
    else if (db_getll(d, 0, 0) == db_getll(res, 0, 13))
        form_error(&f, "to_dept", "留言已经在这个部门，请选择其他部门");
    const char *note =
        text_field(r, &f, "note", REASON_MAX, "请填写转办原因", true);
    if (!form_ok(&f)) {
        detail_page(r, res, &f, 422);
        return;
    }
    bool back = strcmp(to, "qfb") == 0;
    const char *p[] = {mid,
                       num(r, r->user->id),
                       db_get(res, 0, 13),
                       to,
                       note,
                       back ? "returned" : "transferred"};
    if (act(r, res, STMT_board_transfer,
            arena_printf(r->a, "to:%s %s", to, note), "board_transfer", 6,
            p) == 1)
        resp_redirect(r, "/admin/messages");
}

/* ---- the staff home tile ---- */

void
board_admin_tile(struct req *r, struct html *h)
{
    PGresult *res = DBQ(r, STMT_board_counts, is_admin(r) ? "true" : "false",
                        num(r, r->user->dept));
    if (res == NULL)
        return;
    html_open(h, "li", "id", "tile-board", NULL);
    html_open(h, "a", "href", "/admin/messages", NULL);
    html_elem(h, "h2", "政策留言", NULL);
    html_open(h, "p", NULL);
    html_text(h, "待审核 ");
    html_elem(h, "strong", db_get(res, 0, 0), "id", "board-pending", NULL);
    html_text(h, " 条，待答复 ");
    html_elem(h, "strong", db_get(res, 0, 1), "id", "board-unreplied", NULL);
    html_text(h, " 条，已超期 ");
    html_elem(h, "strong", db_get(res, 0, 2), "id", "board-overdue", NULL);
    html_text(h, " 条");
    html_close(h, "p");
    html_close(h, "a");
    html_open(h, "p", "class", "more", NULL);
    html_elem(h, "a", "政策文件", "href", "/admin/policies", NULL);
    html_text(h, " · ");
    html_elem(h, "a", "常见问题", "href", "/admin/faq", NULL);
    if (is_admin(r)) {
        html_text(h, " · ");
        html_elem(h, "a", "敏感词", "href", "/admin/sensitive-words", NULL);
    }
    html_close(h, "p");
    html_close(h, "li");
}

/* ---- policies ---- */

static const struct field f_title = {"title", "标题", "text", NULL,
                                     NULL,    true,   200};
static const struct field f_doc_no = {
    "doc_no", "文号", "text", "例如 长府办〔2024〕12号；没有文号可不填",
    NULL,     false,  60};
static const struct field f_date = {
    "published_on", "发布日期", "date", "格式 2024-05-10", NULL, true, 10};
static const struct field f_pbody = {"body", "政策原文", "textarea", NULL,
                                     NULL,   true,       100000};
static const struct field f_interp = {"interpretation",
                                      "政策解读",
                                      "textarea",
                                      "用通俗的话说明政策要点",
                                      NULL,
                                      false,
                                      50000};

static void
policy_form(struct req *r, struct html *h, struct form *f, const char *action)
{
    html_open(h, "section", "aria-labelledby", "new-policy", NULL);
    html_elem(h, "h2", action ? "修改政策文件" : "发布政策文件", "id",
              "new-policy", NULL);
    form_open(f, h, action ? action : "/admin/policies", false);
    form_field(f, h, &f_title);
    form_field(f, h, &f_doc_no);
    const char *err = form_error_of(f, "dept");
    html_open(h, "div", "class", err ? "field has-error" : "field", NULL);
    html_elem(h, "label", "发布部门", "for", "f-dept", NULL);
    if (err)
        html_elem(h, "p", err, "class", "error", "id", "f-dept-error", NULL);
    const char *cur = form_value(f, "dept");
    page_dept_options(r, h, &pick_policy, *cur ? cur : "");
    html_close(h, "div");
    form_field(f, h, &f_date);
    form_field(f, h, &f_pbody);
    form_field(f, h, &f_interp);
    form_submit(h, action ? "保存修改" : "发布");
    form_close(h);
    html_close(h, "section");
}

static void
policies_page(struct req *r, struct form *f, int status)
{
    int page = req_page(r);
    PGresult *res =
        DBQ(r, STMT_board_policy_admin_list, is_admin(r) ? "true" : "false",
            num(r, r->user->dept), num(r, page));
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "政策文件管理");
    policy_form(r, h, f, NULL);
    html_elem(h, "h2", is_admin(r) ? "全部政策文件" : "本部门的政策文件", NULL);
    static const char *const cols[] = {"标题", "文号", "部门", "发布日期",
                                       "留言数"};
    page_table(h, NULL, NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/policies/%s", db_get(res, i, 0)), NULL);
        html_text(h, " ");
        html_elem(h, "a", "修改", "href",
                  arena_printf(r->a, "/admin/policies/%s", db_get(res, i, 0)),
                  "aria-label",
                  arena_printf(r->a, "修改 %s", db_get(res, i, 1)), NULL);
        html_close(h, "td");
        for (int c = 2; c <= 5; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    page_pager(r, h, page, PQntuples(res) ? db_getll(res, 0, 6) : 0);
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_policies_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    policies_page(r, &f, 200);
}

struct new_policy {
    const char *title, *doc_no, *dept, *date, *body, *interp;
};

static void
policy_validate(struct req *r, struct form *f, struct new_policy *p)
{
    p->title = text_field(r, f, "title", 200, "请填写标题", true);
    p->doc_no = text_field(r, f, "doc_no", 60, "", false);
    p->dept = req_param(r, "dept");
    PGresult *d =
        p->dept && *p->dept ? DBQ(r, STMT_board_dept_id, p->dept) : NULL;
    if (d == NULL || PQntuples(d) == 0)
        form_error(f, "dept", "请选择发布部门");
    else if (!is_admin(r) && db_getll(d, 0, 0) != r->user->dept)
        form_error(f, "dept", "您只能发布本部门的政策文件");
    p->date = req_param(r, "published_on");
    if (p->date == NULL || !valid_date(p->date))
        form_error(f, "published_on", "请按 2024-05-10 的格式填写发布日期");
    p->body = text_field(r, f, "body", 100000, "请填写政策原文", true);
    p->interp = text_field(r, f, "interpretation", 50000, "", false);
}

void
board_admin_policies_post(struct req *r)
{
    struct form f;
    struct new_policy p;
    form_init(&f, r, true);
    policy_validate(r, &f, &p);
    if (!form_ok(&f)) {
        policies_page(r, &f, 422);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    PGresult *res = DBQ(r, STMT_board_policy_create, p.title, p.doc_no, p.dept,
                        p.date, p.body, p.interp);
    if (res == NULL && db_unique_violation(r)) {
        db_rollback(r);
        form_error(&f, "doc_no", "这个文号已经有政策文件使用，请核对");
        policies_page(r, &f, 422);
        return;
    }
    if (res == NULL || PQntuples(res) != 1) {
        page_fail(r);
        return;
    }
    const char *loc = arena_printf(r->a, "/policies/%s", db_get(res, 0, 0));
    if (audit(r, "board_policy_create",
              arena_printf(r->a, "policy:%s", db_get(res, 0, 0)),
              p.title) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, loc);
}

/* ---- editing a policy ---- */

/* Loads a policy for editing; NULL with the response set (404/403). */
static PGresult *
load_policy(struct req *r, const char *pid)
{
    PGresult *res = DBQ(r, STMT_board_policy_get, pid);
    if (res == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(res) == 0) {
        page_error(r, 404, "政策不存在", "没有找到这个政策文件。");
        return NULL;
    }
    if (!access_dept(r, (int32_t)db_getll(res, 0, 4))) {
        page_error(r, 403, "没有权限", "这是其他部门的政策文件，您不能修改。");
        return NULL;
    }
    return res;
}

static void
edit_page(struct req *r, struct form *f, const char *pid, int status)
{
    struct html *h = page_begin(r, "修改政策文件");
    policy_form(r, h, f, arena_printf(r->a, "/admin/policies/%s", pid));
    html_open(h, "p", NULL);
    html_elem(h, "a", "查看政策页面", "href",
              arena_printf(r->a, "/policies/%s", pid), NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_policy_get(struct req *r)
{
    const char *pid = board_arg(r, 0);
    PGresult *res = load_policy(r, pid);
    if (res == NULL)
        return;
    /* The stored values go where the form helpers keep typed input. */
    static const struct {
        const char *field;
        int col;
    } cols[] = {{"title", 1},        {"doc_no", 2}, {"dept", 9},
                {"published_on", 5}, {"body", 6},   {"interpretation", 7}};
    for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++) {
        const char *v = db_get(res, 0, cols[i].col);
        params_add(r->a, &r->body, cols[i].field, v, strlen(v));
    }
    struct form f;
    form_init(&f, r, true);
    edit_page(r, &f, pid, 200);
}

void
board_admin_policy_post(struct req *r)
{
    const char *pid = board_arg(r, 0);
    if (load_policy(r, pid) == NULL)
        return;
    struct form f;
    struct new_policy p;
    form_init(&f, r, true);
    policy_validate(r, &f, &p);
    if (!form_ok(&f)) {
        edit_page(r, &f, pid, 422);
        return;
    }
    if (db_begin(r) != 0) {
        page_fail(r);
        return;
    }
    PGresult *res = DBQ(r, STMT_board_policy_update, pid, p.title, p.doc_no,
                        p.dept, p.date, p.body, p.interp);
    if (res == NULL && db_unique_violation(r)) {
        db_rollback(r);
        form_error(&f, "doc_no", "这个文号已经有政策文件使用，请核对");
        edit_page(r, &f, pid, 422);
        return;
    }
    if (res == NULL ||
        audit(r, "board_policy_edit", arena_printf(r->a, "policy:%s", pid),
              p.title) != 0 ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, arena_printf(r->a, "/policies/%s", pid));
}

/* ---- FAQ ---- */

static void
faq_hot(struct req *r, struct html *h)
{
    PGresult *pol = DBQ0(r, STMT_board_faq_hot_policies);
    PGresult *words = DBQ0(r, STMT_board_faq_hot_words);
    html_open(h, "section", "aria-labelledby", "hot-h", NULL);
    html_elem(h, "h2", "近 90 天问得最多的", "id", "hot-h", NULL);
    html_elem(h, "h3", "按政策", NULL);
    html_open(h, "ol", "id", "hot-policies", NULL);
    for (int i = 0; pol && i < PQntuples(pol); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(pol, i, 1), "href",
                  arena_printf(r->a, "/policies/%s", db_get(pol, i, 0)), NULL);
        html_textf(h, "（%s 条咨询）", db_get(pol, i, 2));
        html_close(h, "li");
    }
    html_close(h, "ol");
    html_elem(h, "h3", "按相近的说法（留言中最常出现的词）", NULL);
    html_open(h, "ul", "class", "words", "id", "hot-words", NULL);
    for (int i = 0; words && i < PQntuples(words); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(words, i, 0), "href",
                  arena_printf(r->a, "/admin/messages?status=all&q=%s",
                               db_get(words, i, 0)),
                  NULL);
        html_textf(h, "（%s 条）", db_get(words, i, 1));
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}

static const struct field f_faq_q = {"question", "问题", "textarea", NULL,
                                     NULL,       true,   500};
static const struct field f_faq_a = {"answer", "解答", "textarea", NULL,
                                     NULL,     true,   5000};
static const struct field f_faq_pid = {
    "policy_id", "相关政策编号", "text", "政策页面地址中的数字，可不填",
    NULL,        false,          18};

/* The entries this staff member may change (their department's; all for
 * admins), each linking to its edit page. */
static void
faq_list(struct req *r, struct html *h)
{
    PGresult *res = DBQ(r, STMT_board_faq_admin_list,
                        num(r, is_admin(r) ? 0 : r->user->dept));
    int n = res ? PQntuples(res) : 0;
    html_open(h, "section", "aria-labelledby", "faq-list-h", NULL);
    html_elem(h, "h2", is_admin(r) ? "已发布的常见问题" : "本部门的常见问题",
              "id", "faq-list-h", NULL);
    if (n == 0)
        html_elem(h, "p", "还没有常见问题。", NULL);
    html_open(h, "ul", "id", "faq-list", NULL);
    for (int i = 0; i < n; i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(res, i, 1), "href",
                  arena_printf(r->a, "/admin/faq/%s", db_get(res, i, 0)), NULL);
        html_textf(h, "（%s · %s）", db_get(res, i, 2), db_get(res, i, 3));
        html_close(h, "li");
    }
    html_close(h, "ul");
    html_close(h, "section");
}

static void
faq_page(struct req *r, struct form *f, int status)
{
    static const struct field f_mid = {
        "message_id", "来源留言编号", "text", "由某条留言整理而来时填写",
        NULL,         false,          18};
    struct html *h = page_begin(r, "常见问题管理");
    html_open(h, "section", "aria-labelledby", "new-faq", NULL);
    html_elem(h, "h2", "新增常见问题", "id", "new-faq", NULL);
    form_open(f, h, "/admin/faq", false);
    /* Coming from a message: its number is filled in for the clerk. */
    const char *from = req_query(r, "message_id");
    struct field mid = f_mid;
    form_field(f, h, &f_faq_q);
    form_field(f, h, &f_faq_a);
    form_field(f, h, &f_faq_pid);
    long from_id = 0;
    if (!f->shown && from != NULL && valid_int(from, 1, 999999999999, &from_id))
        form_hidden(h, "message_id", from);
    else
        form_field(f, h, &mid);
    form_submit(h, "发布到常见问题");
    form_close(h);
    html_close(h, "section");
    faq_list(r, h);
    faq_hot(r, h);
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_faq_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    faq_page(r, &f, 200);
}

/* An optional record id field: "" or a positive integer that exists. */
static const char *
id_field(struct req *r, struct form *f, const char *name, enum stmt exists,
         const char *msg)
{
    const char *v = req_param(r, name);
    v = v ? valid_trim(r->a, v) : "";
    if (*v == '\0')
        return "";
    long n;
    PGresult *res =
        valid_int(v, 1, 999999999999, &n) ? DBQ(r, exists, v) : NULL;
    if (res == NULL || PQntuples(res) == 0)
        form_error(f, name, msg);
    return v;
}

/* access (issue 7, found by tests/integration/access.test.mjs): may this
 * clerk make an FAQ entry from message mid? Only from a message of their
 * own department (admins: any), like every other staff action on it. */
static bool
faq_message_ok(struct req *r, const char *mid)
{
    PGresult *res = DBQ(r, STMT_board_message_staff, mid);
    return res != NULL && PQntuples(res) == 1 &&
           access_dept(r, (int32_t)db_getll(res, 0, 13));
}

void
board_admin_faq_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *q = text_field(r, &f, "question", 500, "请填写问题", true);
    const char *a = text_field(r, &f, "answer", 5000, "请填写解答", true);
    const char *pid = id_field(r, &f, "policy_id", STMT_board_policy_get,
                               "没有这个编号的政策，请核对");
    const char *mid = id_field(r, &f, "message_id", STMT_board_message_staff,
                               "没有这个编号的留言，请核对");
    if (*mid && form_error_of(&f, "message_id") == NULL &&
        !faq_message_ok(r, mid))
        form_error(&f, "message_id",
                   "这条留言不是本部门的，不能整理成常见问题");
    if (!form_ok(&f)) {
        faq_page(r, &f, 422);
        return;
    }
    if (form_once_tx(r) != 1)
        return;
    PGresult *res = DBQ(r, STMT_board_faq_create, q, a, pid, mid,
                        num(r, r->user->dept), num(r, r->user->id));
    if (res == NULL && db_unique_violation(r)) {
        db_rollback(r);
        form_error(&f, "message_id", "这条留言已经整理成常见问题了");
        faq_page(r, &f, 422);
        return;
    }
    if (res == NULL) {
        page_fail(r);
        return;
    }
    if (audit(r, "board_faq_create",
              arena_printf(r->a, "faq:%s", db_get(res, 0, 0)), q) != 0 ||
        form_once_done(r, "/faq") != 0 || db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, "/faq");
}

/* ---- FAQ: change and delete (staff of the entry's department, admins) ---- */

static const struct field f_faq_confirm = {
    "confirm",  "我确认删除这条常见问题",
    "checkbox", "删除后，常见问题页面和订阅中都不再显示，不能恢复",
    NULL,       false,
    0};

static PGresult *
load_faq(struct req *r, const char *id)
{
    PGresult *res = DBQ(r, STMT_board_faq_one, id);
    if (res == NULL) {
        page_fail(r);
        return NULL;
    }
    if (PQntuples(res) == 0) {
        page_error(r, 404, "常见问题不存在",
                   "没有找到这条常见问题，可能已经被删除。");
        return NULL;
    }
    if (!access_dept(r, (int32_t)db_getll(res, 0, 5))) {
        page_error(r, 403, "没有权限",
                   "这是其他部门的常见问题，您不能修改或删除。");
        return NULL;
    }
    return res;
}

/* The stored values go where the form helpers keep typed input, unless
 * the request brought its own (a refused edit keeps what was typed). */
static void
faq_fill(struct req *r, PGresult *e)
{
    static const char *const fields[] = {"question", "answer", "policy_id"};
    for (int i = 0; i < 3; i++)
        if (req_param(r, fields[i]) == NULL)
            params_add(r->a, &r->body, fields[i], db_get(e, 0, i + 1),
                       strlen(db_get(e, 0, i + 1)));
}

/* The edit form and, apart from it, the delete form with its confirmation
 * box; f and del carry the errors of a refused edit or deletion. */
static void
faq_edit_page(struct req *r, struct form *f, struct form *del, PGresult *e,
              int status)
{
    const char *id = db_get(e, 0, 0);
    faq_fill(r, e);
    struct html *h = page_begin(r, "修改常见问题");
    html_open(h, "p", "class", "meta", NULL);
    html_textf(h, "%s · 最后修改 %s", db_get(e, 0, 6), db_get(e, 0, 7));
    if (*db_get(e, 0, 4)) {
        html_text(h, " · 由留言 ");
        html_elem(h, "a", db_get(e, 0, 4), "href",
                  arena_printf(r->a, "/admin/messages/%s", db_get(e, 0, 4)),
                  NULL);
        html_text(h, " 整理");
    }
    html_close(h, "p");
    form_open(f, h, arena_printf(r->a, "/admin/faq/%s", id), false);
    form_field(f, h, &f_faq_q);
    form_field(f, h, &f_faq_a);
    form_field(f, h, &f_faq_pid);
    form_submit(h, "保存修改");
    form_close(h);
    html_open(h, "section", "aria-labelledby", "faq-delete-h", "class",
              "danger", NULL);
    html_elem(h, "h2", "删除这条常见问题", "id", "faq-delete-h", NULL);
    form_open(del, h, arena_printf(r->a, "/admin/faq/%s/delete", id), false);
    form_checkbox(del, h, &f_faq_confirm, false);
    form_submit(h, "删除这条常见问题");
    form_close(h);
    html_close(h, "section");
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回常见问题管理", "href", "/admin/faq", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_faq_edit_get(struct req *r)
{
    PGresult *e = load_faq(r, board_arg(r, 0));
    if (e == NULL)
        return;
    struct form f, del;
    form_init(&f, r, true);
    form_init(&del, r, false);
    faq_edit_page(r, &f, &del, e, 200);
}

/* A change of an entry: its transaction and form_id claim, then the entry
 * as it is now. NULL when answered already. */
static PGresult *
faq_change_begin(struct req *r)
{
    return form_once_tx(r) == 1 ? load_faq(r, board_arg(r, 0)) : NULL;
}

/* res: the UPDATE or DELETE ... RETURNING; audit, commit, 303 to `to`. */
static void
faq_change_end(struct req *r, PGresult *res, const char *action,
               const char *detail, const char *to)
{
    if (res == NULL || PQntuples(res) != 1 ||
        audit(r, action, arena_printf(r->a, "faq:%s", board_arg(r, 0)),
              detail) != 0 ||
        form_once_done(r, to) != 0 || db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, to);
}

void
board_admin_faq_edit_post(struct req *r)
{
    PGresult *e = faq_change_begin(r);
    if (e == NULL)
        return;
    struct form f, del;
    form_init(&f, r, true);
    form_init(&del, r, false);
    const char *q = text_field(r, &f, "question", 500, "请填写问题", true);
    const char *a = text_field(r, &f, "answer", 5000, "请填写解答", true);
    const char *pid = id_field(r, &f, "policy_id", STMT_board_policy_get,
                               "没有这个编号的政策，请核对");
    if (!form_ok(&f)) {
        db_rollback(r);
        faq_edit_page(r, &f, &del, e, 422);
        return;
    }
    const char *id = db_get(e, 0, 0);
    faq_change_end(r, DBQ(r, STMT_board_faq_update, id, q, a, pid),
                   "board_faq_edit", q, arena_printf(r->a, "/faq#faq-%s", id));
}

void
board_admin_faq_delete_post(struct req *r)
{
    PGresult *e = faq_change_begin(r);
    if (e == NULL)
        return;
    const char *confirm = req_param(r, "confirm");
    if (confirm == NULL || strcmp(confirm, "1") != 0) {
        db_rollback(r);
        struct form f, del;
        form_init(&f, r, true);
        form_init(&del, r, true);
        form_error(&del, "confirm",
                   "请先勾选“我确认删除这条常见问题”，再点删除");
        faq_edit_page(r, &f, &del, e, 422);
        return;
    }
    faq_change_end(r, DBQ(r, STMT_board_faq_delete, db_get(e, 0, 0)),
                   "board_faq_delete", db_get(e, 0, 1), "/admin/faq");
}

/* ---- settings (admins): the reply deadline in working days ---- */

static const struct field f_workdays = {
    "reply_workdays",
    "答复期限（工作日）",
    "number",
    "从留言之日起算的工作日数，1 到 60。只影响今后收到的留言，"
    "已有留言的期限不变",
    NULL,
    true,
    2};

static void
settings_page(struct req *r, struct form *f, int status)
{
    struct html *h = page_begin(r, "留言板设置");
    form_open(f, h, "/admin/board-settings", false);
    form_field(f, h, &f_workdays);
    form_submit(h, "保存");
    form_close(h);
    html_open(h, "p", NULL);
    html_elem(h, "a", "敏感词", "href", "/admin/sensitive-words", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_settings_get(struct req *r)
{
    const char *v = num(r, board_reply_workdays(r));
    params_add(r->a, &r->body, "reply_workdays", v, strlen(v));
    struct form f;
    form_init(&f, r, true);
    settings_page(r, &f, 200);
}

void
board_admin_settings_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *v = req_param(r, "reply_workdays");
    long n = 0;
    if (v == NULL || !valid_int(valid_trim(r->a, v), 1, 60, &n))
        form_error(&f, "reply_workdays",
                   "请填写 1 到 60 之间的整数（工作日数）");
    if (!form_ok(&f)) {
        settings_page(r, &f, 422);
        return;
    }
    if (db_begin(r) != 0) {
        page_fail(r);
        return;
    }
    PGresult *res = DBQ(r, STMT_board_settings_update, num(r, n));
    if (res == NULL ||
        audit(r, "board_settings_edit", "board_settings",
              arena_printf(r->a, "reply_workdays=%ld", n)) != 0 ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, "/admin/board-settings");
}

/* ---- sensitive words (admins) ---- */

static void
words_page(struct req *r, struct form *f, int status)
{
    static const struct field f_word = {
        "word", "敏感词", "text", "含有这个词的留言需要复核后才能公开",
        NULL,   true,     30};
    PGresult *res = DBQ0(r, STMT_board_words_list);
    if (res == NULL) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "敏感词");
    form_open(f, h, "/admin/sensitive-words", false);
    form_hidden(h, "action", "add");
    form_field(f, h, &f_word);
    form_submit(h, "添加");
    form_close(h);
    html_open(h, "ul", "class", "records", "id", "words", NULL);
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "li", NULL);
        html_text(h, db_get(res, i, 0));
        struct form df;
        form_init(&df, r, false);
        form_open(&df, h, "/admin/sensitive-words", false);
        form_hidden(h, "action", "delete");
        form_hidden(h, "word", db_get(res, i, 0));
        html_elem(h, "button", "删除", "type", "submit", "class", "secondary",
                  NULL);
        form_close(h);
        html_close(h, "li");
    }
    html_close(h, "ul");
    page_end(r, h);
    r->resp.status = status;
}

void
board_admin_words_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    words_page(r, &f, 200);
}

void
board_admin_words_post(struct req *r)
{
    struct form f;
    form_init(&f, r, true);
    const char *action = req_param(r, "action");
    bool del = action && strcmp(action, "delete") == 0;
    const char *w = text_field(r, &f, "word", 30, "请填写敏感词", true);
    if (!form_ok(&f)) {
        words_page(r, &f, 422);
        return;
    }
    if (db_begin(r) != 0) {
        page_fail(r);
        return;
    }
    PGresult *res = del ? DBQ(r, STMT_board_word_delete, w)
                        : DBQ(r, STMT_board_word_add, w, num(r, r->user->id));
    if (res == NULL ||
        (PQntuples(res) > 0 &&
         audit(r, del ? "board_word_delete" : "board_word_add", "", w) != 0) ||
        db_commit(r) != 0) {
        page_fail(r);
        return;
    }
    resp_redirect(r, "/admin/sensitive-words");
}
