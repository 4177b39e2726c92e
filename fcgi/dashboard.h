/*
 * dashboard: figures for staff and admins (docs/dashboard.md).
 *   GET /admin/dashboard?year=YYYY[&dept=N]  messages, disclosure requests
 *       and open-month sign-ups of a year, each as an SVG bar chart
 *       (chart.c) with the numbers in a table beside it. Admins see the
 *       district or one department; staff their own department.
 *   Staff home tiles (page_admin.c admin_tiles): disclosure requests by
 *       due date (overdue / due within 3 working days, marked in words and
 *       colour), this week's open-month activities, the dashboard link.
 * Read-only: sql/dashboard.sql over the modules' tables.
 */
#ifndef GK_DASHBOARD_H
#define GK_DASHBOARD_H
#include "app.h"
#include "html.h"

void dashboard_get(struct req *r);

void dashboard_due_tile(struct req *r, struct html *h);
void dashboard_week_tile(struct req *r, struct html *h);
void dashboard_link_tile(struct req *r, struct html *h);

#endif
