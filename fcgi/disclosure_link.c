/* 依申请公开: identities linked for the 信息处理费 count.
 *
 * Fees are counted per applicant per natural month through the keyed hash
 * of the applicant's identity (ID type and number, or organisation code).
 * The same person can file under two documents (an ID card, then a
 * passport), so domain/disclosure.md lets admins link identities that
 * belong together. An admin links the applicants of two requests, with a
 * reason; every request of either identity shows the link, the fee rank
 * (disclosure_fee_rank) counts the whole linked group, and an admin can
 * end the link again, with a reason. Links join keyed hashes only: no
 * clear ID number is compared or stored. Every link and unlink is audited;
 * PostgreSQL's live-pair unique index and conditional update decide between
 * two admins acting at once. */
#include <string.h>

#include "db.h"
#include "disclosure.h"
#include "page.h"
#include "resp.h"
#include "router.h"
#include "valid.h"

#define REASON_MAX 500

static const struct field f_other = {
    "other_no", "另一件申请的编号", "text", "例如 2025-000123", "off", true,
    11};
static const struct field f_reason = {
    "reason",   "合并计数的理由",
    "textarea", "例如：同一申请人先后使用身份证和护照提出申请（已核对）",
    NULL,       true,
    REASON_MAX};
static const struct field f_unreason = {
    "reason", "取消合并的理由", "textarea", NULL, NULL, true, REASON_MAX};

static bool
is_admin(struct req *r)
{
    return r->user != NULL && r->user->role == ROLE_ADMIN;
}

/* One link: both requests, the reason, who and when, and its end. */
static void
link_item(struct req *r, struct html *h, PGresult *ls, int i, bool admin)
{
    bool removed = strcmp(db_get(ls, i, 10), "t") == 0;
    html_open(h, "li", "class", removed ? "link removed" : "link", "id",
              arena_printf(r->a, "link-%s", db_get(ls, i, 0)), NULL);
    for (int side = 0; side < 2; side++) {
        const char *no = db_get(ls, i, 1 + 3 * side);
        html_text(h, side ? " 与 " : "申请 ");
        html_elem(h, "a", no, "href",
                  arena_printf(r->a, "/admin/disclosure/%s", no), NULL);
        html_textf(h, "（%s，%s）", db_get(ls, i, 2 + 3 * side),
                   db_get(ls, i, 3 + 3 * side));
    }
    html_textf(h, " 的申请人合并计数。理由：%s（%s，%s）", db_get(ls, i, 7),
               db_get(ls, i, 8), db_get(ls, i, 9));
    if (removed) {
        html_elem(h, "strong", " 已取消", NULL);
        html_textf(h, "：%s（%s，%s）", db_get(ls, i, 13), db_get(ls, i, 11),
                   db_get(ls, i, 12));
    } else if (admin) {
        html_text(h, " ");
        html_elem(h, "a", "取消合并", "href",
                  arena_printf(r->a, "/admin/disclosure/%s?unlink=%s#links",
                               r->args[0], db_get(ls, i, 0)),
                  NULL);
    }
    html_close(h, "li");
}

/* The live link of ls with id, or -1. */
static int
live_row(PGresult *ls, const char *id)
{
    for (int i = 0; ls != NULL && id != NULL && i < PQntuples(ls); i++)
        if (strcmp(db_get(ls, i, 0), id) == 0 &&
            strcmp(db_get(ls, i, 10), "f") == 0)
            return i;
    return -1;
}

static void
link_forms(struct req *r, struct html *h, PGresult *ls, struct form *f,
           bool err)
{
    struct form fresh;
    form_init(&fresh, r, false);
    struct form *ff = err ? f : &fresh;
    const char *want = err ? req_param(r, "link") : req_query(r, "unlink");
    int i = live_row(ls, want);
    if (i >= 0) {
        html_elem(h, "h3", "取消合并计数", "id", "unlink-title", NULL);
        form_open(ff, h,
                  arena_printf(r->a, "/admin/disclosure/%s/unlink", r->args[0]),
                  false);
        form_hidden(h, "link", db_get(ls, i, 0));
        form_field(ff, h, &f_unreason);
        form_submit(h, "取消合并");
        form_close(h);
        return;
    }
    html_elem(h, "h3", "与另一件申请的申请人合并计数", "id", "link-title",
              NULL);
    form_open(ff, h,
              arena_printf(r->a, "/admin/disclosure/%s/link", r->args[0]),
              false);
    form_field(ff, h, &f_other);
    form_field(ff, h, &f_reason);
    form_submit(h, "合并计数");
    form_close(h);
}

void
dlinks_section(struct req *r, struct html *h, PGresult *rec, struct form *f,
               bool err)
{
    PGresult *ls = DBQ(r, STMT_disclosure_links_of, db_get(rec, 0, DR_ID));
    if (ls == NULL)
        return;
    bool admin = is_admin(r);
    if (PQntuples(ls) == 0 && !admin)
        return;
    html_open(h, "section", "id", "links", "aria-labelledby", "links-title",
              NULL);
    html_elem(h, "h2", "申请人身份合并计数", "id", "links-title", NULL);
    html_elem(h, "p",
              "信息处理费按申请人每月的申请件数计算。同一申请人使用不同证件，"
              "或纸质申请的身份需要与其他申请合并时，由管理员合并计数。",
              "class", "hint", NULL);
    if (PQntuples(ls) > 0) {
        html_open(h, "ul", "class", "links", NULL);
        for (int i = 0; i < PQntuples(ls); i++)
            link_item(r, h, ls, i, admin);
        html_close(h, "ul");
    }
    if (admin)
        link_forms(r, h, ls, f, err);
    html_close(h, "section");
}

/* ---- POST /admin/disclosure/{no}/link and /unlink (admins) ---- */

static const char *
reason_of(struct req *r, struct form *f, const char *what)
{
    const char *v = valid_trim(r->a, req_param(r, "reason"));
    if (*v == '\0')
        form_error(f, "reason", what);
    else if (valid_chars(v) > REASON_MAX)
        form_error(f, "reason", "理由不能超过 500 个字");
    return v;
}

/* Checks the other request; sets a form error when it cannot be linked.
 * Returns its id, NULL after a form error or a database failure. */
static const char *
link_target(struct req *r, struct form *f, PGresult *rec, const char *other)
{
    if (*other == '\0') {
        form_error(f, "other_no", "请填写另一件申请的编号");
        return NULL;
    }
    if (strlen(other) != 11 || strspn(other, "0123456789-") != 11 ||
        other[4] != '-') {
        form_error(f, "other_no", "编号的格式是 2025-000123，请核对");
        return NULL;
    }
    PGresult *c =
        DBQ(r, STMT_disclosure_link_check, db_get(rec, 0, DR_ID), other);
    if (c == NULL)
        return NULL;
    if (PQntuples(c) != 1)
        form_error(f, "other_no", "没有这个编号的申请，请核对");
    else if (strcmp(db_get(c, 0, 0), db_get(rec, 0, DR_ID)) == 0)
        form_error(f, "other_no", "请填写另一件申请的编号，不是这一件");
    else if (strcmp(db_get(c, 0, 1), "t") == 0)
        form_error(f, "other_no", "这两件申请的申请人身份相同，本来就合并计数");
    else if (strcmp(db_get(c, 0, 2), "t") == 0)
        form_error(f, "other_no", "这两件申请的申请人已经合并计数");
    return form_ok(f) ? db_get(c, 0, 0) : NULL;
}

/* The write of link or unlink in the form_id transaction: 1 done (303
 * sent), 0 refused or answered, -1 error. */
static int
link_store(struct req *r, PGresult *rec, enum stmt st, const char *const *p,
           const char *action, const char *detail)
{
    const char *prior, *no = db_get(rec, 0, DR_NO);
    const char *loc = arena_printf(r->a, "/admin/disclosure/%s#links", no);
    if (db_begin(r) != 0)
        return -1;
    int once = form_once(r, &prior);
    if (once <= 0) {
        if (once == 0)
            resp_redirect(r, prior);
        return once;
    }
    PGresult *res = db_exec(r, st, 4, p);
    if (res == NULL)
        return -1;
    if (PQntuples(res) != 1) {
        db_rollback(r);
        page_error(r, 409, "不能办理",
                   st == STMT_disclosure_link_add
                       ? "这两件申请的申请人刚刚已由其他管理员合并计数。"
                       : "这项合并已经取消了。");
        return 0;
    }
    if (audit(r, action, no, detail) != 0 || form_once_done(r, loc) != 0 ||
        db_commit(r) != 0)
        return -1;
    resp_redirect(r, loc);
    return 1;
}

void
disclosure_admin_link_post(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    struct form f;
    form_init(&f, r, true);
    const char *other = valid_trim(r->a, req_param(r, "other_no"));
    const char *reason =
        reason_of(r, &f, "请写明合并计数的理由，例如同一人使用了不同证件");
    const char *oid = link_target(r, &f, rec, other);
    if (r->db_down)
        return;
    if (!form_ok(&f)) {
        drecord_page(r, rec, &f, NULL, "link", 422);
        return;
    }
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    const char *p[] = {db_get(rec, 0, DR_ID), oid, reason, uid};
    (void)link_store(r, rec, STMT_disclosure_link_add, p, "disclosure_link",
                     other);
}

void
disclosure_admin_unlink_post(struct req *r)
{
    PGresult *rec = drecord_load(r);
    if (rec == NULL)
        return;
    struct form f;
    form_init(&f, r, true);
    const char *link = req_param(r, "link");
    long v;
    if (link == NULL || !valid_int(link, 1, 1000000000000L, &v)) {
        page_error(r, 409, "不能办理", "没有这项合并。");
        return;
    }
    const char *reason = reason_of(r, &f, "请写明取消合并的理由");
    if (!form_ok(&f)) {
        drecord_page(r, rec, &f, NULL, "link", 422);
        return;
    }
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)r->user->id);
    const char *p[] = {db_get(rec, 0, DR_ID), link, uid, reason};
    (void)link_store(r, rec, STMT_disclosure_link_remove, p,
                     "disclosure_unlink", link);
}
