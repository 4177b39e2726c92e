/* The working-day calendar page: admins load the next year's holidays and
 * 调休 working days (the State Council's notice each December). The dates
 * go to calendar_add_year() (schema/0021), which writes the calendar as the
 * owner and computes the due dates that waited for it. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "valid.h"

static const struct field f_year = {
    "year", "年度", "number", "只能载入已有年份的下一年", NULL, true, 4};
static const struct field f_holidays = {
    "holidays", "放假日期（周一至周五）",
    "textarea", "每行一个日期，如 2027-01-01；周末放假不必填写",
    NULL,       false,
    4000};
static const struct field f_workdays = {
    "workdays", "调休上班日期（周六或周日）",
    "textarea", "每行一个日期，如 2027-02-07",
    NULL,       false,
    4000};

static void
calendar_page(struct req *r, struct form *f, int status)
{
    PGresult *res = DBQ0(r, STMT_disclosure_calendar_years);
    if (res == NULL)
        return;
    struct html *h = page_begin(r, "工作日历");
    html_elem(h, "p",
              "答复期限按工作日计算：周末和法定节假日不计，调休上班日计入。"
              "每年国务院办公厅公布下一年节假日安排后，请在这里载入。",
              "class", "lead", NULL);
    static const char *const cols[] = {"年度", "工作日放假天数",
                                       "调休上班天数"};
    page_table(h, "calendar-years", NULL, cols, sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < PQntuples(res); i++) {
        html_open(h, "tr", NULL);
        for (int c = 0; c < 3; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    html_elem(h, "h2", "载入下一年", NULL);
    form_open(f, h, "/admin/disclosure/calendar", false);
    form_field(f, h, &f_year);
    form_field(f, h, &f_holidays);
    form_field(f, h, &f_workdays);
    form_submit(h, "载入");
    form_close(h);
    page_end(r, h);
    r->resp.status = status;
}

void
disclosure_calendar_get(struct req *r)
{
    struct form f;
    form_init(&f, r, false);
    calendar_page(r, &f, 200);
}

/* "2027-01-01\n2027-02-10 ..." -> "2027-01-01,2027-02-10"; NULL if a token
 * is not a date of year y. */
static const char *
date_list(struct req *r, const char *in, long y)
{
    struct buf b;
    buf_init(&b, r->a, 256);
    char *s = arena_strdup(r->a, in ? in : "");
    for (char *tok = strtok(s, " \t\r\n,;"); tok;
         tok = strtok(NULL, " \t\r\n,;")) {
        char want[8];
        snprintf(want, sizeof(want), "%ld-", y);
        if (!valid_date(tok) || strncmp(tok, want, 5) != 0)
            return NULL;
        if (b.len > 0)
            buf_putc(&b, ',');
        buf_puts(&b, tok);
    }
    return buf_cstr(&b);
}

void
disclosure_calendar_post(struct req *r)
{
    struct form f;
    long y = 0;
    form_init(&f, r, true);
    if (!valid_int(req_param(r, "year"), 2000, 2100, &y))
        form_error(&f, "year", "请填写年度，如 2027");
    const char *hol = y ? date_list(r, req_param(r, "holidays"), y) : "";
    const char *wrk = y ? date_list(r, req_param(r, "workdays"), y) : "";
    if (hol == NULL)
        form_error(&f, "holidays", "请每行填写一个该年度的日期，如 2027-01-01");
    if (wrk == NULL)
        form_error(&f, "workdays", "请每行填写一个该年度的日期，如 2027-02-07");
    if (!form_ok(&f)) {
        calendar_page(r, &f, 422);
        return;
    }
    const char *ys = arena_printf(r->a, "%ld", y);
    if (db_begin(r) != 0)
        return;
    PGresult *res = DBQ(r, STMT_disclosure_calendar_add, ys, hol, wrk);
    if (res == NULL) {
        if (r->db_down)
            return;
        db_rollback(r);
        form_error(&f, "year",
                   "未能载入：年度须紧接已载入的最后一年；放假日期须为周一至"
                   "周五，调休上班日须为周六或周日");
        calendar_page(r, &f, 422);
        return;
    }
    if (audit(r, "calendar_add_year", ys, db_get(res, 0, 0)) != 0 ||
        db_commit(r) != 0)
        return;
    resp_redirect(r, "/admin/disclosure/calendar");
}
