/*
 * board: 政策留言板 (plan tasks 50-52). Policies with their 解读 and
 * related documents, Chinese search (bigram index, schema/0010_board.sql),
 * citizens' messages, the staff moderation queue with reply deadlines in
 * working days, hand-overs between departments, official replies signed
 * with the department, the FAQ, Atom feeds, the public statistics and the
 * XML import of policy documents.
 *
 * board.c        public pages, the citizen's own messages, feeds
 * board_admin.c  staff pages (queue, message, policies, FAQ, words)
 * board_import.c `gongkai import-policies FILE.xml` and the demo content
 *
 * Handlers answer through r->resp like every page; helpers named board_*
 * are shared between the three files and return arena memory.
 */
#ifndef GK_BOARD_H
#define GK_BOARD_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "app.h"
#include "html.h"

/* ---- public (board.c) ---- */
void board_policies_get(struct req *r);
void board_policy_get(struct req *r);
void board_message_post(struct req *r);
void board_my_message_get(struct req *r);
void board_rate_post(struct req *r);
void board_followup_post(struct req *r);
void board_faq_get(struct req *r);
void board_faq_atom(struct req *r);
void board_policy_atom(struct req *r);
void board_stats_get(struct req *r);

/* ---- staff (board_admin.c) ---- */
void board_admin_messages_get(struct req *r);
void board_admin_message_get(struct req *r);
void board_admin_moderate_post(struct req *r);
void board_admin_reply_post(struct req *r);
void board_admin_transfer_post(struct req *r);
void board_admin_policies_get(struct req *r);
void board_admin_policies_post(struct req *r);
void board_admin_policy_get(struct req *r);
void board_admin_policy_post(struct req *r);
void board_admin_faq_get(struct req *r);
void board_admin_faq_post(struct req *r);
void board_admin_faq_edit_get(struct req *r);
void board_admin_faq_edit_post(struct req *r);
void board_admin_faq_delete_post(struct req *r);
void board_admin_settings_get(struct req *r);
void board_admin_settings_post(struct req *r);
void board_admin_words_get(struct req *r);
void board_admin_words_post(struct req *r);

/* Extension points of the shared pages. */
void board_me_section(struct req *r, struct html *h);
void board_admin_tile(struct req *r, struct html *h);

/* ---- command line (board_import.c) ---- */
/* gongkai import-policies FILE.xml: 0 ok, 1 refused (nothing written). */
int board_cli_import(int argc, char **argv);
/* Synthetic policies and messages for `make bench`: `gongkai seed
 * --policies N --messages M` (seed.c) calls it. */
int board_seed(PGconn *c, long policies, long messages);
/* demo_steps: the sample policies and a few messages and replies. */
struct keys;
int board_demo(PGconn *c, struct keys *ks, struct arena *a);

/* ---- shared helpers ---- */
/* Plain-language label of a message kind / status / satisfaction. */
const char *board_kind_label(const char *kind);
const char *board_status_label(const char *status, bool is_public);
const char *board_satisfaction_label(const char *s);
/* The reply deadline in working days (board_settings; 5 if unreadable). */
int board_reply_workdays(struct req *r);
/* The record's id from the route's first capture ("{id}"). */
const char *board_arg(const struct req *r, int i);
/* Paragraphs of a multi-line text (blank lines separate them). */
void board_paragraphs(struct html *h, const char *text);
/* A <ul class="facts"> row helper: <dt>label</dt><dd id=...>value</dd>. */

#endif
