/*
 * openmonth: 政府开放月, the Government Open Month (plan tasks 76-78).
 * Departments publish activities (on site or online); citizens sign up,
 * join a waiting list when seats are gone, cancel, and vote for the most
 * popular activity; staff check tickets in at the door, sign up elderly
 * people on their behalf (代办), mark no-shows and download the door list.
 *
 * Files: openmonth.c (public pages, sign-up, vote), openmonth_ticket.c
 * (tickets, cancel, /me), openmonth_admin.c (staff), openmonth_publish.c
 * (publish, edit), openmonth_call_off.c (call off), openmonth_text.c
 * (iCalendar, CSV), openmonth_demo.c (demo content), ticket.c (signed
 * ticket codes). Seats are held by PostgreSQL (schema/0040_openmonth.sql).
 */
#ifndef GK_OPENMONTH_H
#define GK_OPENMONTH_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "app.h"
#include "html.h"
#include "keys.h"

/* ---- routes (routes.c) ---- */
void om_list_get(struct req *r);
void om_ranking_get(struct req *r);
void om_key_get(struct req *r);
void om_activity_get(struct req *r);
void om_ics_get(struct req *r);
void om_feed_get(struct req *r);
void om_signup_post(struct req *r);
void om_vote_post(struct req *r);
void om_ticket_get(struct req *r);
void om_cancel_post(struct req *r);
void om_admin_list_get(struct req *r);
void om_admin_new_get(struct req *r);
void om_admin_create_post(struct req *r);
void om_admin_get(struct req *r);
void om_admin_checkin_post(struct req *r);
void om_admin_csv_get(struct req *r);
void om_admin_noshow_post(struct req *r);
void om_admin_proxy_post(struct req *r);
void om_admin_ticket_get(struct req *r);

/* ---- extension points ---- */
void om_me_section(struct req *r, struct html *h);        /* page_account.c */
void om_admin_tile(struct req *r, struct html *h);        /* page_admin.c */
int om_demo(PGconn *c, struct keys *ks, struct arena *a); /* cli.c */
/* `gongkai seed --citizens N` (seed.c): accounts seed-citizen-1..N for the
 * sign-up bench; 0 ok, -1 error (printed by db_cli_exec). */
int om_seed_citizens(PGconn *c, long n);

/* ---- shared inside the module ---- */

/* An activity as om_get returns it. */
struct om_act {
    const char *id, *title, *dept_name, *starts, *ends, *place, *url;
    const char *signup_until, *desc, *access, *vote_from, *vote_until;
    const char *ics_start, *ics_end, *ics_stamp, *noshow_at;
    const char *changed_at;        /* "" when never edited since published */
    const char *revision;          /* the iCalendar SEQUENCE: edits so far */
    const char *called_off;        /* when staff called it off, or "" */
    const char *called_off_reason; /* why, for everyone who signed up */
    int dept;
    long capacity, left, votes, waiting, year;
    bool signup_open, vote_open, ended, future;
};

/* Loads activity id (decimal text); 1 found, 0 not found (404 page set),
 * -1 database error (page set). */
int om_act_load(struct req *r, const char *id, struct om_act *a)
    __attribute__((warn_unused_result));
/* Time and place of an activity as a definition list. */
void om_act_facts(struct html *h, const struct om_act *a);
/* iCalendar: the VCALENDAR header (name: X-WR-CALNAME, or NULL) and one
 * VEVENT of an activity (uses id, title, place, url, desc, access, revision,
 * dept_name and the ics_* times); the caller ends with END:VCALENDAR. */
void om_ics_begin(struct buf *b, const char *name);
void om_ics_event(struct req *r, struct buf *b, const struct om_act *a);
/* The path of the person's calendar feed (/me). */
const char *om_feed_path(struct req *r);
/* Chinese label of a sign-up status. */
const char *om_status_label(const char *status);
/* The person's ticket page (citizen or staff view). */
void om_ticket_render(struct req *r, PGresult *t, bool staff);
/* POST /admin/open-month/{id}/tickets/{key}/cancel: staff cancel for the
 * person (audited). */
void om_admin_cancel_post(struct req *r);
void om_admin_edit_get(struct req *r);
void om_admin_edit_post(struct req *r);
/* GET|POST /admin/open-month/{id}/call-off (openmonth_call_off.c). */
void om_admin_call_off_get(struct req *r);
void om_admin_call_off_post(struct req *r);
/* The notice that activity a is called off, with the reason (id
 * om-called-off), when it is. */
void om_called_off_notice(struct req *r, struct html *h, const char *when,
                          const char *reason);
/* Loads the activity of r->args[0] and checks the staff member's
 * department; 1 ok, else the page (404, 403, 500) is set. */
int om_desk_act(struct req *r, struct om_act *a)
    __attribute__((warn_unused_result));
/* Who signs up: a citizen by session (user, and the epoch of their
 * token, checked against the account in the sign-up's own statement), or
 * staff member staff for someone else (a 代办; user and epoch 0). */
struct om_signer {
    long long user;
    int32_t epoch;
    long long staff;
};
enum om_signup_res {
    OM_SIGNUP_ERROR = -1,     /* database error */
    OM_SIGNUP_REFUSED = 0,    /* *dup set for a live sign-up of the person;
                                 else sign-up has closed or no such activity */
    OM_SIGNUP_MADE = 1,       /* *loc: the 303 location, or the first answer
                                 to this form */
    OM_SIGNUP_SIGNED_OUT = 2, /* the citizen's session is no longer valid */
};
/* A sign-up in one statement (om_signup_once): a citizen's committed on
 * its own, a 代办 in a transaction with its audit row. */
enum om_signup_res om_signup_store(struct req *r, const char *act,
                                   const struct om_signer *who,
                                   const char *name, const char *phone,
                                   const char **loc, const char **dup);
/* No-shows in a year after which a person waits behind others on waiting
 * lists for the rest of that year: GONGKAI_OM_NOSHOW_LIMIT, default 2,
 * 0 = never. (candidate for config.c) */
long om_noshow_limit(void);

#endif
