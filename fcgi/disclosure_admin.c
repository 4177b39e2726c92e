/* 依申请公开, the staff side: the queue, a request's whole record, every
 * step of the statutory workflow, paper requests, review records, files,
 * and the staff home tile. Staff see their department's requests only
 * (RF_DEPT + access_dept); admins see all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"
#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct dchoice channels[] = {
    {"in_person", "当面提交"},
    {"post", "邮寄（挂号信）"},
    {"letter", "平信"},
    {"fax", "传真"},
    {"online", "网络（电子邮件等）"},
};

static const struct dchoice review_kinds[] = {
    {"reconsideration", "行政复议"},
    {"litigation_direct", "行政诉讼（未经复议直接起诉）"},
    {"litigation_after_reconsideration", "行政诉讼（复议后起诉）"},
};
static const struct dchoice review_results[] = {
    {"upheld", "结果维持"},
    {"corrected", "结果纠正"},
    {"other", "其他结果"},
    {"pending", "尚未审结"},
};

static bool
is_admin(struct req *r)
{
    return r->user != NULL && r->user->role == ROLE_ADMIN;
}

static const char *
itoa_a(struct req *r, long long v)
{
    return arena_printf(r->a, "%lld", v);
}

/* ---- staff home tile ---- */

void
disclosure_admin_tile(struct req *r, struct html *h)
{
    struct user *u = req_user(r);
    PGresult *res = DBQ(r, STMT_disclosure_tile, is_admin(r) ? "true" : "false",
                        itoa_a(r, u->dept));
    if (res == NULL)
        return;
    html_open(h, "li", "id", "tile-disclosure", NULL);
    html_open(h, "a", "href", "/admin/disclosure", NULL);
    html_elem(h, "h2", "依申请公开", NULL);
    html_open(h, "p", NULL);
    html_textf(h, "未办结 %s 件，", db_get(res, 0, 0));
    html_elem(h, "strong", db_get(res, 0, 1), "id", "tile-disclosure-overdue",
              NULL);
    html_text(h, " 件已超期，");
    html_elem(h, "strong", db_get(res, 0, 2), "id", "tile-disclosure-soon",
              NULL);
    html_text(h, " 件 3 个工作日内到期");
    html_close(h, "p");
    html_close(h, "a");
    html_close(h, "li");
}

/* ---- the queue ---- */

static void
queue_filters(struct req *r, struct html *h, const char *state, int dept,
              bool overdue)
{
    html_open(h, "form", "method", "get", "action", "/admin/disclosure",
              "class", "filters", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "状态", "for", "f-state", NULL);
    html_open(h, "select", "id", "f-state", "name", "state", NULL);
    html_elem(h, "option", "未办结", "value", "open", NULL);
    html_elem(h, "option", "全部（含已办结）", "value", "all", "selected",
              strcmp(state, "all") == 0 ? "" : NULL, NULL);
    for (int s = DS_RECEIVED; s < DS__MAX; s++)
        html_elem(h, "option", dstate_label((enum dstate)s), "value",
                  dstate_key((enum dstate)s), "selected",
                  strcmp(state, dstate_key((enum dstate)s)) == 0 ? "" : NULL,
                  NULL);
    html_close(h, "select");
    html_close(h, "div");
    static const struct dept_pick pick = {"dept", "承办部门", DEPT_ID,
                                          "全部部门", ""};
    if (is_admin(r))
        page_dept_filter(r, h, &pick, itoa_a(r, dept));
    html_open(h, "div", "class", "field choice", NULL);
    html_void(h, "input", "type", "checkbox", "id", "f-overdue", "name",
              "overdue", "value", "1", "checked", overdue ? "" : NULL, NULL);
    html_elem(h, "label", "只看已超期的", "for", "f-overdue", NULL);
    html_close(h, "div");
    form_submit(h, "筛选");
    html_close(h, "form");
}

static void
queue_table(struct req *r, struct html *h, PGresult *res)
{
    static const char *const cols[] = {"申请编号", "收到日期", "申请人",
                                       "联系电话", "承办部门", "状态",
                                       "答复期限"};
    page_table(h, "disclosure-queue", "按答复期限排列，已超期的在最前", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        bool late = strcmp(db_get(res, i, 7), "t") == 0;
        html_open(h, "tr", "class", late ? "overdue" : NULL, NULL);
        html_open(h, "td", NULL);
        html_elem(h, "a", db_get(res, i, 0), "href",
                  arena_printf(r->a, "/admin/disclosure/%s", db_get(res, i, 0)),
                  NULL);
        html_close(h, "td");
        for (int c = 1; c <= 4; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_elem(h, "td", dstate_label(dstate_parse(db_get(res, i, 5))), NULL);
        html_open(h, "td", NULL);
        html_text(h, *db_get(res, i, 6)
                         ? db_get(res, i, 6)
                         : due_missing(dstate_parse(db_get(res, i, 5))));
        if (late)
            html_elem(h, "strong", "（已超期）", "class", "late", NULL);
        html_close(h, "td");
        html_close(h, "tr");
    }
    page_table_end(h);
}

void
disclosure_admin_list_get(struct req *r)
{
    struct user *u = req_user(r);
    const char *state = req_query(r, "state");
    const char *dq = req_query(r, "dept");
    long dept = 0;
    bool overdue = req_query(r, "overdue") != NULL &&
                   strcmp(req_query(r, "overdue"), "1") == 0;
    /* The default is the working queue: what is still open. */
    if (state == NULL ||
        (dstate_parse(state) == DS__MAX && strcmp(state, "all") != 0))
        state = "open";
    bool open = strcmp(state, "all") != 0 && strcmp(state, "closed") != 0;
    if (dq == NULL || !valid_int(dq, 1, 100000, &dept))
        dept = 0;
    int page = req_page(r);
    const char *p[] = {is_admin(r) ? "true" : "false",
                       itoa_a(r, u->dept),
                       itoa_a(r, dept),
                       state,
                       overdue ? "true" : "false",
                       itoa_a(r, page)};
    PGresult *res = db_exec(
        r, open ? STMT_disclosure_queue_open : STMT_disclosure_queue, 6, p);
    PGresult *cnt = res == NULL || !open
                        ? res
                        : db_exec(r, STMT_disclosure_queue_open_count, 6, p);
    if (cnt == NULL)
        return;
    struct html *h = page_begin(r, "依申请公开办理");
    html_open(h, "p", "class", "actions-bar", NULL);
    html_elem(h, "a", "登记纸质申请", "href", "/admin/disclosure/new", NULL);
    html_text(h, " · ");
    html_elem(h, "a", "年度报告", "href", "/admin/reports/disclosure-annual",
              NULL);
    if (is_admin(r)) {
        html_text(h, " · ");
        html_elem(h, "a", "工作日历", "href", "/admin/disclosure/calendar",
                  NULL);
    }
    html_close(h, "p");
    queue_filters(r, h, state, (int)dept, overdue);
    if (PQntuples(res) == 0)
        html_elem(h, "p", "没有符合条件的申请。", "id", "queue-empty", NULL);
    else
        queue_table(r, h, res);
    page_pager(r, h, page,
               open ? db_getll(cnt, 0, 0)
                    : (PQntuples(res) ? db_getll(res, 0, 8) : 0));
    page_end(r, h);
}

/* ---- paper requests ---- */

static const struct field f_channel = {"channel", "收到方式", NULL, NULL,
                                       NULL,      true,       0};
static const struct field f_received = {
    "received_on",
    "收到日期",
    "date",
    "当面提交为递交当日；挂号信为签收日；平信为与申请人确认之日；"
    "传真、电子邮件为双方确认之日",
    NULL,
    true,
    10};

static void
new_form(struct req *r, struct form *f, int status)
{
    struct html *h = page_begin(r, "登记纸质申请");
    form_open(f, h, "/admin/disclosure", true);
    struct choice c[8];
    for (size_t i = 0; i < N(channels); i++)
        c[i] = (struct choice){channels[i].value, channels[i].label};
    form_select(f, h, &f_channel, c, N(channels), "in_person");
    form_field(f, h, &f_received);
    dapply_fields(r, f, h);
    dfiles_field(f, h);
    form_submit(h, "登记");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

void
disclosure_admin_new_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    new_form(r, &f, 200);
}

static bool
in_choices(const struct dchoice *c, size_t n, const char *v)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        if (strcmp(c[i].value, v) == 0)
            return true;
    return false;
}

/* 1 stored (*loc set), 0 answered already (422 / 303 prior), -1 error. */
static int
new_store(struct req *r, struct form *f, const struct dapplicant *ap,
          const char *channel, const char *received, const char **loc)
{
    const char *prior;
    long long id = 0;
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, &prior);
    if (once <= 0) {
        *loc = prior;
        return once == 0 ? 2 : -1;
    }
    const char *code = dcode_new(r->a);
    const char *no = dapply_store(r, ap, channel, received, code, &id);
    PGresult *ev =
        no ? DBQ(r, STMT_disclosure_event_add, itoa_a(r, id), "submit",
                 received, itoa_a(r, r->user->id),
                 arena_printf(r->a, "登记%s申请",
                              dlabel(channels, N(channels), channel)),
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
           : NULL;
    if (ev == NULL) {
        if (r->db_down)
            return -1;
        db_rollback(r);
        form_error(f, "received_on",
                   "收到日期不能晚于今天，且须在工作日历已载入的年份内");
        new_form(r, f, 422);
        return 0;
    }
    *loc = arena_printf(r->a, "/admin/disclosure/%s", no);
    if (dfiles_store(r, itoa_a(r, id), db_get(ev, 0, 0)) != 0 ||
        audit(r, "disclosure_register", no, channel) != 0 ||
        form_once_done(r, *loc) != 0 || db_commit(r) != 0)
        return -1;
    dreceipt_cookie(r, no, code);
    return 1;
}

void
disclosure_admin_new_post(struct req *r)
{
    struct form f;
    struct dapplicant ap;
    const char *loc = NULL;
    form_init(&f, r, true);
    dapply_validate(r, &f, &ap);
    const char *channel = req_param(r, "channel");
    const char *received = req_param(r, "received_on");
    if (!in_choices(channels, N(channels), channel))
        form_error(&f, "channel", "请选择收到方式");
    if (received == NULL || *received == '\0')
        form_error(&f, "received_on", "请填写收到日期");
    else if (!valid_date(received))
        form_error(&f, "received_on", "请按 2026-03-15 的格式填写日期");
    dfiles_validate(r, &f);
    if (!is_admin(r))
        ap.dept = r->user->dept; /* staff register for their department */
    if (!form_ok(&f)) {
        new_form(r, &f, 422);
        return;
    }
    int rc = new_store(r, &f, &ap, channel, received, &loc);
    if (rc > 0)
        resp_redirect(r, loc);
}

/* ---- one request ---- */

/* Loads the record of {no} and checks the department. NULL when the
 * response is set (404, 403) or the database failed. */
PGresult *
drecord_load(struct req *r)
{
    PGresult *rec = DBQ(r, STMT_disclosure_by_no, r->args[0]);
    if (rec == NULL)
        return NULL;
    if (PQntuples(rec) != 1) {
        page_error(r, 404, "申请不存在", "没有这个编号的申请，请核对编号。");
        return NULL;
    }
    if (!access_dept(r, (int32_t)db_getll(rec, 0, DR_DEPT_ID))) {
        page_error(r, 403, "没有权限",
                   "这件申请由其他部门承办，您所在的部门不能查看。");
        return NULL;
    }
    return rec;
}

static const char *
open_col(struct req *r, PGresult *rec, int col, const char *name)
{
    if (db_isnull(rec, 0, col))
        return "";
    size_t n;
    unsigned char *c = bytea_parse(r->a, db_get(rec, 0, col), &n);
    const char *ctx = arena_printf(r->a, "disclosure_requests.%s", name);
    char *pt = c ? crypt_open(r->a, r->w->keys, ctx, c, n, NULL) : NULL;
    return pt ? pt : "（无法解密）";
}

static void
record_applicant(struct req *r, struct html *h, PGresult *rec)
{
    html_elem(h, "h2", "申请人（完整信息，查看已记录）", NULL);
    html_open(h, "dl", "class", "facts", NULL);
    page_fact(
        h, "申请人类型",
        dlabel(dapplicant_types, N(dapplicant_types), db_get(rec, 0, DR_TYPE)),
        NULL);
    page_fact(h, "姓名或单位名称", db_get(rec, 0, DR_NAME), "applicant-name");
    if (*db_get(rec, 0, DR_ORG))
        page_fact(h, "统一社会信用代码", db_get(rec, 0, DR_ORG), NULL);
    page_fact(h, "证件号码", open_col(r, rec, DR_ID_ENC, "id_enc"),
              "applicant-id");
    page_fact(h, "联系电话", open_col(r, rec, DR_PHONE_ENC, "phone_enc"),
              "applicant-phone");
    page_fact(h, "电子邮箱", open_col(r, rec, DR_EMAIL_ENC, "email_enc"), NULL);
    page_fact(h, "通信地址", open_col(r, rec, DR_ADDRESS_ENC, "address_enc"),
              "applicant-address");
    html_close(h, "dl");
}

static void
record_files(struct req *r, struct html *h, PGresult *rec)
{
    PGresult *fs = DBQ(r, STMT_disclosure_files_of, db_get(rec, 0, DR_ID));
    if (fs == NULL || PQntuples(fs) == 0)
        return;
    html_elem(h, "h2", "材料", NULL);
    html_open(h, "ul", "class", "files", NULL);
    for (int i = 0; i < PQntuples(fs); i++) {
        html_open(h, "li", NULL);
        html_elem(h, "a", db_get(fs, i, 1), "href",
                  arena_printf(r->a, "/admin/disclosure/%s/files/%s",
                               db_get(rec, 0, DR_NO), db_get(fs, i, 0)),
                  NULL);
        html_textf(h, "（%lld KB）", (db_getll(fs, i, 3) + 1023) / 1024);
        html_close(h, "li");
    }
    html_close(h, "ul");
}

/* What the fee would be by the rules, shown before a fee notice. */
static void
record_fees(struct req *r, struct html *h, PGresult *rec, long *k)
{
    PGresult *fr = DBQ(r, STMT_disclosure_fee_rank, db_get(rec, 0, DR_ID));
    *k = fr && PQntuples(fr) ? db_getll(fr, 0, 0) : 1;
    long ids = fr && PQntuples(fr) ? db_getll(fr, 0, 2) : 1;
    html_elem(h, "h2", "信息处理费参考", NULL);
    html_open(h, "p", "id", "fee-reference", NULL);
    if (ids > 1)
        html_textf(h,
                   "该申请人的 %ld 个身份已由管理员合并计数（见下方“申请人"
                   "身份合并计数”）。",
                   ids);
    html_textf(h,
               "按申请人身份统计，这是该申请人 %s 月的第 %ld 件申请；"
               "按件计收标准为 %ld 元。按量计收：30 页以内免费，31–100 页"
               "每页 10 元，101–200 页每页 20 元，200 页以上每页 40 元。"
               "是否收费由机关决定。",
               fr && PQntuples(fr) ? db_get(fr, 0, 1) : "", *k,
               fee_per_piece(*k));
    html_close(h, "p");
}

/* The row of rv (disclosure_reviews_of) of pending review id, or -1. */
static int
review_pending_row(PGresult *rv, const char *id)
{
    for (int i = 0; rv != NULL && id != NULL && i < PQntuples(rv); i++)
        if (strcmp(db_get(rv, i, 4), id) == 0 &&
            strcmp(db_get(rv, i, 1), "pending") == 0)
            return i;
    return -1;
}

/* The result of a pending review, once it is decided (?review=ID). */
static bool
review_decide_form(struct req *r, struct html *h, PGresult *rec, PGresult *rv,
                   struct form *f, bool err)
{
    int i = review_pending_row(rv, err ? req_param(r, "review")
                                       : req_query(r, "review"));
    if (i < 0)
        return false;
    struct form fresh;
    form_init(&fresh, r, false);
    struct form *ff = err ? f : &fresh;
    static const struct field fres = {"result", "审结结果", NULL, NULL,
                                      NULL,     true,       0};
    static const struct field fdec = {"decided_on", "审结日期", "date", NULL,
                                      NULL,         true,       10};
    html_elem(
        h, "h3",
        arena_printf(r->a, "登记审结结果：%s，%s 提起",
                     dlabel(review_kinds, N(review_kinds), db_get(rv, i, 0)),
                     db_get(rv, i, 2)),
        "id", "decide-title", NULL);
    form_open(ff, h,
              arena_printf(r->a, "/admin/disclosure/%s/review",
                           db_get(rec, 0, DR_NO)),
              false);
    form_hidden(h, "review", db_get(rv, i, 4));
    struct choice c[3];
    for (size_t k = 0; k < 3; k++)
        c[k] =
            (struct choice){review_results[k].value, review_results[k].label};
    form_select(ff, h, &fres, c, 3, NULL);
    form_field(ff, h, &fdec);
    form_submit(h, "登记审结结果");
    form_close(h);
    return true;
}

static void
record_reviews(struct req *r, struct html *h, PGresult *rec, struct form *f,
               bool review_err)
{
    PGresult *rv = DBQ(r, STMT_disclosure_reviews_of, db_get(rec, 0, DR_ID));
    html_elem(h, "h2", "行政复议和行政诉讼", "id", "reviews", NULL);
    for (int i = 0; rv != NULL && i < PQntuples(rv); i++) {
        html_open(h, "p", "class", "review", NULL);
        html_textf(h, "%s：%s，%s 提起",
                   dlabel(review_kinds, N(review_kinds), db_get(rv, i, 0)),
                   dlabel(review_results, N(review_results), db_get(rv, i, 1)),
                   db_get(rv, i, 2));
        if (*db_get(rv, i, 3))
            html_textf(h, "，%s 审结", db_get(rv, i, 3));
        if (strcmp(db_get(rv, i, 1), "pending") == 0) {
            html_text(h, " ");
            html_elem(h, "a", "登记审结结果", "href",
                      arena_printf(r->a,
                                   "/admin/disclosure/%s?review=%s#reviews",
                                   db_get(rec, 0, DR_NO), db_get(rv, i, 4)),
                      NULL);
        }
        html_close(h, "p");
    }
    if (review_decide_form(r, h, rec, rv, f, review_err) ||
        strcmp(db_get(rec, 0, DR_STATE), "closed") != 0)
        return;
    struct form fresh;
    form_init(&fresh, r, false);
    struct form *ff = review_err ? f : &fresh;
    static const struct field fk = {"kind", "类型", NULL, NULL, NULL, true, 0};
    static const struct field fres = {"result", "结果", NULL, NULL,
                                      NULL,     true,   0};
    static const struct field ffiled = {"filed_on", "提起日期", "date", NULL,
                                        NULL,       true,       10};
    static const struct field fdec = {
        "decided_on", "审结日期", "date", "尚未审结的不填", NULL, false, 10};
    struct choice c[4];
    form_open(ff, h,
              arena_printf(r->a, "/admin/disclosure/%s/review",
                           db_get(rec, 0, DR_NO)),
              false);
    for (size_t i = 0; i < N(review_kinds); i++)
        c[i] = (struct choice){review_kinds[i].value, review_kinds[i].label};
    form_select(ff, h, &fk, c, N(review_kinds), NULL);
    for (size_t i = 0; i < N(review_results); i++)
        c[i] =
            (struct choice){review_results[i].value, review_results[i].label};
    form_select(ff, h, &fres, c, N(review_results), "pending");
    form_field(ff, h, &ffiled);
    form_field(ff, h, &fdec);
    form_submit(h, "登记复议或诉讼");
    form_close(h);
}

/* ---- step forms ---- */

static void
outcome_select(struct form *f, struct html *h)
{
    static const struct field fo = {
        "outcome", "答复类型",
        NULL,      "按年度报告的分类选择；已主动公开、同意公开均为“予以公开”",
        NULL,      true,
        0};
    struct choice c[32];
    size_t n = 0;
    for (size_t i = 0; i < ndrows && n < N(c); i++)
        if (doutcome_valid(drows[i].key))
            c[n++] = (struct choice){drows[i].key, drows[i].label};
    form_select(f, h, &fo, c, n, NULL);
}

static void
step_fields(struct form *f, struct html *h, enum daction a, long k)
{
    static const struct field fon = {
        "on", "办理日期", "date", "默认今天；补录时填写实际日期",
        NULL, false,      10};
    static const struct field ftext = {
        "text",     "告知或答复的内容",
        "textarea", "申请人查询时能看到全文，请写明依据",
        NULL,       false,
        4000};
    static const struct field fdays_c = {
        "days", "补正期限（工作日）", "number", "例如 15", NULL, true, 3};
    static const struct field fdays_e = {
        "days", "延长的工作日数", "number", "最多 20 个工作日", NULL, true, 2};
    static const struct field fappr = {
        "approved_by", "批准人", "text", "政府信息公开工作机构负责人",
        NULL,          true,     50};
    static const struct field fpages = {
        "pages", "页数（按量计收时填写）", "number", "A4 幅面计", NULL, false,
        6};
    static const struct field famount = {"amount", "实际收取金额（元）",
                                         "number", "可低于标准或不收",
                                         NULL,     true,
                                         7};
    static const struct field fdeadline = {
        "deadline", "确定的答复期限",
        "date",     "理由合理但无法按期答复时填写（第三十五条）",
        NULL,       false,
        10};
    form_field(f, h, &fon);
    if (a == DA_REQUEST_CORRECTION)
        form_field(f, h, &fdays_c);
    if (a == DA_EXTEND) {
        form_field(f, h, &fdays_e);
        form_field(f, h, &fappr);
    }
    if (a == DA_FEE_NOTICE) {
        static const struct field fb = {"basis", "计收方式", NULL, NULL,
                                        NULL,    true,       0};
        const char *piece = fee_per_piece(k) > 0 ? "piece" : "volume";
        struct choice c[2] = {{"piece", "按件计收"}, {"volume", "按量计收"}};
        form_radios(f, h, &fb, c, 2, piece);
        form_field(f, h, &fpages);
        form_field(f, h, &famount);
    }
    if (a == DA_ACCEPT)
        form_field(f, h, &fdeadline);
    if (a == DA_REPLY)
        outcome_select(f, h);
    form_field(f, h, &ftext);
    /* The documents of the step (the reply's files, a notice's scan): the
     * applicant downloads them from the tracking page. */
    dfiles_field(f, h);
}

static void
record_steps(struct req *r, struct html *h, PGresult *rec, struct form *f,
             const char *step, long k)
{
    enum dstate s = dstate_parse(db_get(rec, 0, DR_STATE));
    const char *no = db_get(rec, 0, DR_NO);
    enum daction want = daction_parse(step);
    html_elem(h, "h2", "办理", "id", "steps", NULL);
    if (s == DS_CLOSED) {
        html_elem(h, "p", "已办结，不能再办理。可以登记行政复议或诉讼。", NULL);
        return;
    }
    html_open(h, "ul", "class", "steps", NULL);
    for (int a = DA_ACCEPT; a < DA__MAX; a++) {
        if (dsm_next(s, (enum daction)a) == DS__MAX)
            continue;
        html_open(h, "li", NULL);
        html_elem(h, "a", daction_label((enum daction)a), "href",
                  arena_printf(r->a, "/admin/disclosure/%s?step=%s#step", no,
                               daction_key((enum daction)a)),
                  "aria-current", (int)want == a ? "true" : NULL, NULL);
        html_close(h, "li");
    }
    html_close(h, "ul");
    if (want == DA__MAX || dsm_next(s, want) == DS__MAX)
        return;
    html_open(h, "section", "id", "step", "aria-labelledby", "step-title",
              NULL);
    html_elem(h, "h3", daction_label(want), "id", "step-title", NULL);
    form_open(f, h, arena_printf(r->a, "/admin/disclosure/%s/action", no),
              true);
    form_hidden(h, "action", daction_key(want));
    step_fields(f, h, want, k);
    form_submit(h, daction_label(want));
    form_close(h);
    html_close(h, "section");
}

void
drecord_page(struct req *r, PGresult *rec, struct form *f, const char *step,
             const char *err, int status)
{
    PGresult *ev = DBQ(r, STMT_disclosure_events_of, db_get(rec, 0, DR_ID));
    if (ev == NULL)
        return;
    const char *no = db_get(rec, 0, DR_NO);
    enum dstate s = dstate_parse(db_get(rec, 0, DR_STATE));
    struct html *h = page_begin(r, arena_printf(r->a, "申请 %s", no));
    const char *code = dreceipt_code(r, no);
    if (code != NULL) {
        html_open(h, "p", "class", "notice", NULL);
        html_text(h, "已登记。请把查询码告知申请人（30 分钟后不再显示）：");
        html_elem(h, "strong", code, "id", "access-code", NULL);
        html_close(h, "p");
    }
    html_open(h, "dl", "class", "facts", NULL);
    page_fact(h, "申请编号", no, "tracking-no");
    html_elem(h, "dt", "当前状态", NULL);
    html_elem(h, "dd", dstate_label(s), "id", "request-state", "data-state",
              dstate_key(s), NULL);
    html_elem(h, "dt", "答复期限", NULL);
    html_open(h, "dd", NULL);
    html_elem(h, "span",
              db_isnull(rec, 0, DR_DUE) ? due_missing(s)
                                        : db_get(rec, 0, DR_DUE),
              "id", "due-date", NULL);
    if (strcmp(db_get(rec, 0, DR_OVERDUE), "t") == 0)
        html_elem(h, "strong", "（已超期）", "class", "late", NULL);
    html_close(h, "dd");
    page_fact(h, "收到日期", db_get(rec, 0, DR_RECEIVED), NULL);
    page_fact(h, "收到方式",
              dlabel(channels, N(channels), db_get(rec, 0, DR_CHANNEL)), NULL);
    page_fact(h, "承办部门", db_get(rec, 0, DR_DEPT), NULL);
    if (s == DS_CLOSED) {
        const char *o = doutcome_label(db_get(rec, 0, DR_OUTCOME));
        page_fact(h, "办理结果", o ? o : "", "request-outcome");
    }
    html_close(h, "dl");
    ddue_explain(r, h, rec);
    record_applicant(r, h, rec);
    html_elem(h, "h2", "申请公开的信息", NULL);
    html_elem(h, "p", db_get(rec, 0, DR_DESC), "class", "notice-text", "id",
              "request-description", NULL);
    record_files(r, h, rec);
    long k = 1;
    if (s == DS_IN_PROGRESS || s == DS_AWAITING_PAYMENT)
        record_fees(r, h, rec, &k);
    record_steps(r, h, rec, f, step, k);
    devents_render(r, h, ev, no, NULL);
    record_reviews(r, h, rec, f, err != NULL && strcmp(err, "review") == 0);
    dlinks_section(r, h, rec, f, err != NULL && strcmp(err, "link") == 0);
    page_end(r, h);
    r->resp.status = status;
}

void
disclosure_admin_get(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    /* Every view of the full identity is on the audit trail. */
    if (audit(r, "disclosure_view", db_get(rec, 0, DR_NO),
              "查看完整申请人信息") != 0)
        return;
    struct form f;
    form_init(&f, r, false);
    drecord_page(r, rec, &f, req_query(r, "step"), NULL, 200);
}

/* ---- one step ---- */

struct step {
    enum daction a;
    const char *on, *text, *outcome, *days, *amount, *basis, *pages, *computed,
        *approved_by, *deadline;
};

static const char *
opt(struct req *r, const char *name)
{
    const char *v = valid_trim(r->a, req_param(r, name));
    return *v ? v : NULL;
}

static void
step_validate(struct req *r, struct form *f, struct step *st, long k)
{
    long v;
    st->on = opt(r, "on");
    st->text = opt(r, "text");
    if (st->on != NULL && !valid_date(st->on))
        form_error(f, "on", "请按 2026-03-15 的格式填写日期");
    if (st->text != NULL && valid_chars(st->text) > 4000)
        form_error(f, "text", "内容不能超过 4000 个字");
    if ((st->a == DA_REQUEST_CORRECTION || st->a == DA_REPLY ||
         st->a == DA_EXTEND) &&
        st->text == NULL)
        form_error(f, "text",
                   st->a == DA_REPLY
                       ? "请填写答复内容和依据"
                       : (st->a == DA_EXTEND ? "请填写延长的理由"
                                             : "请写明需要补正的内容"));
    st->days = opt(r, "days");
    if (st->a == DA_REQUEST_CORRECTION &&
        (st->days == NULL || !valid_int(st->days, 1, 60, &v)))
        form_error(f, "days", "请填写 1 到 60 之间的工作日数");
    if (st->a == DA_EXTEND &&
        (st->days == NULL || !valid_int(st->days, 1, 20, &v)))
        form_error(f, "days", "延长期限为 1 到 20 个工作日");
    st->approved_by = opt(r, "approved_by");
    if (st->a == DA_EXTEND && st->approved_by == NULL)
        form_error(f, "approved_by",
                   "延长答复期限须经负责人批准，请填写批准人");
    st->outcome = opt(r, "outcome");
    if (st->a == DA_REPLY && !doutcome_valid(st->outcome))
        form_error(f, "outcome", "请选择答复类型");
    st->deadline = st->a == DA_ACCEPT ? opt(r, "deadline") : NULL;
    if (st->deadline != NULL && !valid_date(st->deadline))
        form_error(f, "deadline", "请按 2026-03-15 的格式填写日期");
    dfiles_validate(r, f);
    if (st->a != DA_FEE_NOTICE)
        return;
    st->basis = req_param(r, "basis");
    st->pages = opt(r, "pages");
    st->amount = opt(r, "amount");
    long pages = 0;
    if (st->basis == NULL ||
        (strcmp(st->basis, "piece") != 0 && strcmp(st->basis, "volume") != 0))
        form_error(f, "basis", "请选择按件或按量计收");
    else if (strcmp(st->basis, "volume") == 0 &&
             (st->pages == NULL || !valid_int(st->pages, 1, 999999, &pages)))
        form_error(f, "pages", "按量计收时请填写页数");
    if (st->amount == NULL || !valid_int(st->amount, 0, 9999999, &v))
        form_error(f, "amount", "请填写实际收取的金额（整数，单位元）");
    if (st->basis != NULL && form_ok(f))
        st->computed =
            itoa_a(r, strcmp(st->basis, "piece") == 0 ? fee_per_piece(k)
                                                      : fee_per_volume(pages));
}

/* A refusal the person can act on, before the database refuses. */
static const char *
step_refusal(PGresult *rec, enum daction a)
{
    enum dstate s = dstate_parse(db_get(rec, 0, DR_STATE));
    if (dsm_next(s, a) == DS__MAX)
        return s == DS_CLOSED ? "这件申请已经办结，不能再办理。"
                              : "这件申请当前所处的阶段不能办理这一步。";
    if (a == DA_EXTEND && strcmp(db_get(rec, 0, DR_EXTENDED), "t") == 0)
        return "答复期限只能延长一次，这件申请已经延长过。";
    if (a == DA_REQUEST_CORRECTION && db_getll(rec, 0, DR_CORRECTIONS) > 0)
        return "补正只能告知一次。";
    return NULL;
}

static void
refuse(struct req *r, const char *msg)
{
    page_error(r, 409, "不能办理这一步", msg);
}

/* Writes the event in the form_id transaction; 1 done, 0 refused
 * (response set), -1 error. */
static int
step_store(struct req *r, PGresult *rec, const struct step *st)
{
    const char *prior, *no = db_get(rec, 0, DR_NO);
    const char *loc = arena_printf(r->a, "/admin/disclosure/%s", no);
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, &prior);
    if (once <= 0)
        return once == 0 ? 1 : -1;
    PGresult *res = DBQ(r, STMT_disclosure_event_add, db_get(rec, 0, DR_ID),
                        daction_key(st->a), st->on, itoa_a(r, r->user->id),
                        st->text, st->outcome, st->days, st->amount, st->basis,
                        st->pages, st->computed, st->approved_by, st->deadline);
    if (res == NULL) {
        if (r->db_down)
            return -1;
        bool cal = r->sqlstate && strcmp(r->sqlstate, "22008") == 0;
        db_rollback(r);
        refuse(r, cal ? "计算期限所需的日期超出了已载入的工作日历，请管理员"
                        "先补充下一年度的节假日安排。"
                      : "这一步现在不能办理：可能已超过法定期限、尚未到期、"
                        "重复办理、日期晚于今天或早于上一步，或者其他工作"
                        "人员刚刚办理了另一步。请刷新页面后核对。");
        return 0;
    }
    if (dfiles_store(r, db_get(rec, 0, DR_ID), db_get(res, 0, 0)) != 0 ||
        audit(r, arena_printf(r->a, "disclosure_%s", daction_key(st->a)), no,
              st->outcome ? st->outcome : "") != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return -1;
    return 1;
}

void
disclosure_admin_action_post(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    struct form f;
    struct step st = {0};
    form_init(&f, r, true);
    st.a = daction_parse(req_param(r, "action"));
    if (st.a == DA__MAX || st.a == DA_SUBMIT) {
        refuse(r, "没有这个办理步骤。");
        return;
    }
    const char *why = step_refusal(rec, st.a);
    if (why != NULL) {
        refuse(r, why);
        return;
    }
    long k = 1;
    if (st.a == DA_FEE_NOTICE) {
        PGresult *fr = DBQ(r, STMT_disclosure_fee_rank, db_get(rec, 0, DR_ID));
        if (fr == NULL)
            return;
        k = PQntuples(fr) ? db_getll(fr, 0, 0) : 1;
    }
    step_validate(r, &f, &st, k);
    if (!form_ok(&f)) {
        drecord_page(r, rec, &f, daction_key(st.a), NULL, 422);
        return;
    }
    if (step_store(r, rec, &st) == 1)
        resp_redirect(r, arena_printf(r->a, "/admin/disclosure/%s",
                                      db_get(rec, 0, DR_NO)));
}

/* ---- reviews ---- */

/* BEGIN and the form_id check of a review form: 1 go on (*loc is the
 * answer), 0 answered (a repeated form: 303 to its first answer), -1
 * database error. */
static int
review_begin(struct req *r, PGresult *rec, const char **loc)
{
    const char *prior;
    *loc = arena_printf(r->a, "/admin/disclosure/%s#reviews",
                        db_get(rec, 0, DR_NO));
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, &prior);
    if (once == 0)
        resp_redirect(r, prior);
    return once;
}

/* The result of pending review `review`: 303, 422 with the form, or 409
 * when it was decided meanwhile (by someone else: nothing changes). */
static void
review_decide_post(struct req *r, PGresult *rec)
{
    struct form f;
    form_init(&f, r, true);
    PGresult *rv = DBQ(r, STMT_disclosure_reviews_of, db_get(rec, 0, DR_ID));
    if (rv == NULL)
        return;
    const char *id = req_param(r, "review"), *result = req_param(r, "result");
    const char *decided = opt(r, "decided_on");
    int i = review_pending_row(rv, id);
    if (i < 0) {
        refuse(r, "这条复议或诉讼记录已经登记过审结结果。");
        return;
    }
    if (!in_choices(review_results, 3, result))
        form_error(&f, "result", "请选择审结结果");
    if (decided == NULL || !valid_date(decided))
        form_error(&f, "decided_on", "请按 2026-03-15 的格式填写审结日期");
    else if (strcmp(decided, db_get(rv, i, 2)) < 0)
        form_error(&f, "decided_on", "审结日期不能早于提起日期");
    else if (strcmp(decided, db_get(rec, 0, DR_TODAY)) > 0)
        form_error(&f, "decided_on", "审结日期不能晚于今天");
    if (!form_ok(&f)) {
        drecord_page(r, rec, &f, NULL, "review", 422);
        return;
    }
    const char *loc, *no = db_get(rec, 0, DR_NO);
    if (review_begin(r, rec, &loc) != 1)
        return;
    PGresult *u = DBQ(r, STMT_disclosure_review_decide, db_get(rec, 0, DR_ID),
                      id, result, decided);
    if (u == NULL)
        return;
    if (PQntuples(u) != 1) {
        db_rollback(r);
        refuse(r, "这条复议或诉讼记录刚刚已由其他工作人员登记了审结结果。");
        return;
    }
    if (audit(r, "disclosure_review_decided", no, result) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return;
    resp_redirect(r, loc);
}

void
disclosure_admin_review_post(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    if (req_param(r, "review") != NULL) {
        review_decide_post(r, rec);
        return;
    }
    struct form f;
    form_init(&f, r, true);
    const char *kind = req_param(r, "kind"), *result = req_param(r, "result");
    const char *filed = opt(r, "filed_on"), *decided = opt(r, "decided_on");
    if (!in_choices(review_kinds, N(review_kinds), kind))
        form_error(&f, "kind", "请选择复议或诉讼的类型");
    if (!in_choices(review_results, N(review_results), result))
        form_error(&f, "result", "请选择结果");
    if (filed == NULL || !valid_date(filed))
        form_error(&f, "filed_on", "请按 2026-03-15 的格式填写提起日期");
    bool pending = result != NULL && strcmp(result, "pending") == 0;
    if (decided != NULL && (!valid_date(decided) || pending))
        form_error(&f, "decided_on",
                   pending ? "尚未审结的不填审结日期"
                           : "请按 2026-03-15 的格式填写");
    else if (decided == NULL && result != NULL && !pending)
        form_error(&f, "decided_on", "已审结的请填写审结日期");
    else if (decided != NULL && filed != NULL && strcmp(decided, filed) < 0)
        form_error(&f, "decided_on", "审结日期不能早于提起日期");
    if (strcmp(db_get(rec, 0, DR_STATE), "closed") != 0) {
        refuse(r, "申请办结后才能登记复议或诉讼。");
        return;
    }
    if (!form_ok(&f)) {
        drecord_page(r, rec, &f, NULL, "review", 422);
        return;
    }
    const char *loc, *no = db_get(rec, 0, DR_NO);
    if (review_begin(r, rec, &loc) != 1 ||
        DBQ(r, STMT_disclosure_review_add, db_get(rec, 0, DR_ID), kind, result,
            filed, decided ? decided : "", itoa_a(r, r->user->id)) == NULL ||
        audit(r, "disclosure_review", no, kind) != 0 ||
        form_once_done(r, loc) != 0 || db_commit(r) != 0)
        return;
    resp_redirect(r, loc);
}

/* ---- files ---- */

void
disclosure_admin_file_get(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    PGresult *fr =
        DBQ(r, STMT_disclosure_file_get, db_get(rec, 0, DR_ID), r->args[1]);
    if (fr == NULL)
        return;
    if (PQntuples(fr) == 1 &&
        audit(r, "disclosure_file", db_get(rec, 0, DR_NO), r->args[1]) != 0)
        return;
    dfile_send(r, db_get(rec, 0, DR_NO), r->args[1], fr);
}
