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
/* meetings: */
/* openmonth: */

/* clang-format off */
const struct route routes[] = {
    /* method        pattern                  handler          access */
    {M_GET, "/", home_get, ACC_PUBLIC, 0},
    {M_GET, "/healthz", health_get, ACC_PUBLIC, 0},
    {M_GET, "/prefs/display", prefs_display_get, ACC_PUBLIC, 0},
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

    /* ---- 公众代表列席 meetings ---- */

    /* ---- 政府开放月 openmonth ---- */

};
/* clang-format on */

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
