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
#include "board.h"
/* disclosure: */
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
    {M_GET, "/policies", board_policies_get, ACC_PUBLIC, 0},
    {M_GET, "/policies/{id}", board_policy_get, ACC_PUBLIC, 0},
    {M_POST, "/policies/{id}/messages", board_message_post, ACC_CITIZEN, 0},
    {M_GET, "/policies/{id}/feed.atom", board_policy_atom, ACC_PUBLIC, 0},
    {M_GET, "/me/messages/{id}", board_my_message_get, ACC_CITIZEN, 0},
    {M_POST, "/me/messages/{id}/rate", board_rate_post, ACC_CITIZEN, 0},
    {M_POST, "/me/messages/{id}/followup", board_followup_post, ACC_CITIZEN, 0},
    {M_GET, "/faq", board_faq_get, ACC_PUBLIC, 0},
    {M_GET, "/faq.atom", board_faq_atom, ACC_PUBLIC, 0},
    {M_GET, "/board/stats", board_stats_get, ACC_PUBLIC, 0},
    {M_GET, "/admin/messages", board_admin_messages_get, ACC_STAFF, 0},
    {M_GET, "/admin/messages/{id}", board_admin_message_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/messages/{id}/moderate", board_admin_moderate_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/messages/{id}/reply", board_admin_reply_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/messages/{id}/transfer", board_admin_transfer_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/policies", board_admin_policies_get, ACC_STAFF, 0},
    {M_POST, "/admin/policies", board_admin_policies_post, ACC_STAFF, 0},
    {M_GET, "/admin/policies/{id}", board_admin_policy_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/policies/{id}", board_admin_policy_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/faq", board_admin_faq_get, ACC_STAFF, 0},
    {M_POST, "/admin/faq", board_admin_faq_post, ACC_STAFF, 0},
    {M_GET, "/admin/sensitive-words", board_admin_words_get, ACC_ADMIN, 0},
    {M_POST, "/admin/sensitive-words", board_admin_words_post, ACC_ADMIN, 0},

    /* ---- 依申请公开 disclosure ---- */

    /* ---- 公众代表列席 meetings ---- */

    /* ---- 政府开放月 openmonth ---- */

};
/* clang-format on */

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
