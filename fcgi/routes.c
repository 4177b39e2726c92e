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
#include "disclosure.h"
/* meetings: */
#include "meetings.h"
/* openmonth: */
#include "openmonth.h"
/* dashboard: */
#include "dashboard.h"

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
    {M_GET, "/admin/faq/{id}", board_admin_faq_edit_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/faq/{id}", board_admin_faq_edit_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/faq/{id}/delete", board_admin_faq_delete_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/board-settings", board_admin_settings_get, ACC_ADMIN, 0},
    {M_POST, "/admin/board-settings", board_admin_settings_post, ACC_ADMIN, 0},
    {M_GET, "/admin/sensitive-words", board_admin_words_get, ACC_ADMIN, 0},
    {M_POST, "/admin/sensitive-words", board_admin_words_post, ACC_ADMIN, 0},

    /* ---- 依申请公开 disclosure ---- */
    {M_GET, "/disclosure/apply", disclosure_apply_get, ACC_PUBLIC, 0},
    {M_POST, "/disclosure/apply", disclosure_apply_post, ACC_PUBLIC, RF_UPLOAD},
    {M_GET, "/disclosure/receipt/{key}", disclosure_receipt_get, ACC_PUBLIC, 0},
    {M_GET, "/disclosure/track", disclosure_track_get, ACC_PUBLIC, 0},
    {M_POST, "/disclosure/track/supplement", disclosure_supplement_post, ACC_PUBLIC, RF_UPLOAD},
    {M_GET, "/disclosure/track/files/{id}", disclosure_track_file_get, ACC_PUBLIC, 0},
    {M_GET, "/admin/disclosure", disclosure_admin_list_get, ACC_STAFF, 0},
    {M_POST, "/admin/disclosure", disclosure_admin_new_post, ACC_STAFF, RF_UPLOAD},
    {M_GET, "/admin/disclosure/new", disclosure_admin_new_get, ACC_STAFF, 0},
    {M_GET, "/admin/disclosure/calendar", disclosure_calendar_get, ACC_ADMIN, 0},
    {M_POST, "/admin/disclosure/calendar", disclosure_calendar_post, ACC_ADMIN, 0},
    {M_GET, "/admin/disclosure/{key}", disclosure_admin_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/disclosure/{key}/action", disclosure_admin_action_post, ACC_STAFF, RF_DEPT | RF_UPLOAD},
    {M_POST, "/admin/disclosure/{key}/review", disclosure_admin_review_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/disclosure/{key}/link", disclosure_admin_link_post, ACC_ADMIN, 0},
    {M_POST, "/admin/disclosure/{key}/unlink", disclosure_admin_unlink_post, ACC_ADMIN, 0},
    {M_GET, "/admin/disclosure/{key}/files/{id}", disclosure_admin_file_get, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/reports/disclosure-annual", disclosure_report_get, ACC_STAFF, 0},

    /* ---- 公众代表列席 meetings ---- */
    {M_GET, "/meetings", meetings_list_get, ACC_PUBLIC, 0},
    {M_GET, "/meetings/{id}", meeting_get, ACC_PUBLIC, 0},
    {M_GET, "/meetings/{id}.ics", meeting_ics_get, ACC_PUBLIC, 0},
    {M_GET, "/meetings/{id}/draw", meeting_draw_get, ACC_PUBLIC, 0},
    {M_GET, "/meetings/{id}/apply", meeting_apply_get, ACC_CITIZEN, 0},
    {M_POST, "/meetings/{id}/apply", meeting_apply_post, ACC_CITIZEN, 0},
    {M_GET, "/me/applications/{id}", meeting_my_application_get, ACC_CITIZEN, 0},
    {M_GET, "/admin/meetings", meetings_admin_list_get, ACC_STAFF, 0},
    {M_GET, "/admin/meetings/new", meetings_admin_new_get, ACC_STAFF, 0},
    {M_POST, "/admin/meetings", meetings_admin_create_post, ACC_STAFF, 0},
    {M_GET, "/admin/meetings/{id}", meetings_admin_get, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/meetings/{id}/applications/{id}", meetings_admin_application_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/meetings/{id}/applications/{id}/review", meetings_admin_review_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/meetings/{id}/commit", meetings_admin_commit_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/meetings/{id}/draw", meetings_admin_draw_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/meetings/{id}/feedback", meetings_admin_feedback_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/meetings/{id}/decision", meetings_admin_decision_post, ACC_STAFF, RF_DEPT},

    /* ---- 政府开放月 openmonth ---- */
    {M_GET, "/open-month", om_list_get, ACC_PUBLIC, 0},
    {M_GET, "/open-month/ranking", om_ranking_get, ACC_PUBLIC, 0},
    {M_GET, "/open-month/ticket-key", om_key_get, ACC_PUBLIC, 0},
    {M_GET, "/open-month/calendar/{key}.ics", om_feed_get, ACC_PUBLIC, 0},
    {M_GET, "/open-month/{id}", om_activity_get, ACC_PUBLIC, 0},
    {M_GET, "/open-month/{id}.ics", om_ics_get, ACC_PUBLIC, 0},
    {M_POST, "/open-month/{id}/signup", om_signup_post, ACC_CITIZEN, RF_EPOCH},
    {M_POST, "/open-month/{id}/vote", om_vote_post, ACC_CITIZEN, 0},
    {M_GET, "/me/tickets/{key}", om_ticket_get, ACC_CITIZEN, 0},
    {M_POST, "/me/tickets/{key}/cancel", om_cancel_post, ACC_CITIZEN, 0},
    {M_GET, "/admin/open-month", om_admin_list_get, ACC_STAFF, 0},
    {M_POST, "/admin/open-month", om_admin_create_post, ACC_STAFF, 0},
    {M_GET, "/admin/open-month/new", om_admin_new_get, ACC_STAFF, 0},
    {M_GET, "/admin/open-month/{id}", om_admin_get, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/open-month/{id}/edit", om_admin_edit_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/edit", om_admin_edit_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/open-month/{id}/call-off", om_admin_call_off_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/call-off", om_admin_call_off_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/checkin", om_admin_checkin_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/open-month/{id}/signups.csv", om_admin_csv_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/signup", om_admin_proxy_post, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/no-shows", om_admin_noshow_post, ACC_STAFF, RF_DEPT},
    {M_GET, "/admin/open-month/{id}/tickets/{key}", om_admin_ticket_get, ACC_STAFF, RF_DEPT},
    {M_POST, "/admin/open-month/{id}/tickets/{key}/cancel", om_admin_cancel_post, ACC_STAFF, RF_DEPT},

    /* ---- 数据统计 dashboard (staff: their own department) ---- */
    {M_GET, "/admin/dashboard", dashboard_get, ACC_STAFF, 0},

};
/* clang-format on */

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
