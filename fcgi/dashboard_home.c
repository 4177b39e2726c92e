/* The staff home's 今日待办 tiles (dashboard.h): disclosure requests by due
 * date, this week's open-month activities, and the link to the figures.
 * The modules' own tiles (page_admin.c) give the other counts: messages to
 * moderate and answer, applications to review. */
#include <stdio.h>
#include <string.h>

#include "dashboard.h"
#include "db.h"
#include "page.h"

static const char *
is_all(struct req *r)
{
    return req_user(r)->role == ROLE_ADMIN ? "true" : "false";
}

static const char *
dept_of(struct req *r)
{
    return arena_printf(r->a, "%d", (int)req_user(r)->dept);
}

/* The linked head of a tile: <li id><a href><h2>title</h2>
 * <p>before <strong id=count_id>count</strong> after</p></a>; the caller
 * adds its list and closes the <li>. */
static void
tile_head(struct html *h, const char *id, const char *href, const char *title,
          const char *before, const char *count, const char *count_id,
          const char *after)
{
    html_open(h, "li", "id", id, NULL);
    html_open(h, "a", "href", href, NULL);
    html_elem(h, "h2", title, NULL);
    html_open(h, "p", NULL);
    html_text(h, before);
    html_elem(h, "strong", count, "id", count_id, NULL);
    html_text(h, after);
    html_close(h, "p");
    html_close(h, "a");
}

/* One request of the due list. Overdue and soon are said in words as well
 * as colour (WCAG 1.4.1): "已超期" / "3个工作日内到期". */
static void
due_item(struct req *r, struct html *h, PGresult *res, int i, bool admin)
{
    const char *mark = db_get(res, i, 3);
    bool late = strcmp(mark, "overdue") == 0;
    bool soon = strcmp(mark, "soon") == 0;
    html_open(h, "li", "class",
              late   ? "due-late"
              : soon ? "due-soon"
                     : NULL,
              NULL);
    html_elem(h, "a", db_get(res, i, 0), "href",
              arena_printf(r->a, "/admin/disclosure/%s", db_get(res, i, 0)),
              NULL);
    html_textf(h, " 到期 %s", db_get(res, i, 1));
    if (admin)
        html_textf(h, "（%s）", db_get(res, i, 2));
    if (late || soon)
        html_elem(h, "strong", late ? "已超期" : "3个工作日内到期", "class",
                  "due-mark", NULL);
    html_close(h, "li");
}

void
dashboard_due_tile(struct req *r, struct html *h)
{
    PGresult *res = DBQ(r, STMT_dash_due_list, is_all(r), dept_of(r));
    if (res == NULL)
        return;
    int n = PQntuples(res);
    tile_head(h, "tile-due", "/admin/disclosure?state=open", "申请到期提醒",
              "正在计时的申请 ", n > 0 ? db_get(res, 0, 4) : "0", "due-count",
              n > 0 ? " 件，最近到期的在下面" : " 件");
    if (n > 0) {
        html_open(h, "ol", "class", "due-list", "aria-label",
                  "按到期日排列的申请", NULL);
        for (int i = 0; i < n; i++)
            due_item(r, h, res, i, req_user(r)->role == ROLE_ADMIN);
        html_close(h, "ol");
    }
    html_close(h, "li");
}

void
dashboard_week_tile(struct req *r, struct html *h)
{
    PGresult *res = DBQ(r, STMT_dash_week_activities, is_all(r), dept_of(r));
    if (res == NULL)
        return;
    int n = PQntuples(res);
    tile_head(h, "tile-week", "/admin/open-month", "本周开放活动",
              "本周（周一到周日）有 ", arena_printf(r->a, "%d", n),
              "week-count", " 个活动");
    if (n > 0) {
        html_open(h, "ul", "class", "due-list", "aria-label", "本周的活动",
                  NULL);
        for (int i = 0; i < n; i++) {
            html_open(h, "li", NULL);
            html_textf(h, "%s ", db_get(res, i, 2));
            html_elem(
                h, "a", db_get(res, i, 1), "href",
                arena_printf(r->a, "/admin/open-month/%s", db_get(res, i, 0)),
                NULL);
            html_textf(h, "（已确认 %s / %s 人）", db_get(res, i, 3),
                       db_get(res, i, 4));
            html_close(h, "li");
        }
        html_close(h, "ul");
    }
    html_close(h, "li");
}

void
dashboard_link_tile(struct req *r, struct html *h)
{
    html_open(h, "li", "id", "tile-dashboard", NULL);
    html_open(h, "a", "href", "/admin/dashboard", NULL);
    html_elem(h, "h2", "数据统计", NULL);
    html_elem(h, "p",
              req_user(r)->role == ROLE_ADMIN
                  ? "全区每月的留言、信息公开申请和开放活动，图表和数字"
                  : "本部门每月的留言、信息公开申请和开放活动，图表和数字",
              NULL);
    html_close(h, "a");
    html_close(h, "li");
}
