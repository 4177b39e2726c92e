/*
 * The route table: every path the application answers, with the methods,
 * handler and access level. A route that is not here does not exist.
 * tests/integration/routes.test.mjs requests every row as anonymous,
 * citizen and staff (`gongkai routes` prints this table).
 */
#include "handlers.h"
#include "router.h"

/* Module headers (one per module). */
/* board: */
/* disclosure: */
#include "disclosure.h"
/* meetings: */
/* openmonth: */

/* clang-format off */
const struct route routes[] = {
    /* method        pattern                  handler          access */
    {M_GET, "/", home_get, ACC_PUBLIC, 0},
    {M_GET, "/healthz", health_get, ACC_PUBLIC, 0},
    {M_GET, "/account/register", register_get, ACC_PUBLIC, 0},
    {M_POST, "/account/register", register_post, ACC_PUBLIC, 0},
    {M_GET, "/account/login", login_get, ACC_PUBLIC, 0},
    {M_POST, "/account/login", login_post, ACC_PUBLIC, 0},
    {M_POST, "/account/logout", logout_post, ACC_CITIZEN, 0},
    {M_POST, "/account/logout-all", logout_all_post, ACC_CITIZEN, 0},
    {M_GET, "/me", me_get, ACC_CITIZEN, 0},
    {M_GET, "/admin", admin_home_get, ACC_STAFF, 0},
    {M_GET, "/admin/audit", admin_audit_get, ACC_STAFF, 0},

    /* ---- 政策留言板 board ---- */

    /* ---- 依申请公开 disclosure ---- */
    {M_GET, "/disclosure/apply", disclosure_apply_get, ACC_PUBLIC, 0},
    {M_POST, "/disclosure/apply", disclosure_apply_post, ACC_PUBLIC, RF_UPLOAD},
    {M_GET, "/disclosure/receipt/{key}", disclosure_receipt_get, ACC_PUBLIC, 0},
    {M_GET, "/disclosure/track", disclosure_track_get, ACC_PUBLIC, 0},
    {M_POST, "/disclosure/track/supplement", disclosure_supplement_post, ACC_PUBLIC, RF_UPLOAD},
    {M_GET, "/admin/disclosure", disclosure_admin_list_get, ACC_STAFF, 0},
    {M_POST, "/admin/disclosure", disclosure_admin_new_post, ACC_STAFF, RF_UPLOAD},
    {M_GET, "/admin/disclosure/new", disclosure_admin_new_get, ACC_STAFF, 0},
    {M_GET, "/admin/disclosure/calendar", disclosure_calendar_get, ACC_ADMIN, 0},
    {M_POST, "/admin/disclosure/calendar", disclosure_calendar_post, ACC_ADMIN, 0},
    {M_GET, "/admin/disclosure/{key}", disclosure_admin_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/disclosure/{key}/action", disclosure_admin_action_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/disclosure/{key}/review", disclosure_admin_review_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/disclosure/{key}/files/{id}", disclosure_admin_file_get, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/reports/disclosure-annual", disclosure_report_get, ACC_STAFF, 0},

    /* ---- 公众代表列席 meetings ---- */

    /* ---- 政府开放月 openmonth ---- */

};
/* clang-format on */

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
