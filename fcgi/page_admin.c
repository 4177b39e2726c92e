/* The staff side: the staff home and the audit trail. */
#include <stdio.h>

#include "board.h"
#include "dashboard.h" /* dashboard: */
#include "db.h"
#include "disclosure.h" /* disclosure: */
#include "handlers.h"
#include "meetings.h"  /* meetings: */
#include "openmonth.h" /* openmonth: */
#include "page.h"

/* What waits for staff, one tile per module: each renders its own <li>
 * (a link to its queue with counts). A module adds its function here. */
static void (*const admin_tiles[])(struct req *, struct html *) = {
    NULL, /* placeholder so the array is never empty */
    /* board: */
    board_admin_tile,
    /* disclosure: */
    disclosure_admin_tile,
    /* meetings: */
    meetings_admin_tile,
    /* openmonth: */
    om_admin_tile,
    /* dashboard: due dates in words and colour, this week, the figures */
    dashboard_due_tile,
    dashboard_week_tile,
    dashboard_link_tile,
};

/* The State Council publishes each year's holidays late in the year before;
 * until an admin loads them, deadlines past the calendar's end stay unknown
 * (disclosure due dates, board reply deadlines). Staff are told ahead of time,
 * admins with the link that loads the year. */
static void
calendar_notice(struct req *r, struct html *h)
{
    PGresult *res = DBQ0(r, STMT_calendar_end_soon);
    if (res == NULL || PQntuples(res) != 1)
        return;
    html_open(h, "div", "class", "notice", "id", "calendar-notice", "role",
              "status", NULL);
    html_open(h, "p", NULL);
    html_text(h, "工作日历只载入到 ");
    html_text(h, db_get(res, 0, 0));
    html_text(h, "（还有 ");
    html_text(h, db_get(res, 0, 1));
    html_text(h, " 天）。期限落在这一天以后的留言和信息公开申请，"
                 "要等载入下一年度的节假日安排后才能算出答复期限。");
    html_close(h, "p");
    if (req_user(r)->role == ROLE_ADMIN) {
        html_open(h, "p", NULL);
        html_elem(h, "a", "载入下一年度的节假日安排", "href",
                  "/admin/disclosure/calendar", NULL);
        html_close(h, "p");
    }
    html_close(h, "div");
}

void
admin_home_get(struct req *r)
{
    struct user *u = req_user(r);
    struct html *h = page_begin(r, "工作台");
    html_open(h, "p", "class", "lead", NULL);
    html_text(h, u->name);
    html_text(h, "，您好。您所在的部门：");
    html_text(h, u->dept_name ? u->dept_name : "");
    html_text(h, u->role == ROLE_ADMIN ? "（管理员）" : "");
    html_close(h, "p");
    calendar_notice(r, h);
    html_open(h, "ul", "class", "tiles", NULL);
    for (size_t i = 0; i < sizeof(admin_tiles) / sizeof(admin_tiles[0]); i++)
        if (admin_tiles[i] != NULL)
            admin_tiles[i](r, h);
    html_open(h, "li", NULL);
    html_open(h, "a", "href", "/admin/audit", NULL);
    html_elem(h, "h2", "操作记录", NULL);
    html_elem(h, "p",
              u->role == ROLE_ADMIN ? "全区工作人员的操作记录"
                                    : "本部门工作人员的操作记录",
              NULL);
    html_close(h, "a");
    html_close(h, "li");
    html_close(h, "ul");
    page_end(r, h);
}

void
admin_audit_get(struct req *r)
{
    struct user *u = req_user(r);
    int page = req_page(r);
    char dept[16], pg[16];
    snprintf(dept, sizeof(dept), "%d", (int)u->dept);
    snprintf(pg, sizeof(pg), "%d", page);
    PGresult *res = DBQ(r, STMT_audit_list,
                        u->role == ROLE_ADMIN ? "true" : "false", dept, pg);
    if (res == NULL)
        return;
    struct html *h = page_begin(r, "操作记录");
    int n = PQntuples(res);
    if (n == 0) {
        html_elem(h, "p", "暂无操作记录。", NULL);
        page_end(r, h);
        return;
    }
    static const char *const cols[] = {"时间", "工作人员", "部门", "操作",
                                       "对象", "说明",     "地址"};
    page_table(h, NULL, "工作人员的登录、退出和每一项办理操作", cols,
               sizeof(cols) / sizeof(cols[0]));
    for (int i = 0; i < n; i++) {
        html_open(h, "tr", NULL);
        for (int c = 1; c <= 7; c++)
            html_elem(h, "td", db_get(res, i, c), NULL);
        html_close(h, "tr");
    }
    page_table_end(h);
    page_pager(r, h, page, db_getll(res, 0, 8));
    page_end(r, h);
}
