/*
 * disclosure: 依申请公开, information-disclosure requests
 * (domain/disclosure.md, API.md). Files:
 *   disclosure_rules.c  pure rules: state machine, fees (109号), identity
 *                       numbers, file types, labels (unit-tested)
 *   disclosure_apply.c  applicants: apply, receipt, track, 补正 answer, /me
 *   disclosure_admin.c  staff: queue, record, steps, paper requests,
 *                       reviews, files, the staff home tile
 *   disclosure_report.c the annual report (HTML, CSV, XML; HTTP and CLI)
 *   disclosure_demo.c   demo content
 *   disclosure_seed.c   synthetic requests at scale (gongkai seed)
 *   disclosure_link.c   identities linked for the fee count (admins)
 *   disclosure_docs.c   documents of each step, for staff and applicant
 *
 * PostgreSQL holds the authoritative state machine (schema/0020): the C
 * table here only decides which forms to offer and explains a refusal
 * before the database refuses it.
 */
#ifndef GK_DISCLOSURE_H
#define GK_DISCLOSURE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "html.h"
#include "keys.h"

/* ---- states and steps (domain/disclosure.md "States and steps") ---- */

enum dstate {
    DS_NEW,                 /* created, before its "submit" event */
    DS_RECEIVED,            /* 已收到 */
    DS_AWAITING_CORRECTION, /* 待补正 */
    DS_IN_PROGRESS,         /* 办理中 */
    DS_CONSULTING,          /* 征求意见中 (clock paused) */
    DS_AWAITING_PAYMENT,    /* 待缴费 (clock paused) */
    DS_AWAITING_REASONS,    /* 待说明理由 (art. 35) */
    DS_CLOSED,              /* 已办结 */
    DS__MAX
};

enum daction {
    DA_SUBMIT,
    DA_ACCEPT,
    DA_REQUEST_CORRECTION,
    DA_CORRECTION_RECEIVED,
    DA_CORRECTION_EXPIRED,
    DA_CONSULT_THIRD_PARTY,
    DA_CONSULT_OTHER_ORGAN,
    DA_CONSULT_DONE,
    DA_FEE_NOTICE,
    DA_FEE_PAID,
    DA_FEE_EXPIRED,
    DA_EXTEND,
    DA_ASK_REASONS,
    DA_REPLY,
    DA_WITHDRAW,
    DA__MAX
};

const char *dstate_key(enum dstate s);   /* "in_progress" */
const char *dstate_label(enum dstate s); /* "办理中" */
enum dstate dstate_parse(const char *s); /* DS__MAX if unknown */
const char *daction_key(enum daction a);
const char *daction_label(enum daction a);
enum daction daction_parse(const char *s); /* DA__MAX if unknown */
/* The state after action a in state s, or DS__MAX if a is not a step of
 * s. Conditions that depend on dates and history (once only, deadlines)
 * are checked by PostgreSQL. */
enum dstate dsm_next(enum dstate s, enum daction a);

/* ---- fees (国办函〔2020〕109号), whole yuan ---- */

/* 按件: the k-th application (1-based) of an applicant in a month. */
long fee_per_piece(long k);
/* 按量: pages (A4-equivalent) of one application. */
long fee_per_volume(long pages);

/* ---- outcome rows of the annual report ---- */

struct drow {
    const char *key;   /* "r3_4" */
    const char *label; /* the row of the national format */
};
extern const struct drow drows[];
extern const size_t ndrows;
/* The label of an outcome key (r1 ... r6_3), NULL if it is not one. */
const char *doutcome_label(const char *key);
bool doutcome_valid(const char *key);

struct dchoice {
    const char *value;
    const char *label;
};
extern const struct dchoice dapplicant_types[6];
const char *dlabel(const struct dchoice *c, size_t n, const char *value);

/* ---- identity and files ---- */

/* 18-character resident ID with a valid GB 11643 check character. */
bool did_card_valid(const char *s);
/* 统一社会信用代码: 18 characters of GB 32100's alphabet, check char. */
bool dorg_code_valid(const char *s);
/* First 6 and last 4 characters, the rest as '*'. */
const char *dmask_id(struct arena *a, const char *id);
/* Content type from the first bytes (PDF, JPEG, PNG), NULL otherwise. */
const char *dfile_sniff(const unsigned char *p, size_t n);

/* ---- handlers (routes.c) ---- */

void disclosure_apply_get(struct req *r);
void disclosure_apply_post(struct req *r);
void disclosure_receipt_get(struct req *r);
void disclosure_track_get(struct req *r);
void disclosure_supplement_post(struct req *r);
void disclosure_admin_list_get(struct req *r);
void disclosure_admin_new_get(struct req *r);
void disclosure_admin_new_post(struct req *r);
void disclosure_admin_get(struct req *r);
void disclosure_admin_action_post(struct req *r);
void disclosure_admin_review_post(struct req *r);
void disclosure_admin_file_get(struct req *r);
void disclosure_report_get(struct req *r);
void disclosure_calendar_get(struct req *r);
void disclosure_calendar_post(struct req *r);

/* /me section, staff home tile, demo step, CLI command. */
void disclosure_me_section(struct req *r, struct html *h);
void disclosure_admin_tile(struct req *r, struct html *h);
int disclosure_demo(PGconn *c, struct keys *ks, struct arena *a);
int disclosure_cli_report(int argc, char **argv);
/* The working-day calendar in memory, for playing many steps at once (the
 * seed): one '1' (working day) or '0' per day from day lo, days counted
 * from 2000-01-01. dcal_add and dcal_between mirror PostgreSQL's
 * add_workdays() and workdays_between() (schema/0002), which stay the
 * authority: the seed's results are checked by a replay through them. */
#define NO_DAY (-1)
struct dcal {
    int lo, today, n; /* first day, today, days loaded */
    char *wd;         /* n characters */
    int *cum;         /* working days in [lo, lo + i] (dcal_prepare) */
};
int dcal_prepare(struct dcal *c);
/* The n-th working day after s (s = day 0), NO_DAY outside the calendar. */
int dcal_add(const struct dcal *c, int s, int n);
/* Working days d with a < d <= b (0 when b <= a); a, b inside. */
int dcal_between(const struct dcal *c, int a, int b);
/* `gongkai seed --requests N` (disclosure_seed.c), as the owner. */
int disclosure_seed(PGconn *c, long n);

/* ---- shared between the module's files ---- */

/* The applicant's fields, validated (disclosure_apply.c). */
struct dapplicant {
    const char *applicant_type, *name, *id_type, *id_number, *org_code;
    const char *phone, *email, *address, *description, *form, *delivery;
    int dept; /* departments.id, 0 = route to 区府办 */
};
struct form;
void dapply_validate(struct req *r, struct form *f, struct dapplicant *ap);
void dapply_fields(struct req *r, struct form *f, struct html *h);
/* Checks the uploaded files (count, size, type); sets a form error. */
void dfiles_validate(struct req *r, struct form *f);
/* Stores the request, its submit event and files, inside the caller's
 * transaction. code = the access code (in clear). Returns the tracking
 * number, or NULL (r->db_down / sqlstate set). */
const char *dapply_store(struct req *r, const struct dapplicant *ap,
                         const char *channel, const char *received_on,
                         const char *code, long long *id);
int dfiles_store(struct req *r, const char *request_id, const char *event_id)
    __attribute__((warn_unused_result));
/* The receipt: a short-lived sealed cookie carrying the code for the
 * browser that submitted (bound to its gk_pre); dreceipt_code() gives the
 * code back if the cookie is this browser's, fresh and for this number. */
void dreceipt_cookie(struct req *r, const char *no, const char *code);
const char *dreceipt_code(struct req *r, const char *no);
/* <input type=file name=files> with label, hint and error. */
void dfiles_field(struct form *f, struct html *h);
/* A fresh access code: 12 characters without look-alikes, in 3 groups. */
const char *dcode_new(struct arena *a);
/* Keyed hash of the access code (normalised) as bytea hex. */
const char *dcode_hash(struct req *r, const char *code);
/* Timeline of events of request no: for staff (code NULL) with their
 * names, for the applicant (with the access code) without; each event with
 * its documents, linked for the one who reads. */
void devents_render(struct req *r, struct html *h, PGresult *ev, const char *no,
                    const char *code);
/* Number and code checked with the rate limit (disclosure_apply.c): the
 * request id, 0 when refused (response set), -1 on a database error. */
long long dtrack_check(struct req *r, const char *no, const char *code);
/* The documents of event event_id (fs: disclosure_event_files), as links
 * for staff or for the applicant (disclosure_docs.c). */
void devent_files(struct req *r, struct html *h, PGresult *fs,
                  const char *event_id, const char *no, const char *code);
/* Sends the file of fr (disclosure_file_get: name, type, data) as an
 * attachment named NO-ID.ext, or the 404 page. */
void dfile_send(struct req *r, const char *no, const char *fid, PGresult *fr);
void disclosure_track_file_get(struct req *r);
/* What the due date shows when there is none (paused, 补正, calendar). */
const char *due_missing(enum dstate s);
/* "How the due date was computed", from a disclosure_by_no row. */
void ddue_explain(struct req *r, struct html *h, PGresult *rec);

/* The record of {no} for staff (404, 403 by department: response set and
 * NULL), and its page; err names the section whose form failed ("review",
 * "link") or NULL (disclosure_admin.c). */
PGresult *drecord_load(struct req *r);
void drecord_page(struct req *r, PGresult *rec, struct form *f,
                  const char *step, const char *err, int status);
/* Identity links for the fee count (disclosure_link.c): the record page's
 * section and the admin's forms. */
void dlinks_section(struct req *r, struct html *h, PGresult *rec,
                    struct form *f, bool err);
void disclosure_admin_link_post(struct req *r);
void disclosure_admin_unlink_post(struct req *r);

/* Columns of disclosure_by_no. */
enum drec_col {
    DR_ID,
    DR_NO,
    DR_DEPT_ID,
    DR_DEPT,
    DR_TYPE,
    DR_NAME,
    DR_ID_TYPE,
    DR_ID_ENC,
    DR_ID_MASKED,
    DR_ORG,
    DR_PHONE_ENC,
    DR_PHONE_MASKED,
    DR_EMAIL_ENC,
    DR_EMAIL_MASKED,
    DR_ADDRESS_ENC,
    DR_DESC,
    DR_FORM,
    DR_DELIVERY,
    DR_CHANNEL,
    DR_RECEIVED,
    DR_STATE,
    DR_DUE,
    DR_CLOCK,
    DR_EXT,
    DR_PAUSED,
    DR_PAUSE_SINCE,
    DR_LATER_DUE,
    DR_CORR_UNTIL,
    DR_CORRECTIONS,
    DR_EXTENDED,
    DR_FEE_NOTICE,
    DR_FEE,
    DR_OUTCOME,
    DR_CLOSED,
    DR_TODAY,
    DR_OVERDUE,
    DR_CREATED,
    DR_USER,
    DR__MAX
};

#endif
