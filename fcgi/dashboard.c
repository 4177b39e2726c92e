/* GET /admin/dashboard: a year's figures as charts and tables
 * (dashboard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "dashboard.h"
#include "db.h"
#include "disclosure.h"
#include "page.h"

static const char *const month_names[12] = {"1月", "2月",  "3月",  "4月",
                                            "5月", "6月",  "7月",  "8月",
                                            "9月", "10月", "11月", "12月"};

/* Who and what the page shows. */
struct scope {
    int year;
    int dept; /* 0 = the whole district (admins only) */
    bool all; /* passed to the statements as $2 */
    bool large;
    const char *year_s, *all_s, *dept_s;
    const char *dept_name; /* NULL for the whole district */
};

/* A whole number in [lo, hi] or dflt. */
static int
int_param(const char *s, int lo, int hi, int dflt)
{
    if (s == NULL || *s == '\0' || strlen(s) > 6)
        return dflt;
    char *end;
    long v = strtol(s, &end, 10);
    return (*end == '\0' && v >= lo && v <= hi) ? (int)v : dflt;
}

static bool
scope_init(struct req *r, struct scope *s)
{
    struct user *u = req_user(r);
    s->year = int_param(req_query(r, "year"), 2000, 2100, req_year(r));
    s->dept = u->role == ROLE_ADMIN
                  ? int_param(req_query(r, "dept"), 0, 1000000, 0)
                  : (int)u->dept;
    s->all = s->dept == 0;
    s->large = page_large(r);
    s->year_s = arena_printf(r->a, "%d", s->year);
    s->dept_s = arena_printf(r->a, "%d", s->dept);
    s->all_s = s->all ? "true" : "false";
    s->dept_name = NULL;
    if (s->all)
        return true;
    PGresult *res = DBQ(r, STMT_dash_dept_name, s->dept_s);
    if (res == NULL)
        return false;
    s->dept_name = PQntuples(res) == 1 ? db_get(res, 0, 0) : "（没有这个部门）";
    return true;
}

/* ---- small table helpers ---- */

static void
table_open(struct html *h, const char *id, const char *caption,
           const char *const *cols, size_t n)
{
    html_open(h, "table", "class", "list dash", "id", id, NULL);
    html_elem(h, "caption", caption, NULL);
    page_thead(h, cols, n);
}

/* One row: a header cell and n data cells ("" shows as "—"). */
static void
table_row(struct html *h, const char *head, const char *const *cells, size_t n)
{
    html_open(h, "tr", NULL);
    html_elem(h, "th", head, "scope", "row", NULL);
    for (size_t i = 0; i < n; i++)
        html_elem(h, "td", cells[i][0] ? cells[i] : "—", NULL);
    html_close(h, "tr");
}

/* "87.5%" from a SQL rate text, "" stays "". */
static const char *
pct(struct req *r, const char *v)
{
    return v[0] ? arena_printf(r->a, "%s%%", v) : "";
}

/* ok / of as a percentage with one decimal, "" when of is 0. */
static const char *
ratio(struct req *r, long long ok, long long of)
{
    if (of <= 0)
        return "";
    return arena_printf(r->a, "%.1f%%", 100.0 * (double)ok / (double)of);
}

/* The chart, serialised by libxml2 (chart.c), goes into the page as
 * markup. html_raw_trusted is right here, and only here: the string is
 * not user text but a document libxml2 wrote from its own tree, where
 * every label and title was a text node that its serialiser escaped
 * (& < > in text, & < " in attributes); unit tests check that a label
 * "<script>" comes out as "&lt;script&gt;". */
static void
chart_block(struct req *r, struct html *h, const struct chart *c)
{
    char *svg = chart_bar_svg(r->a, c);
    html_open(h, "div", "class", "dash-chart", NULL);
    if (svg != NULL)
        html_raw_trusted(h, svg);
    else
        html_elem(h, "p", "图表暂时无法生成，请看右边的表格。", NULL);
    html_close(h, "div");
}

static const char *
scope_label(struct req *r, const struct scope *s)
{
    return arena_printf(r->a, "%d年 · %s", s->year,
                        s->dept_name ? s->dept_name : "全区");
}

/* The month chart of a section: 12 bars, titled with the scope. */
static void
month_chart(struct req *r, struct html *h, const struct scope *s,
            const char *id, const char *what, const char *unit,
            const struct chart_bar *bars)
{
    struct chart c = {
        .id = id,
        .title = arena_printf(r->a, "%s（%s）", what, scope_label(r, s)),
        .desc = arena_printf(r->a,
                             "柱子的高度是%s，每根柱子上方写着数字，"
                             "旁边的表格里也有。",
                             what),
        .unit = unit,
        .large = s->large,
        .bars = bars,
        .n = 12};
    chart_block(r, h, &c);
}

/* ---- 政策留言 ---- */

/* A row of dash_board_stats: messages .. on-time rate (columns 3-7). */
static void
board_row(struct req *r, struct html *h, PGresult *res, int i, const char *head)
{
    const char *cells[] = {db_get(res, i, 3), db_get(res, i, 4),
                           db_get(res, i, 5), db_get(res, i, 6),
                           pct(r, db_get(res, i, 7))};
    table_row(h, head, cells, 5);
}

static const char *const board_cols[] = {
    "", "留言", "已答复", "平均用时（工作日）", "按时答复", "按时答复率"};

static bool
board_section(struct req *r, struct html *h, const struct scope *s)
{
    PGresult *res =
        DBQ(r, STMT_dash_board_stats, s->year_s, s->all_s, s->dept_s);
    int n = res ? PQntuples(res) : 0;
    /* 12 months first, then the departments, the year last */
    if (res == NULL || n < 13 || db_getll(res, n - 1, 0) != 3)
        return false;
    html_elem(h, "h2", "政策留言", "id", "sec-board", NULL);
    struct chart_bar bars[12];
    for (int i = 0; i < 12; i++)
        bars[i] =
            (struct chart_bar){month_names[i], (double)db_getll(res, i, 3)};
    html_open(h, "div", "class", "dash-pair", NULL);
    month_chart(r, h, s, "ch-board", "每月收到的留言条数", "条", bars);
    const char *cols[6];
    memcpy(cols, board_cols, sizeof(cols));
    cols[0] = "月份";
    table_open(h, "t-board-months", "每月留言和答复", cols, 6);
    for (int i = 0; i < 12; i++)
        board_row(r, h, res, i, month_names[i]);
    board_row(r, h, res, n - 1, "全年");
    page_table_end(h);
    html_close(h, "div");
    cols[0] = "部门";
    table_open(h, "t-board-depts", "各部门的答复情况（按现在负责的部门）", cols,
               6);
    for (int i = 12; i < n - 1; i++)
        board_row(r, h, res, i, db_get(res, i, 2));
    if (n == 13)
        table_row(h, "暂无留言", (const char *const[]){""}, 0);
    page_table_end(h);
    return true;
}

/* ---- 依申请公开 ---- */

static bool
disclosure_outcomes(struct req *r, struct html *h, const struct scope *s)
{
    PGresult *o =
        DBQ(r, STMT_dash_disclosure_outcomes, s->year_s, s->all_s, s->dept_s);
    if (o == NULL)
        return false;
    static const char *const cols[] = {"答复类型", "件数"};
    table_open(h, "t-disclosure-outcomes", "办结的申请是怎样答复的", cols, 2);
    for (int i = 0; i < PQntuples(o); i++) {
        const char *label = doutcome_label(db_get(o, i, 0));
        const char *cells[] = {db_get(o, i, 1)};
        table_row(h, label ? label : db_get(o, i, 0), cells, 1);
    }
    if (PQntuples(o) == 0)
        table_row(h, "暂无办结的申请", (const char *const[]){""}, 0);
    page_table_end(h);
    return true;
}

static bool
disclosure_section(struct req *r, struct html *h, const struct scope *s)
{
    PGresult *m =
        DBQ(r, STMT_dash_disclosure_months, s->year_s, s->all_s, s->dept_s);
    if (m == NULL || PQntuples(m) != 12)
        return false;
    html_elem(h, "h2", "依申请公开", "id", "sec-disclosure", NULL);
    struct chart_bar bars[12];
    long long sum[4] = {0, 0, 0, 0};
    for (int i = 0; i < 12; i++) {
        bars[i] = (struct chart_bar){month_names[i], (double)db_getll(m, i, 1)};
        for (int k = 0; k < 4; k++)
            sum[k] += db_getll(m, i, k + 1);
    }
    html_open(h, "p", "class", "dash-key", NULL);
    html_text(h, "全年按时办结率：");
    const char *rate = ratio(r, sum[3], sum[2]);
    html_elem(h, "strong", rate[0] ? rate : "暂无", "id", "disclosure-ontime",
              NULL);
    html_close(h, "p");
    html_open(h, "div", "class", "dash-pair", NULL);
    month_chart(r, h, s, "ch-disclosure", "每月收到的信息公开申请件数", "件",
                bars);
    static const char *const cols[] = {"月份", "收到", "办结", "按时办结",
                                       "按时办结率"};
    table_open(h, "t-disclosure-months", "每月收到和办结的申请", cols, 5);
    for (int i = 0; i < 13; i++) {
        long long v[4];
        for (int k = 0; k < 4; k++)
            v[k] = i < 12 ? db_getll(m, i, k + 1) : sum[k];
        const char *cells[] = {
            arena_printf(r->a, "%lld", v[0]), arena_printf(r->a, "%lld", v[1]),
            arena_printf(r->a, "%lld", v[3]), ratio(r, v[3], v[2])};
        table_row(h, i < 12 ? month_names[i] : "全年", cells, 4);
    }
    page_table_end(h);
    html_close(h, "div");
    return disclosure_outcomes(r, h, s);
}

/* ---- 政府开放月 ---- */

static void
om_table(struct req *r, struct html *h, PGresult *a)
{
    static const char *const cols[] = {"活动",     "日期", "报名",
                                       "占用名额", "签到", "签到率"};
    table_open(h, "t-om-activities", "各活动的报名和签到", cols, 6);
    long long tot[3] = {0, 0, 0};
    for (int i = 0; i < PQntuples(a); i++) {
        bool begun = strcmp(db_get(a, i, 7), "t") == 0;
        const char *cells[] = {
            db_get(a, i, 3), db_get(a, i, 4), db_get(a, i, 5), db_get(a, i, 6),
            begun ? ratio(r, db_getll(a, i, 6), db_getll(a, i, 5)) : "未开始"};
        table_row(h, db_get(a, i, 1), cells, 5);
        for (int k = 0; k < 3; k++)
            tot[k] += db_getll(a, i, k + 4);
    }
    const char *cells[] = {"", arena_printf(r->a, "%lld", tot[0]),
                           arena_printf(r->a, "%lld", tot[1]),
                           arena_printf(r->a, "%lld", tot[2]), ""};
    table_row(h, "合计", cells, 5);
    page_table_end(h);
}

static bool
om_section(struct req *r, struct html *h, const struct scope *s)
{
    PGresult *a =
        DBQ(r, STMT_dash_om_activities, s->year_s, s->all_s, s->dept_s);
    if (a == NULL)
        return false;
    html_elem(h, "h2", "政府开放月", "id", "sec-om", NULL);
    /* Check-in rate over the activities that have begun. */
    long long in = 0, held = 0;
    struct chart_bar bars[12];
    for (int i = 0; i < 12; i++)
        bars[i] = (struct chart_bar){month_names[i], 0};
    for (int i = 0; i < PQntuples(a); i++) {
        int mon = (int)db_getll(a, i, 2);
        if (mon >= 1 && mon <= 12)
            bars[mon - 1].value += (double)db_getll(a, i, 4);
        if (strcmp(db_get(a, i, 7), "t") == 0) {
            held += db_getll(a, i, 5);
            in += db_getll(a, i, 6);
        }
    }
    html_open(h, "p", "class", "dash-key", NULL);
    html_text(h, "已开始的活动签到率：");
    const char *rate = ratio(r, in, held);
    html_elem(h, "strong", rate[0] ? rate : "暂无", "id", "om-checkin-rate",
              NULL);
    html_close(h, "p");
    html_open(h, "div", "class", "dash-pair", NULL);
    month_chart(r, h, s, "ch-om", "每月开始的活动的报名人数（不含取消）", "人",
                bars);
    om_table(r, h, a);
    html_close(h, "div");
    return true;
}

/* ---- the page ---- */

static void
filters(struct req *r, struct html *h, const struct scope *s)
{
    struct user *u = req_user(r);
    html_open(h, "form", "method", "get", "action", "/admin/dashboard", "class",
              "filters", NULL);
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", "年份", "for", "f-year", NULL);
    html_open(h, "select", "id", "f-year", "name", "year", NULL);
    int cur = req_year(r);
    int lo = s->year < cur - 3 ? s->year : cur - 3;
    int hi = s->year > cur ? s->year : cur;
    for (int y = hi; y >= lo; y--)
        html_elem(h, "option", arena_printf(r->a, "%d年", y), "value",
                  arena_printf(r->a, "%d", y), "selected",
                  y == s->year ? "" : NULL, NULL);
    html_close(h, "select");
    html_close(h, "div");
    static const struct dept_pick pick = {"dept", "部门", DEPT_ID, "全区", "0"};
    if (u->role == ROLE_ADMIN)
        page_dept_filter(r, h, &pick, s->dept_s);
    html_elem(h, "button", "查看", "type", "submit", NULL);
    html_close(h, "form");
}

void
dashboard_get(struct req *r)
{
    struct scope s;
    if (!scope_init(r, &s)) {
        page_fail(r);
        return;
    }
    struct html *h = page_begin(r, "数据统计");
    html_open(h, "p", "class", "lead", "id", "dash-scope", NULL);
    html_text(h, scope_label(r, &s));
    if (req_user(r)->role != ROLE_ADMIN)
        html_text(h, "（工作人员只能看本部门的数字）");
    html_close(h, "p");
    filters(r, h, &s);
    if (!board_section(r, h, &s) || !disclosure_section(r, h, &s) ||
        !om_section(r, h, &s)) {
        /* a statement failed: page_fail replaces the half-written page */
        page_fail(r);
        return;
    }
    page_end(r, h);
}
