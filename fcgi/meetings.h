/*
 * meetings: 公众代表列席, public representatives at government decision
 * meetings (plan tasks 74-75, docs/meetings.md). Staff publish a meeting;
 * citizens apply inside its window; staff review; the list of eligible
 * applicants is committed (published with its hash), then drawn with a
 * seed from witnesses' values (draw.h), once; after the meeting staff
 * publish the feedback on each representative's opinion and the decision.
 *
 * Files: meetings.c (public pages, draw page, iCalendar), meetings_apply.c
 * (applying, /me), meetings_admin.c (staff), meetings_cli.c (verify-draw,
 * demo content). Handlers follow the route table in routes.c.
 */
#ifndef GK_MEETINGS_H
#define GK_MEETINGS_H

#include <libpq-fe.h>

#include "app.h"
#include "html.h"
#include "keys.h"

/* public (meetings.c) */
void meetings_list_get(struct req *r);
void meeting_get(struct req *r);
void meeting_ics_get(struct req *r);
void meeting_draw_get(struct req *r);

/* citizens (meetings_apply.c) */
void meeting_apply_get(struct req *r);
void meeting_apply_post(struct req *r);
void meeting_my_application_get(struct req *r);
/* The person's applications on /me. */
void meetings_me_section(struct req *r, struct html *h);

/* staff (meetings_admin.c) */
void meetings_admin_list_get(struct req *r);
void meetings_admin_new_get(struct req *r);
void meetings_admin_create_post(struct req *r);
void meetings_admin_get(struct req *r);
void meetings_admin_application_get(struct req *r);
void meetings_admin_review_post(struct req *r);
void meetings_admin_commit_post(struct req *r);
void meetings_admin_draw_post(struct req *r);
void meetings_admin_feedback_post(struct req *r);
void meetings_admin_decision_post(struct req *r);
/* The staff home tile with counts. */
void meetings_admin_tile(struct req *r, struct html *h);

/* command line (meetings_cli.c) */
/* gongkai verify-draw ID [--url BASE | --file PAGE]: exit status 0 if the
 * published draw recomputes to the published result, 1 if not, 2 on bad
 * use. */
int meetings_cli_verify(int argc, char **argv);
/* Demo meetings for `gongkai demo` (idempotent). */
int meetings_demo(PGconn *c, struct keys *ks, struct arena *a);

/* ---- shared by the module's files ---- */

/* A meeting as meeting_get reads it. */
struct meeting {
    long long id;
    const char *topic;
    int dept_id;
    const char *dept;
    const char *starts_at, *place;
    int seats, reserved_grassroots, reserved_stakeholder;
    const char *apply_from, *apply_until;
    const char *eligibility, *description, *decision, *decision_at;
    const char *phase; /* before | open | closed (the window) */
    bool committed, drawn, started;
    long applications, pending;
    const char *ics_start, *ics_created, *ics_now; /* UTC, iCalendar form */
};

/* Loads the meeting of r->args[0]; NULL with a 404 page (or the db error
 * handled) if there is none. */
struct meeting *meeting_load(struct req *r);
/* Plain-language labels of the closed sets. */
const char *meeting_category_label(const char *c);
const char *meeting_status_label(const char *s);
const char *meeting_adoption_label(const char *s);
const char *meeting_quota_label(const char *q);
/* Facts of a meeting as a <dl>. */
void meeting_facts(struct html *h, const struct meeting *m);
/* The selected representatives (masked) and the feedback, as published. */
void meeting_results(struct req *r, struct html *h, const struct meeting *m);
/* Decimal of an id, in the arena. */
const char *meeting_num(struct req *r, long long v);

#endif
