#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypt.h"
#include "db.h"
#include "resp.h"
#include "valid.h"

#define PRE_COOKIE  "gk_pre"
#define SESS_COOKIE "gk_sess"
#define MODE_COOKIE "gk_mode"

static void url_encode(struct buf *b, const char *s);

static void
nav_link(struct req *r, struct html *h, const char *href, const char *text)
{
    /* The current section is marked for screen readers and styling. */
    size_t n = strlen(href);
    bool cur = strcmp(r->path, href) == 0 ||
               (n > 1 && strncmp(r->path, href, n) == 0 &&
                (r->path[n] == '/' || r->path[n] == '\0'));
    html_open(h, "li", NULL);
    html_elem(h, "a", text, "href", href, "aria-current", cur ? "page" : NULL,
              NULL);
    html_close(h, "li");
}

static void
account_nav(struct req *r, struct html *h, struct user *u)
{
    html_open(h, "div", "class", "account", NULL);
    if (u == NULL) {
        html_elem(h, "a", "登录", "href", "/account/login", NULL);
        html_elem(h, "a", "注册", "href", "/account/register", NULL);
    } else {
        if (u->role != ROLE_CITIZEN)
            html_elem(h, "a", "工作台", "href", "/admin", NULL);
        html_elem(h, "a", "我的", "href", "/me", NULL);
        html_open(h, "span", "class", "who", NULL);
        html_text(h, u->name);
        html_close(h, "span");
        html_open(h, "form", "method", "post", "action", "/account/logout",
                  "class", "inline", NULL);
        form_hidden(h, "csrf", req_csrf(r));
        form_hidden(h, "form_id", crypt_random_token(r->a, 18));
        html_elem(h, "button", "退出登录", "type", "submit", "class", "link",
                  NULL);
        html_close(h, "form");
    }
    html_close(h, "div");
}

bool
page_large(const struct req *r)
{
    const char *m = params_get(&r->cookies, MODE_COOKIE);
    return m != NULL && strcmp(m, "large") == 0;
}

/* The switch to the large-text, high-contrast mode (适老化) on every page:
 * a plain link, so it works without script and with any input device. */
static void
mode_switch(struct req *r, struct html *h, bool large)
{
    const char *q = arena_printf(
        r->a, "/prefs/display?mode=%s&back=", large ? "normal" : "large");
    struct buf b;
    buf_init(&b, r->a, 128);
    buf_puts(&b, q);
    url_encode(&b, r->path);
    html_elem(h, "a", large ? "标准模式" : "长者模式（大字）", "class",
              "mode-switch", "href", buf_cstr(&b), NULL);
}

struct html *
page_begin(struct req *r, const char *title)
{
    struct html *h = arena_alloc(r->a, sizeof(*h));
    struct user *u = req_user(r);
    html_init(h, &r->resp.body);
    html_raw_trusted(h, "<!doctype html>\n");
    bool large = page_large(r);
    html_open(h, "html", "lang", "zh-CN", "class", large ? "large" : NULL,
              NULL);
    html_open(h, "head", NULL);
    html_void(h, "meta", "charset", "utf-8", NULL);
    html_void(h, "meta", "name", "viewport", "content",
              "width=device-width, initial-scale=1", NULL);
    html_open(h, "title", NULL);
    html_text(h, title);
    html_text(h, " - 长宁区政务公开");
    html_close(h, "title");
    html_void(h, "link", "rel", "stylesheet", "href", "/static/site.css", NULL);
    html_close(h, "head");
    html_open(h, "body", NULL);
    html_elem(h, "a", "跳到主要内容", "class", "skip", "href", "#main", NULL);
    html_open(h, "header", "class", "site", NULL);
    html_open(h, "div", "class", "bar", NULL);
    html_elem(h, "a", "长宁区政务公开", "class", "brand", "href", "/", NULL);
    mode_switch(r, h, large);
    account_nav(r, h, u);
    html_close(h, "div");
    html_open(h, "nav", "aria-label", "主导航", NULL);
    html_open(h, "ul", NULL);
    nav_link(r, h, "/policies", "政策留言板");
    nav_link(r, h, "/faq", "常见问题");
    nav_link(r, h, "/meetings", "列席会议");
    nav_link(r, h, "/open-month", "政府开放月");
    nav_link(r, h, "/disclosure/apply", "依申请公开");
    nav_link(r, h, "/disclosure/track", "申请查询");
    html_close(h, "ul");
    html_close(h, "nav");
    html_close(h, "header");
    html_open(h, "main", "id", "main", "tabindex", "-1", NULL);
    html_elem(h, "h1", title, NULL);
    return h;
}

void
page_end(struct req *r, struct html *h)
{
    (void)r;
    html_close(h, "main");
    html_open(h, "footer", "class", "site", NULL);
    html_elem(h, "p", "上海市长宁区人民政府办公室 主办", NULL);
    html_elem(h, "p", "如需帮助，请拨打 12345 市民服务热线。", NULL);
    html_close(h, "footer");
    html_close(h, "body");
    html_close(h, "html");
    html_raw_trusted(h, "\n");
}

void
page_fact(struct html *h, const char *label, const char *value, const char *id)
{
    html_elem(h, "dt", label, NULL);
    html_elem(h, "dd", value, "id", id, NULL);
}

void
page_thead(struct html *h, const char *const *cols, size_t n)
{
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    for (size_t i = 0; i < n; i++)
        html_elem(h, "th", cols[i], "scope", "col", NULL);
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
}

void
page_table(struct html *h, const char *id, const char *caption,
           const char *const *cols, size_t n)
{
    html_open(h, "table", "class", "list", "id", id, NULL);
    if (caption != NULL)
        html_elem(h, "caption", caption, NULL);
    page_thead(h, cols, n);
}

void
page_table_end(struct html *h)
{
    html_close(h, "tbody");
    html_close(h, "table");
}

void
page_signed_out(struct req *r)
{
    page_error(r, 401, "请先登录", "登录已失效，请重新登录后再提交。");
}

void
page_fail(struct req *r)
{
    if (r->db_down)
        return;
    db_rollback(r);
    page_error(r, 500, "系统出错",
               "处理您的请求时出现错误，您提交的内容没有被保存。"
               "请稍后再试；如一直出现，请拨打 12345 反映。");
}

void
page_error(struct req *r, int status, const char *title, const char *msg)
{
    buf_clear(&r->resp.body);
    r->resp.ctype = "text/html; charset=utf-8";
    struct html *h = page_begin(r, title);
    html_elem(h, "p", msg, "class", "lead", NULL);
    html_open(h, "p", NULL);
    html_elem(h, "a", "返回首页", "href", "/", NULL);
    html_close(h, "p");
    page_end(r, h);
    r->resp.status = status;
}

/* ---- forms ---- */

void
form_init(struct form *f, struct req *r, bool shown)
{
    memset(f, 0, sizeof(*f));
    f->r = r;
    f->shown = shown;
}

void
form_error(struct form *f, const char *field, const char *msg)
{
    if (form_error_of(f, field) == NULL)
        params_add(f->r->a, &f->errs, field, msg, strlen(msg));
}

const char *
form_error_of(const struct form *f, const char *field)
{
    return params_get(&f->errs, field);
}

bool
form_ok(const struct form *f)
{
    return f->errs.n == 0;
}

const char *
form_value(const struct form *f, const char *field)
{
    const char *v = f->shown ? params_get(&f->r->body, field) : NULL;
    return v ? v : "";
}

void
form_hidden(struct html *h, const char *name, const char *value)
{
    html_void(h, "input", "type", "hidden", "name", name, "value", value, NULL);
}

void
form_open(struct form *f, struct html *h, const char *action, bool multipart)
{
    struct req *r = f->r;
    if (!form_ok(f)) {
        html_open(h, "div", "class", "error-summary", "role", "alert",
                  "tabindex", "-1", "id", "error-summary", NULL);
        html_elem(h, "h2", "请修改以下内容后再提交", NULL);
        html_open(h, "ul", NULL);
        for (size_t i = 0; i < f->errs.n; i++) {
            html_open(h, "li", NULL);
            char *href = arena_printf(r->a, "#f-%s", f->errs.v[i].key);
            html_elem(h, "a", f->errs.v[i].val, "href", href, NULL);
            html_close(h, "li");
        }
        html_close(h, "ul");
        html_close(h, "div");
    }
    html_open(h, "form", "method", "post", "action", action, "enctype",
              multipart ? "multipart/form-data" : NULL, "novalidate", "", NULL);
    form_hidden(h, "csrf", req_csrf(r));
    /* A form shown again keeps its nonce: nothing was stored the first
     * time, and a double click on the corrected form must still count
     * once. */
    const char *fid = f->shown ? params_get(&r->body, "form_id") : NULL;
    if (fid == NULL || strlen(fid) < 16 || strlen(fid) > 64)
        fid = crypt_random_token(r->a, 18);
    form_hidden(h, "form_id", fid);
}

void
form_close(struct html *h)
{
    html_close(h, "form");
}

void
form_field(struct form *f, struct html *h, const struct field *fd)
{
    struct req *r = f->r;
    const char *err = form_error_of(f, fd->name);
    const char *id = arena_printf(r->a, "f-%s", fd->name);
    const char *hint_id = fd->hint ? arena_printf(r->a, "%s-hint", id) : NULL;
    const char *err_id = err ? arena_printf(r->a, "%s-error", id) : NULL;
    const char *described = hint_id && err_id
                                ? arena_printf(r->a, "%s %s", err_id, hint_id)
                                : (err_id ? err_id : hint_id);
    bool secret = strcmp(fd->type, "password") == 0;
    const char *val = secret ? "" : form_value(f, fd->name);
    char maxl[16];
    snprintf(maxl, sizeof(maxl), "%d", fd->maxlength);

    html_open(h, "div", "class", err ? "field has-error" : "field", NULL);
    html_open(h, "label", "for", id, NULL);
    html_text(h, fd->label);
    if (!fd->required)
        html_elem(h, "span", "（选填）", "class", "optional", NULL);
    html_close(h, "label");
    if (fd->hint)
        html_elem(h, "p", fd->hint, "class", "hint", "id", hint_id, NULL);
    if (err)
        html_elem(h, "p", err, "class", "error", "id", err_id, NULL);
    if (strcmp(fd->type, "textarea") == 0) {
        html_open(h, "textarea", "id", id, "name", fd->name, "rows", "6",
                  "aria-describedby", described, "aria-invalid",
                  err ? "true" : NULL, "required", fd->required ? "" : NULL,
                  "maxlength", fd->maxlength ? maxl : NULL, NULL);
        html_text(h, val);
        html_close(h, "textarea");
    } else {
        html_void(h, "input", "id", id, "name", fd->name, "type", fd->type,
                  "value", secret ? NULL : val, "autocomplete",
                  fd->autocomplete, "aria-describedby", described,
                  "aria-invalid", err ? "true" : NULL, "required",
                  fd->required ? "" : NULL, "maxlength",
                  fd->maxlength ? maxl : NULL, NULL);
    }
    html_close(h, "div");
}

/* The value a choice field shows: what was sent, else the default. */
static const char *
chosen(const struct form *f, const char *name, const char *dflt)
{
    const char *v = f->shown ? params_get(&f->r->body, name) : NULL;
    return v ? v : (dflt ? dflt : "");
}

/* Label, hint and error of a field, as form_field writes them. */
static void
field_head(struct form *f, struct html *h, const struct field *fd,
           const char *tag, const char *id)
{
    struct req *r = f->r;
    const char *err = form_error_of(f, fd->name);
    if (strcmp(tag, "legend") == 0)
        html_open(h, "legend", NULL);
    else
        html_open(h, "label", "for", id, NULL);
    html_text(h, fd->label);
    if (!fd->required)
        html_elem(h, "span", "（选填）", "class", "optional", NULL);
    html_close(h, tag);
    if (fd->hint)
        html_elem(h, "p", fd->hint, "class", "hint", "id",
                  arena_printf(r->a, "%s-hint", id), NULL);
    if (err)
        html_elem(h, "p", err, "class", "error", "id",
                  arena_printf(r->a, "%s-error", id), NULL);
}

static const char *
described_by(struct form *f, const struct field *fd, const char *id)
{
    struct req *r = f->r;
    bool err = form_error_of(f, fd->name) != NULL;
    if (err && fd->hint)
        return arena_printf(r->a, "%s-error %s-hint", id, id);
    if (err)
        return arena_printf(r->a, "%s-error", id);
    return fd->hint ? arena_printf(r->a, "%s-hint", id) : NULL;
}

void
form_select(struct form *f, struct html *h, const struct field *fd,
            const struct choice *choices, size_t n, const char *dflt)
{
    const char *id = arena_printf(f->r->a, "f-%s", fd->name);
    bool err = form_error_of(f, fd->name) != NULL;
    const char *cur = chosen(f, fd->name, dflt);
    html_open(h, "div", "class", err ? "field has-error" : "field", NULL);
    field_head(f, h, fd, "label", id);
    html_open(h, "select", "id", id, "name", fd->name, "aria-describedby",
              described_by(f, fd, id), "aria-invalid", err ? "true" : NULL,
              "required", fd->required ? "" : NULL, NULL);
    if (!fd->required || *cur == '\0')
        html_elem(h, "option", "请选择", "value", "", NULL);
    for (size_t i = 0; i < n; i++)
        html_elem(h, "option", choices[i].label, "value", choices[i].value,
                  "selected", strcmp(cur, choices[i].value) == 0 ? "" : NULL,
                  NULL);
    html_close(h, "select");
    html_close(h, "div");
}

void
form_radios(struct form *f, struct html *h, const struct field *fd,
            const struct choice *choices, size_t n, const char *dflt)
{
    struct req *r = f->r;
    const char *id = arena_printf(r->a, "f-%s", fd->name);
    bool err = form_error_of(f, fd->name) != NULL;
    const char *cur = chosen(f, fd->name, dflt);
    html_open(h, "fieldset", "id", id, "class",
              err ? "field choices has-error" : "field choices",
              "aria-describedby", described_by(f, fd, id), NULL);
    field_head(f, h, fd, "legend", id);
    for (size_t i = 0; i < n; i++) {
        const char *oid = arena_printf(r->a, "%s-%s", id, choices[i].value);
        html_open(h, "div", "class", "choice", NULL);
        html_void(h, "input", "type", "radio", "id", oid, "name", fd->name,
                  "value", choices[i].value, "checked",
                  strcmp(cur, choices[i].value) == 0 ? "" : NULL, NULL);
        html_elem(h, "label", choices[i].label, "for", oid, NULL);
        html_close(h, "div");
    }
    html_close(h, "fieldset");
}

void
form_checkbox(struct form *f, struct html *h, const struct field *fd, bool dflt)
{
    const char *id = arena_printf(f->r->a, "f-%s", fd->name);
    bool err = form_error_of(f, fd->name) != NULL;
    bool on = f->shown ? params_get(&f->r->body, fd->name) != NULL : dflt;
    html_open(h, "div", "class",
              err ? "field choice has-error" : "field choice", NULL);
    if (err)
        html_elem(h, "p", form_error_of(f, fd->name), "class", "error", "id",
                  arena_printf(f->r->a, "%s-error", id), NULL);
    html_void(h, "input", "type", "checkbox", "id", id, "name", fd->name,
              "value", "1", "checked", on ? "" : NULL, "aria-describedby",
              described_by(f, fd, id), NULL);
    html_elem(h, "label", fd->label, "for", id, NULL);
    if (fd->hint)
        html_elem(h, "p", fd->hint, "class", "hint", "id",
                  arena_printf(f->r->a, "%s-hint", id), NULL);
    html_close(h, "div");
}

void
form_submit(struct html *h, const char *label)
{
    html_open(h, "div", "class", "actions", NULL);
    html_elem(h, "button", label, "type", "submit", NULL);
    html_close(h, "div");
}

/* ---- identity, CSRF, nonces ---- */

const char *
req_csrf(struct req *r)
{
    if (r->pre == NULL) {
        const char *pre = params_get(&r->cookies, PRE_COOKIE);
        if (pre == NULL || strlen(pre) < 16 || strlen(pre) > 64) {
            pre = crypt_random_token(r->a, 18);
            resp_cookie(r, PRE_COOKIE, pre, -1);
        }
        r->pre = pre;
    }
    char *tok = arena_alloc(r->a, SESS_TOKEN_MAX);
    csrf_token(r->w->keys, r->pre, tok);
    return tok;
}

static struct user *
load_user(struct req *r, const struct ident *id)
{
    char uid[24];
    snprintf(uid, sizeof(uid), "%lld", (long long)id->user);
    PGresult *res = DBQ(r, STMT_user_by_id, uid);
    if (res == NULL || PQntuples(res) != 1)
        return NULL;
    struct user *u = arena_zalloc(r->a, sizeof(*u));
    u->id = db_getll(res, 0, 0);
    u->role = role_parse(db_get(res, 0, 1));
    u->dept = (int32_t)db_getll(res, 0, 2);
    u->dept_name = db_isnull(res, 0, 3) ? NULL : db_get(res, 0, 3);
    u->name = db_get(res, 0, 4);
    u->login_masked = db_get(res, 0, 5);
    u->epoch = (int32_t)db_getll(res, 0, 6);
    /* Logging out everywhere (or a password or role change by an admin)
     * bumps the epoch: older tokens are no longer anyone. */
    if (u->epoch != id->epoch || u->role == ROLE_NONE)
        return NULL;
    return u;
}

const struct ident *
req_ident(struct req *r)
{
    if (!r->ident_checked) {
        r->ident_checked = true;
        const char *tok = params_get(&r->cookies, SESS_COOKIE);
        if (tok == NULL || sess_decode(r->w->keys, tok, strlen(tok), r->now,
                                       &r->ident) != SESS_OK)
            memset(&r->ident, 0, sizeof(r->ident));
    }
    return r->ident.user != 0 ? &r->ident : NULL;
}

struct user *
req_user(struct req *r)
{
    if (r->user_loaded)
        return r->user;
    r->user_loaded = true;
    const struct ident *id = req_ident(r);
    if (id != NULL)
        r->user = load_user(r, id);
    return r->user;
}

const char *
req_param(const struct req *r, const char *name)
{
    return params_get(&r->body, name);
}

const char *
req_query(const struct req *r, const char *name)
{
    return params_get(&r->query, name);
}

int
req_page(const struct req *r)
{
    const char *p = req_query(r, "page");
    if (p == NULL)
        return 1;
    char *end = NULL;
    long n = strtol(p, &end, 10);
    return (end != p && *end == '\0' && n >= 1 && n <= 100000) ? (int)n : 1;
}

static struct tm
shanghai(const struct req *r)
{
    time_t t = (time_t)r->now + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm;
}

int
req_year(const struct req *r)
{
    return shanghai(r).tm_year + 1900;
}

void
req_now_text(const struct req *r, char out[17])
{
    struct tm tm = shanghai(r);
    strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

long
req_year_param(const struct req *r)
{
    long y;
    const char *q = req_query(r, "year");
    return q && valid_int(q, 2000, 2100, &y) ? y : req_year(r);
}

bool
form_id_ok(const char *fid)
{
    return fid != NULL && strlen(fid) >= 16 && strlen(fid) <= 64;
}

int
form_prior(struct req *r, const char *fid, const char **prior)
{
    PGresult *res = DBQ(r, STMT_form_location, fid);
    if (res == NULL)
        return -1;
    *prior = PQntuples(res) != 1    ? NULL
             : db_isnull(res, 0, 0) ? "/"
                                    : db_get(res, 0, 0);
    return 0;
}

int
form_once(struct req *r, const char **prior)
{
    const char *fid = req_param(r, "form_id");
    *prior = NULL;
    if (!form_id_ok(fid))
        return 1; /* a script without a nonce gets no deduplication */
    PGresult *res = DBQ(r, STMT_form_claim, fid);
    if (res == NULL)
        return -1;
    if (PQntuples(res) == 1)
        return 1;
    /* The row is committed (the claim waited for the first transaction),
     * so its location is there. */
    if (form_prior(r, fid, prior) != 0)
        return -1;
    if (*prior == NULL)
        *prior = "/";
    return 0;
}

int
form_once_done(struct req *r, const char *location)
{
    const char *fid = req_param(r, "form_id");
    if (!form_id_ok(fid))
        return 0;
    return DBQ(r, STMT_form_done, fid, location) ? 0 : -1;
}

int
form_once_tx(struct req *r)
{
    const char *prior;
    if (db_begin(r) != 0) {
        page_fail(r);
        return -1;
    }
    int once = form_once(r, &prior);
    if (once < 0) {
        page_fail(r);
    } else if (once == 0) {
        db_rollback(r);
        resp_redirect(r, prior);
    }
    return once;
}

int
audit(struct req *r, const char *action, const char *object, const char *detail)
{
    const struct user *u = r->user;
    return audit_as(r, u ? u->id : 0, u ? u->dept : 0, action, object, detail);
}

int
audit_as(struct req *r, int64_t actor, int32_t dept_id, const char *action,
         const char *object, const char *detail)
{
    char uid[24], dept[16];
    snprintf(uid, sizeof(uid), "%lld", (long long)actor);
    snprintf(dept, sizeof(dept), "%d", (int)dept_id);
    PGresult *res =
        DBQ(r, STMT_audit_add, actor ? uid : NULL, dept, action,
            object ? object : "", detail ? detail : "", r->remote_addr);
    return res ? 0 : -1;
}

/* Percent-encodes everything but unreserved characters (RFC 3986 2.3). */
static void
url_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            buf_putc(b, (char)c);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[c >> 4]);
            buf_putc(b, hex[c & 15]);
        }
    }
}

/* The current path and query with page replaced. */
static const char *
page_href(struct req *r, int page)
{
    struct buf b;
    buf_init(&b, r->a, 128);
    buf_puts(&b, r->path);
    char sep = '?';
    for (size_t i = 0; i < r->query.n; i++) {
        if (strcmp(r->query.v[i].key, "page") == 0)
            continue;
        buf_putc(&b, sep);
        url_encode(&b, r->query.v[i].key);
        buf_putc(&b, '=');
        url_encode(&b, r->query.v[i].val);
        sep = '&';
    }
    buf_printf(&b, "%cpage=%d", sep, page);
    return buf_cstr(&b);
}

void
page_pager(struct req *r, struct html *h, int page, long total)
{
    long pages = (total + 19) / 20;
    if (pages <= 1)
        return;
    html_open(h, "nav", "class", "pager", "aria-label", "分页", NULL);
    if (page > 1)
        html_elem(h, "a", "上一页", "href", page_href(r, page - 1), "rel",
                  "prev", NULL);
    html_open(h, "span", NULL);
    html_textf(h, "第 %d 页，共 %ld 页", page, pages);
    html_close(h, "span");
    if (page < pages)
        html_elem(h, "a", "下一页", "href", page_href(r, page + 1), "rel",
                  "next", NULL);
    html_close(h, "nav");
}

/* ---- departments ---- */

void
page_dept_options(struct req *r, struct html *h, const struct dept_pick *p,
                  const char *cur)
{
    PGresult *res = DBQ0(r, STMT_dept_list);
    html_open(h, "select", "id", arena_printf(r->a, "f-%s", p->name), "name",
              p->name, NULL);
    if (p->any != NULL)
        html_elem(h, "option", p->any, "value", p->any_value, NULL);
    for (int i = 0; res && i < PQntuples(res); i++) {
        const char *v = db_get(res, i, (int)p->key);
        html_elem(h, "option", db_get(res, i, 2), "value", v, "selected",
                  strcmp(cur, v) == 0 ? "" : NULL, NULL);
    }
    html_close(h, "select");
}

void
page_dept_filter(struct req *r, struct html *h, const struct dept_pick *p,
                 const char *cur)
{
    html_open(h, "div", "class", "field", NULL);
    html_elem(h, "label", p->label, "for", arena_printf(r->a, "f-%s", p->name),
              NULL);
    page_dept_options(r, h, p, cur);
    html_close(h, "div");
}

struct choice *
page_dept_choices(struct req *r, enum dept_key key, bool own_only, size_t *n,
                  const char **mine)
{
    PGresult *res = DBQ0(r, STMT_dept_list);
    struct user *u = own_only || mine != NULL ? req_user(r) : NULL;
    *n = 0;
    if (mine != NULL)
        *mine = NULL;
    if (res == NULL)
        return NULL;
    /* one more than needed: an empty list is still a valid pointer */
    struct choice *c =
        arena_alloc(r->a, ((size_t)PQntuples(res) + 1) * sizeof(*c));
    for (int i = 0; i < PQntuples(res); i++) {
        bool own = u != NULL && db_getll(res, i, 0) == u->dept;
        if (own && mine != NULL)
            *mine = db_get(res, i, (int)key);
        if (own_only && !own && (u == NULL || u->role != ROLE_ADMIN))
            continue;
        c[*n].value = db_get(res, i, (int)key);
        c[(*n)++].label = db_get(res, i, 2);
    }
    return c;
}
