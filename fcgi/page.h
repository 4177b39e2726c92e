/*
 * page: the shared layout (Simplified Chinese, zh-CN), error pages, and the
 * form helpers every module uses: forms carry the CSRF token and the
 * form_id nonce, fields have labels, hints and messages beside them, and a
 * form shown again after bad input keeps what the person typed.
 */
#ifndef GK_PAGE_H
#define GK_PAGE_H

#include <stdbool.h>

#include "app.h"
#include "html.h"

/* Starts an HTML page: head, skip link, header with navigation, <main>.
 * The returned writer appends to r->resp.body. */
struct html *page_begin(struct req *r, const char *title);
/* Is the large-text, high-contrast mode on (cookie gk_mode=large)? */
bool page_large(const struct req *r);
/* One <dt>label</dt><dd id="id">value</dd> row of a <dl class="facts">. */
void page_fact(struct html *h, const char *label, const char *value,
               const char *id);
/* The head of a list table: <thead> with one row of column names
 * (scope="col"), then <tbody> is opened for the caller's rows. */
void page_thead(struct html *h, const char *const *cols, size_t n);
/* <table class="list"> with id (NULL: none), a <caption> (NULL: none) and
 * page_thead(); page_table_end() closes <tbody> and <table>. */
void page_table(struct html *h, const char *id, const char *caption,
                const char *const *cols, size_t n);
void page_table_end(struct html *h);
/* A failed statement that was not a lost connection (then the dispatcher
 * answers 503): roll back and answer 500 with a plain message. */
void page_fail(struct req *r);
/* 401 for a POST whose session is no longer valid: log in again. */
void page_signed_out(struct req *r);
/* Closes <main>, adds the footer. */
void page_end(struct req *r, struct html *h);
/* A whole page for an error status with a plain-language message. */
void page_error(struct req *r, int status, const char *title, const char *msg);

/* Field errors collected while validating one form. */
struct form {
    struct req *r;
    struct params errs; /* field name -> message */
    bool shown;         /* re-shown after a failed POST: keep values */
};

void form_init(struct form *f, struct req *r, bool shown);
void form_error(struct form *f, const char *field, const char *msg);
const char *form_error_of(const struct form *f, const char *field);
bool form_ok(const struct form *f);
/* The value to put back into a field (kept input), or "" */
const char *form_value(const struct form *f, const char *field);

/* <form method="post" action=...> with the csrf and form_id inputs, and the
 * error summary when the form has errors. */
void form_open(struct form *f, struct html *h, const char *action,
               bool multipart);
void form_close(struct html *h);

struct field {
    const char *name;         /* form field name (API.md) */
    const char *label;        /* visible label */
    const char *type;         /* input type, or "textarea" */
    const char *hint;         /* help text under the label, or NULL */
    const char *autocomplete; /* autocomplete token, or NULL */
    bool required;
    int maxlength; /* 0 = none */
};
void form_field(struct form *f, struct html *h, const struct field *fd);

/* One choice of a closed set: value sent, label shown. */
struct choice {
    const char *value;
    const char *label;
};
/* A <select> (many choices) or a group of radio buttons in a <fieldset>
 * with a <legend> (few choices, easier on a phone and for older people).
 * The kept or default value is selected. n = number of choices. */
void form_select(struct form *f, struct html *h, const struct field *fd,
                 const struct choice *choices, size_t n, const char *dflt);
void form_radios(struct form *f, struct html *h, const struct field *fd,
                 const struct choice *choices, size_t n, const char *dflt);
/* A single checkbox sending value "1" when ticked. */
void form_checkbox(struct form *f, struct html *h, const struct field *fd,
                   bool dflt);
void form_hidden(struct html *h, const char *name, const char *value);
void form_submit(struct html *h, const char *label);

/* The CSRF token for this browser (sets the pre-session cookie if new). */
const char *req_csrf(struct req *r);

/* A form nonce (form_id) the app deduplicates on: 16 to 64 characters. */
bool form_id_ok(const char *fid);
/* The answer recorded for form nonce fid: *prior is its address ("/" when
 * none was recorded), NULL when the nonce is unknown. 0 ok, -1 error. */
int form_prior(struct req *r, const char *fid, const char **prior);
/* form_id protocol for POSTs that create something. Call inside the
 * handler's transaction:
 *   1  fresh: go on, then form_once_done(r, location) before COMMIT;
 *   0  seen before: *prior is the first answer's location (redirect to it);
 *  -1  database error. */
int form_once(struct req *r, const char **prior)
    __attribute__((warn_unused_result));
int form_once_done(struct req *r, const char *location)
    __attribute__((warn_unused_result));
/* db_begin and form_once for a handler that has nothing to add when it
 * cannot go on, so the request is answered here:
 *   1  go on, in the transaction;
 *   0  sent before: rolled back, 303 to the first answer's location;
 *  -1  failed: page_fail. */
int form_once_tx(struct req *r) __attribute__((warn_unused_result));

/* The logged-in user, verified against the database (NULL = anonymous). */
struct user *req_user(struct req *r);
/* The session token's claims once its signature and expiry are checked,
 * the account not yet (NULL = no valid token): for RF_EPOCH routes. */
const struct ident *req_ident(struct req *r);
/* Request fields. */
const char *req_param(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *name);
/* "page" of lists: 1.. (bad values read as 1). */
int req_page(const struct req *r);

/* The request's start time in Asia/Shanghai, the portal's one time zone
 * (UTC+8 all year: no daylight saving), whatever the worker's TZ is. */
int req_year(const struct req *r);
/* ... as "YYYY-MM-DD HH:MM", to compare with submitted times. */
void req_now_text(const struct req *r, char out[17]);
/* The query's "year" if it is a whole number in 2000..2100, else the
 * current year. */
long req_year_param(const struct req *r);

/* An audit line for a staff action, in the current transaction if any. */
int audit(struct req *r, const char *action, const char *object,
          const char *detail) __attribute__((warn_unused_result));

/* The same for an actor who is not r->user (a staff login). */
int audit_as(struct req *r, int64_t actor, int32_t dept, const char *action,
             const char *object, const char *detail)
    __attribute__((warn_unused_result));

/* ---- departments (STMT_dept_list: id, code, name, in display order) ---- */

/* What an option's value is: the department's id or its code. */
enum dept_key { DEPT_ID = 0, DEPT_CODE = 1 };

/* A department <select>: */
struct dept_pick {
    const char *name;      /* field name; the element id is "f-" name */
    const char *label;     /* its <label> (page_dept_filter only) */
    enum dept_key key;     /* what each option sends */
    const char *any;       /* first option meaning "none chosen", or NULL */
    const char *any_value; /* what that first option sends */
};
/* <select id="f-NAME" name="NAME"> of every department, cur selected; a
 * failed statement leaves only the first option. */
void page_dept_options(struct req *r, struct html *h, const struct dept_pick *p,
                       const char *cur);
/* The same inside <div class="field"> with its <label>: the department
 * filter of a list's GET form. */
void page_dept_filter(struct req *r, struct html *h, const struct dept_pick *p,
                      const char *cur);
/* The departments as form_select choices (value by key, label the name).
 * own_only: a staff member who is not an admin gets only their own
 * department. *mine, if mine is not NULL, is the value of the person's own
 * department or NULL. Returns NULL (and *n = 0) if the statement failed. */
struct choice *page_dept_choices(struct req *r, enum dept_key key,
                                 bool own_only, size_t *n, const char **mine);

/* Pager links "上一页 / 第 n 页 / 下一页" keeping other query fields. */
void page_pager(struct req *r, struct html *h, int page, long total);

#endif
