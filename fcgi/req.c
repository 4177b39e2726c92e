#include "req.h"

#include <errno.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "log.h"
#include "page.h"
#include "resp.h"
#include "router.h"

#define COOKIE_MAX 8192

static int64_t
now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *
param(struct req *r, const char *name)
{
    return FCGX_GetParam(name, r->fcgi->envp);
}

static void
bad_request(struct req *r, enum parse_err e)
{
    const char *msg =
        e == PARSE_UTF8
            ? "提交的内容含有无法识别的字符（不是有效的 UTF-8 文本），"
              "请检查后重新输入。"
            : "请求格式不正确，请返回上一页重新操作。";
    page_error(r, 400, "无法处理该请求", msg);
}

/* CONTENT_LENGTH is decimal digits only (RFC 3875 section 4.1.2). */
static int
content_length(struct req *r, size_t *out)
{
    const char *cl = param(r, "CONTENT_LENGTH");
    *out = 0;
    if (cl == NULL || *cl == '\0')
        return 0;
    unsigned long long n = 0;
    for (const char *p = cl; *p; p++) {
        if (*p < '0' || *p > '9' || n > (1ULL << 40))
            return -1;
        n = n * 10 + (unsigned)(*p - '0');
    }
    *out = (size_t)n;
    return 0;
}

static int
read_body(struct req *r, size_t len, char **out)
{
    char *b = arena_alloc(r->a, len + 1);
    size_t got = 0;
    while (got < len) {
        int n = FCGX_GetStr(
            b + got, (int)(len - got > 65536 ? 65536 : len - got), r->fcgi->in);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    b[len] = '\0';
    *out = b;
    return 0;
}

/* Returns 0 to go on, or -1 with the error response already set. */
static int
parse_body(struct req *r)
{
    size_t len;
    size_t cap = (r->route->flags & RF_UPLOAD) ? (size_t)cfg.upload_max
                                               : (size_t)cfg.body_max;
    if (content_length(r, &len) != 0) {
        bad_request(r, PARSE_MALFORMED);
        return -1;
    }
    if (len > cap) {
        page_error(r, 413, "提交的内容过大",
                   "提交的内容超过了允许的大小，请删减后再提交。");
        return -1;
    }
    const char *ct = param(r, "CONTENT_TYPE");
    char *body = NULL;
    if (len == 0)
        return 0;
    if (read_body(r, len, &body) != 0) {
        bad_request(r, PARSE_MALFORMED);
        return -1;
    }
    enum parse_err e;
    if (ct != NULL &&
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
        e = parse_urlencoded(r->a, body, len, &r->body);
    } else if (ct != NULL && strncasecmp(ct, "multipart/form-data", 19) == 0) {
        e = parse_multipart(r->a, ct, body, len, &r->body, &r->files);
    } else {
        page_error(r, 415, "无法处理该请求", "请通过网页上的表单提交。");
        return -1;
    }
    if (e != PARSE_OK) {
        bad_request(r, e);
        return -1;
    }
    return 0;
}

static int
parse_head(struct req *r)
{
    const char *m = param(r, "REQUEST_METHOD");
    r->method_name = m ? m : "?";
    if (m && strcmp(m, "GET") == 0)
        r->method = M_GET;
    else if (m && strcmp(m, "POST") == 0)
        r->method = M_POST;
    else if (m && strcmp(m, "HEAD") == 0)
        r->method = M_HEAD;
    /* nginx gives the decoded, normalised path in DOCUMENT_URI. */
    const char *path = param(r, "DOCUMENT_URI");
    r->path = path && *path == '/' ? path : "/";
    r->remote_addr = param(r, "REMOTE_ADDR");
    const char *https = param(r, "HTTPS");
    r->https = https && strcmp(https, "on") == 0;
    if (!utf8_text_valid(r->path, strlen(r->path))) {
        r->path = "/";
        bad_request(r, PARSE_UTF8);
        return -1;
    }
    const char *q = param(r, "QUERY_STRING");
    enum parse_err e =
        q ? parse_urlencoded(r->a, q, strlen(q), &r->query) : PARSE_OK;
    const char *ck = param(r, "HTTP_COOKIE");
    if (e == PARSE_OK && ck != NULL)
        e = strlen(ck) > COOKIE_MAX
                ? PARSE_TOOLONG
                : parse_cookies(r->a, ck, strlen(ck), &r->cookies);
    if (e != PARSE_OK) {
        bad_request(r, e);
        return -1;
    }
    return 0;
}

static void
method_not_allowed(struct req *r, unsigned allow)
{
    const char *list = (allow & M_GET) && (allow & M_POST) ? "GET, HEAD, POST"
                       : (allow & M_GET)                   ? "GET, HEAD"
                                                           : "POST";
    page_error(r, 405, "不支持该操作", "此页面不支持这种访问方式。");
    (void)resp_header(r, "Allow", list);
}

static const char *
login_redirect(struct req *r)
{
    /* Come back to the same page, query included, after logging in. */
    const char *q = param(r, "QUERY_STRING");
    struct buf b;
    buf_init(&b, r->a, 128);
    buf_puts(&b, "/account/login?next=");
    static const char hex[] = "0123456789ABCDEF";
    const char *full =
        q && *q ? arena_printf(r->a, "%s?%s", r->path, q) : r->path;
    for (const unsigned char *p = (const unsigned char *)full; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-_.~/", *p)) {
            buf_putc(&b, (char)*p);
        } else {
            buf_putc(&b, '%');
            buf_putc(&b, hex[*p >> 4]);
            buf_putc(&b, hex[*p & 15]);
        }
    }
    return buf_cstr(&b);
}

/* Access level and CSRF. Returns 0 to run the handler. */
static int
guard(struct req *r)
{
    const struct route *rt = r->route;
    if (rt->flags & RF_EPOCH) {
        /* routes.c pairs RF_EPOCH with ACC_CITIZEN POSTs only (unit test) */
        if (req_ident(r) == NULL) {
            page_signed_out(r);
            return -1;
        }
    } else if (rt->access != ACC_PUBLIC) {
        struct user *u = req_user(r);
        if (r->db_down)
            return -1;
        if (u == NULL) {
            if (r->method == M_POST)
                page_signed_out(r);
            else
                resp_redirect(r, login_redirect(r));
            return -1;
        }
        if (!access_check(u, rt->access)) {
            page_error(r, 403, "没有权限", "您的账号没有访问此页面的权限。");
            return -1;
        }
    }
    if (r->method == M_POST) {
        const char *pre = params_get(&r->cookies, "gk_pre");
        if (!csrf_verify(r->w->keys, pre, req_param(r, "csrf"))) {
            page_error(r, 403, "页面已过期",
                       "为保护您的安全，此次提交未被接受。请返回上一页，"
                       "刷新页面后重新提交（已填写的内容通常仍在）。"
                       "如仍不行，请确认浏览器已启用 Cookie。");
            return -1;
        }
        r->pre = pre;
    }
    return 0;
}

static void
dispatch(struct req *r)
{
    char *argbuf = arena_alloc(r->a, 256);
    unsigned allow = 0;
    if (r->method == 0) {
        page_error(r, 405, "不支持该操作", "此页面不支持这种访问方式。");
        (void)resp_header(r, "Allow", "GET, HEAD, POST");
        return;
    }
    switch (router_match(routes, nroutes, r->path, r->method, &r->route,
                         r->args, &r->nargs, &allow, argbuf, 256)) {
    case MATCH_NONE:
        page_error(r, 404, "页面不存在",
                   "您要找的页面不存在，可能已被移除或地址有误。");
        return;
    case MATCH_METHOD: method_not_allowed(r, allow); return;
    case MATCH_OK: break;
    }
    if (r->method == M_POST && parse_body(r) != 0)
        return;
    if (guard(r) != 0)
        return;
    r->route->fn(r);
}

static void
service_unavailable(struct req *r)
{
    /* Nothing half-done reaches the person: the page is replaced whole. */
    buf_clear(&r->resp.hdr);
    r->user = NULL;
    r->user_loaded = true;
    page_error(r, 503, "服务暂时不可用",
               "系统正在恢复，请稍后再试。您提交的内容没有被保存，"
               "请稍后重新提交。");
    (void)resp_header(r, "Retry-After", "5");
}

static void
log_line(struct req *r, int64_t t0)
{
    char path[256], ts[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm);
    /* The query string is never logged: it may carry access codes. */
    fprintf(stderr, "%s %s %s %d %lldus pid=%d\n", ts, r->method_name,
            log_safe(path, sizeof(path), r->path),
            r->resp.status ? r->resp.status : 200, (long long)(now_usec() - t0),
            r->w->pid);
}

void
req_handle(struct worker *w, FCGX_Request *f, struct arena *a)
{
    int64_t t0 = now_usec();
    struct req *r = arena_zalloc(a, sizeof(*r));
    r->a = a;
    r->w = w;
    r->fcgi = f;
    r->now = (int64_t)time(NULL);
    resp_init(r);
    if (parse_head(r) == 0)
        dispatch(r);
    /* A handler that gave up without an answer gets a 500, never an
     * empty 200. */
    if (!r->db_down && r->resp.status == 0 && r->resp.body.len == 0)
        page_fail(r);
    if (r->db_down) {
        db_rollback(r);
        service_unavailable(r);
    }
    resp_send(r);
    db_after_request(w);
    log_line(r, t0);
    w->requests++;
}
