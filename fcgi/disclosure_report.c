/* The annual report of 依申请公开 (国办公开办函〔2021〕30号 format, sections
 * 三, 四 and 六), with the row and column keys of domain/disclosure.md, as
 * HTML, CSV and XML, over HTTP and from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

#define NCOLS   7 /* six applicant columns and the total */
#define NGROUPS 3
#define NRES    5

static const struct dchoice cols[NCOLS] = {
    {"natural", "自然人"},
    {"commercial", "商业企业"},
    {"research", "科研机构"},
    {"social_welfare", "社会公益组织"},
    {"legal_service", "法律服务机构"},
    {"other", "其他"},
    {"total", "总计"},
};
static const struct dchoice groups[NGROUPS] = {
    {"reconsideration", "行政复议"},
    {"litigation_direct", "行政诉讼（未经复议直接起诉）"},
    {"litigation_after_reconsideration", "行政诉讼（复议后起诉）"},
};
static const struct dchoice results[NRES] = {
    {"upheld", "结果维持"},  {"corrected", "结果纠正"}, {"other", "其他结果"},
    {"pending", "尚未审结"}, {"total", "总计"},
};

struct dreport {
    int year;
    const char *scope;    /* department name or 全区 */
    long cell[32][NCOLS]; /* by drows[] index */
    long rev[NGROUPS][NRES];
    long fees; /* section 六, yuan */
};

static int
find(const struct dchoice *c, int n, const char *v)
{
    for (int i = 0; i < n; i++)
        if (strcmp(c[i].value, v) == 0)
            return i;
    return -1;
}

static int
row_of(const char *key)
{
    for (size_t i = 0; i < ndrows; i++)
        if (strcmp(drows[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* Fills the tables from the three report statements; false if the
 * balance new_received + carried_over = r_total + carried_forward fails
 * in any column (the report then refuses to print). */
static bool
report_fill(struct dreport *rep, PGresult *counts, PGresult *revs,
            PGresult *fees)
{
    int total = row_of("r_total");
    for (int i = 0; i < PQntuples(counts); i++) {
        int row = row_of(PQgetvalue(counts, i, 0));
        int col = find(cols, NCOLS, PQgetvalue(counts, i, 1));
        long n = strtol(PQgetvalue(counts, i, 2), NULL, 10);
        if (row < 0 || col < 0)
            return false;
        rep->cell[row][col] += n;
        rep->cell[row][NCOLS - 1] += n;
        if (drows[row].key[0] == 'r') {
            rep->cell[total][col] += n;
            rep->cell[total][NCOLS - 1] += n;
        }
    }
    for (int i = 0; i < PQntuples(revs); i++) {
        int g = find(groups, NGROUPS, PQgetvalue(revs, i, 0));
        int res = find(results, NRES, PQgetvalue(revs, i, 1));
        long n = strtol(PQgetvalue(revs, i, 2), NULL, 10);
        if (g < 0 || res < 0)
            return false;
        rep->rev[g][res] += n;
        rep->rev[g][NRES - 1] += n;
    }
    rep->fees = strtol(PQgetvalue(fees, 0, 0), NULL, 10);
    int nr = row_of("new_received"), co = row_of("carried_over"),
        cf = row_of("carried_forward");
    for (int c = 0; c < NCOLS; c++)
        if (rep->cell[nr][c] + rep->cell[co][c] !=
            rep->cell[total][c] + rep->cell[cf][c])
            return false;
    return true;
}

static void
report_csv(struct buf *b, const struct dreport *rep)
{
    buf_puts(b, "row");
    for (int c = 0; c < NCOLS; c++)
        buf_printf(b, ",%s", cols[c].value);
    buf_puts(b, "\r\n");
    for (size_t i = 0; i < ndrows; i++) {
        buf_puts(b, drows[i].key);
        for (int c = 0; c < NCOLS; c++)
            buf_printf(b, ",%ld", rep->cell[i][c]);
        buf_puts(b, "\r\n");
    }
    buf_puts(b, "\r\ngroup");
    for (int c = 0; c < NRES; c++)
        buf_printf(b, ",%s", results[c].value);
    buf_puts(b, "\r\n");
    for (int g = 0; g < NGROUPS; g++) {
        buf_puts(b, groups[g].value);
        for (int c = 0; c < NRES; c++)
            buf_printf(b, ",%ld", rep->rev[g][c]);
        buf_puts(b, "\r\n");
    }
}

static void
report_xml(struct buf *b, const struct dreport *rep)
{
    struct html x;
    char n[24];
    html_init_xml(&x, b);
    html_raw_trusted(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    snprintf(n, sizeof(n), "%d", rep->year);
    html_open(&x, "disclosure-annual", "year", n, "scope", rep->scope, NULL);
    html_open(&x, "section3", "label", "收到和处理政府信息公开申请情况", NULL);
    for (size_t i = 0; i < ndrows; i++) {
        html_open(&x, "row", "key", drows[i].key, "label", drows[i].label,
                  NULL);
        for (int c = 0; c < NCOLS; c++) {
            snprintf(n, sizeof(n), "%ld", rep->cell[i][c]);
            html_elem(&x, cols[c].value, n, "label", cols[c].label, NULL);
        }
        html_close(&x, "row");
    }
    html_close(&x, "section3");
    html_open(&x, "section4", "label", "政府信息公开行政复议、行政诉讼情况",
              NULL);
    for (int g = 0; g < NGROUPS; g++) {
        html_open(&x, "group", "key", groups[g].value, "label", groups[g].label,
                  NULL);
        for (int c = 0; c < NRES; c++) {
            snprintf(n, sizeof(n), "%ld", rep->rev[g][c]);
            html_elem(&x, results[c].value, n, "label", results[c].label, NULL);
        }
        html_close(&x, "group");
    }
    html_close(&x, "section4");
    snprintf(n, sizeof(n), "%ld", rep->fees);
    html_elem(&x, "fees-collected", n, "label", "收取信息处理费（元）", NULL);
    html_close(&x, "disclosure-annual");
    html_raw_trusted(&x, "\n");
}

static void
report_html(struct html *h, const struct dreport *rep)
{
    html_elem(h, "h2", "三、收到和处理政府信息公开申请情况", NULL);
    html_open(h, "table", "class", "list report", "id", "report-section3",
              NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_elem(h, "th", "", "scope", "col", NULL);
    for (int c = 0; c < NCOLS; c++)
        html_elem(h, "th", cols[c].label, "scope", "col", "data-key",
                  cols[c].value, NULL);
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < ndrows; i++) {
        html_open(h, "tr", "data-key", drows[i].key, NULL);
        html_elem(h, "th", drows[i].label, "scope", "row", NULL);
        for (int c = 0; c < NCOLS; c++) {
            html_open(h, "td", "data-key", cols[c].value, NULL);
            html_textf(h, "%ld", rep->cell[i][c]);
            html_close(h, "td");
        }
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_elem(h, "h2", "四、政府信息公开行政复议、行政诉讼情况", NULL);
    html_open(h, "table", "class", "list report", "id", "report-section4",
              NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_elem(h, "th", "", "scope", "col", NULL);
    for (int c = 0; c < NRES; c++)
        html_elem(h, "th", results[c].label, "scope", "col", NULL);
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (int g = 0; g < NGROUPS; g++) {
        html_open(h, "tr", "data-key", groups[g].value, NULL);
        html_elem(h, "th", groups[g].label, "scope", "row", NULL);
        for (int c = 0; c < NRES; c++) {
            html_open(h, "td", NULL);
            html_textf(h, "%ld", rep->rev[g][c]);
            html_close(h, "td");
        }
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    html_elem(h, "h2", "六、信息处理费", NULL);
    html_open(h, "p", "id", "report-fees", NULL);
    html_textf(h, "本年度实际收取信息处理费 %ld 元。", rep->fees);
    html_close(h, "p");
}

/* One bar chart in SVG (12 months), drawn with the escaping writer; the
 * figures are also in the title of each bar for screen readers. */
static void
month_chart(struct html *h, PGresult *m, int col, const char *title,
            const char *unit, const char *id)
{
    double max = 1;
    for (int i = 0; i < PQntuples(m); i++)
        if (strtod(PQgetvalue(m, i, col), NULL) > max)
            max = strtod(PQgetvalue(m, i, col), NULL);
    char a[32], b[32], c[32], d[32];
    html_open(h, "figure", "class", "chart", NULL);
    html_open(h, "svg", "xmlns", "http://www.w3.org/2000/svg", "viewBox",
              "0 0 640 220", "role", "img", "aria-labelledby", id, "id",
              arena_printf(h->out->a, "%s-svg", id), NULL);
    html_elem(h, "title", title, "id", id, NULL);
    for (int i = 0; i < PQntuples(m) && i < 12; i++) {
        double v = strtod(PQgetvalue(m, i, col), NULL);
        int bh = (int)(v / max * 160.0 + 0.5);
        snprintf(a, sizeof(a), "%d", 20 + i * 52);
        snprintf(b, sizeof(b), "%d", 185 - bh);
        snprintf(c, sizeof(c), "%d", bh);
        html_open(h, "rect", "x", a, "y", b, "width", "36", "height", c,
                  "class", "bar", NULL);
        html_elem(h, "title",
                  arena_printf(h->out->a, "%d 月：%s %s", i + 1,
                               PQgetvalue(m, i, col), unit),
                  NULL);
        html_close(h, "rect");
        snprintf(a, sizeof(a), "%d", 38 + i * 52);
        snprintf(d, sizeof(d), "%d", 180 - bh);
        html_elem(h, "text", PQgetvalue(m, i, col), "x", a, "y", d,
                  "text-anchor", "middle", "class", "value", NULL);
        html_elem(h, "text", arena_printf(h->out->a, "%d月", i + 1), "x", a,
                  "y", "205", "text-anchor", "middle", NULL);
    }
    html_close(h, "svg");
    html_elem(h, "figcaption", title, NULL);
    html_close(h, "figure");
}

/* ---- HTTP ---- */

void
disclosure_report_get(struct req *r)
{
    struct user *u = req_user(r);
    long year = req_year_param(r), dept = 0;
    const char *d = req_query(r, "dept");
    const char *fmt = req_query(r, "format");
    if (d != NULL && *d && !valid_int(d, 1, 100000, &dept))
        dept = 0;
    if (u->role != ROLE_ADMIN)
        dept = u->dept; /* staff report on their own department */
    if (fmt == NULL || (strcmp(fmt, "csv") != 0 && strcmp(fmt, "xml") != 0))
        fmt = "html";
    const char *ys = arena_printf(r->a, "%ld", year);
    const char *ds = arena_printf(r->a, "%ld", dept);
    PGresult *c = DBQ(r, STMT_disclosure_report_counts, ys, ds);
    PGresult *v = c ? DBQ(r, STMT_disclosure_report_reviews, ys, ds) : NULL;
    PGresult *f = v ? DBQ(r, STMT_disclosure_report_fees, ys, ds) : NULL;
    if (f == NULL)
        return;
    struct dreport *rep = arena_zalloc(r->a, sizeof(*rep));
    rep->year = (int)year;
    rep->scope = dept == 0 ? "全区" : u->dept_name;
    if (dept != 0 && u->role == ROLE_ADMIN) {
        PGresult *dn = DBQ(r, STMT_disclosure_dept_find, ds);
        rep->scope = dn && PQntuples(dn) ? db_get(dn, 0, 1) : "";
    }
    if (!report_fill(rep, c, v, f)) {
        page_error(r, 409, "报告数据不平衡",
                   "本年新收加上年结转不等于办结加结转下年，报告不予输出。"
                   "请检查申请记录。");
        return;
    }
    if (strcmp(fmt, "csv") == 0) {
        r->resp.ctype = "text/csv; charset=utf-8";
        report_csv(&r->resp.body, rep);
        return;
    }
    if (strcmp(fmt, "xml") == 0) {
        r->resp.ctype = "application/xml; charset=utf-8";
        report_xml(&r->resp.body, rep);
        return;
    }
    struct html *h =
        page_begin(r, arena_printf(r->a, "%ld 年政府信息公开年度报告（%s）",
                                   year, rep->scope));
    html_open(h, "p", NULL);
    html_elem(h, "a", "下载 CSV", "href",
              arena_printf(r->a, "?year=%ld&dept=%ld&format=csv", year, dept),
              NULL);
    html_text(h, " · ");
    html_elem(h, "a", "下载 XML", "href",
              arena_printf(r->a, "?year=%ld&dept=%ld&format=xml", year, dept),
              NULL);
    html_close(h, "p");
    report_html(h, rep);
    PGresult *m = DBQ(r, STMT_disclosure_report_months, ys, ds);
    if (m != NULL) {
        html_elem(h, "h2", "按月统计", NULL);
        month_chart(h, m, 1, "每月收到的申请（件）", "件", "chart-received");
        month_chart(h, m, 2, "每月办结申请的平均办理时间（工作日）", "个工作日",
                    "chart-reply");
    }
    page_end(r, h);
}

/* ---- command line ---- */

static int
cli_report_run(PGconn *c, int year, const char *dept, const char *fmt)
{
    struct arena a;
    arena_init(&a, 65536);
    char ys[16], ds[16] = "0";
    int rc = 1;
    PGresult *cnt = NULL, *rev = NULL, *fee = NULL, *dn = NULL;
    struct dreport *rep = arena_zalloc(&a, sizeof(*rep));
    rep->year = year;
    rep->scope = "全区";
    snprintf(ys, sizeof(ys), "%d", year);
    if (dept != NULL) {
        const char *p[] = {dept};
        dn = db_cli_exec(c, STMT_disclosure_dept_find, 1, p);
        if (dn == NULL || PQntuples(dn) != 1) {
            fprintf(stderr, "gongkai: no department \"%s\"\n", dept);
            goto out;
        }
        snprintf(ds, sizeof(ds), "%s", PQgetvalue(dn, 0, 0));
        rep->scope = PQgetvalue(dn, 0, 1);
    }
    const char *p[] = {ys, ds};
    cnt = db_cli_exec(c, STMT_disclosure_report_counts, 2, p);
    rev = cnt ? db_cli_exec(c, STMT_disclosure_report_reviews, 2, p) : NULL;
    fee = rev ? db_cli_exec(c, STMT_disclosure_report_fees, 2, p) : NULL;
    if (fee == NULL)
        goto out;
    if (!report_fill(rep, cnt, rev, fee)) {
        fprintf(stderr, "gongkai: the report does not balance "
                        "(new_received + carried_over != r_total + "
                        "carried_forward); refusing to print\n");
        goto out;
    }
    struct buf b;
    buf_init(&b, &a, 8192);
    if (strcmp(fmt, "xml") == 0) {
        report_xml(&b, rep);
    } else if (strcmp(fmt, "html") == 0) {
        struct html h;
        html_init(&h, &b);
        report_html(&h, rep);
    } else {
        report_csv(&b, rep);
    }
    fwrite(b.p, 1, b.len, stdout);
    rc = 0;
out:
    PQclear(cnt);
    PQclear(rev);
    PQclear(fee);
    PQclear(dn);
    arena_free(&a);
    return rc;
}

int
disclosure_cli_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"year", required_argument, NULL, 'y'},
        {"dept", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dept = NULL, *fmt = "csv";
    long year = 0;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'y':
            if (!valid_int(optarg, 2000, 2100, &year))
                year = -1;
            break;
        case 'd': dept = optarg; break;
        case 'f': fmt = optarg; break;
        default:
            printf("usage: gongkai report disclosure-annual --year Y "
                   "[--dept D] [--format csv|xml|html]\n");
            return ch == 'h' ? 0 : 2;
        }
    }
    if (year <= 0 || (strcmp(fmt, "csv") != 0 && strcmp(fmt, "xml") != 0 &&
                      strcmp(fmt, "html") != 0)) {
        fprintf(stderr, "gongkai report disclosure-annual: --year Y "
                        "(2000-2100) is required; --format csv, xml or "
                        "html\n");
        return 2;
    }
    PGconn *c = PQconnectdb(cfg.dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "gongkai: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    int rc = cli_report_run(c, (int)year, dept, fmt);
    PQfinish(c);
    return rc;
}
