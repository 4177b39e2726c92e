#include "resp.h"

#include <fcgiapp.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"

/* Same policy as nginx's static location (nginx/gongkai.conf.in). No inline
 * script anywhere; forms post only to this site. */
static const char security_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "Content-Security-Policy: default-src 'self'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n";

void
resp_init(struct req *r)
{
    r->resp.status = 0;
    r->resp.ctype = "text/html; charset=utf-8";
    buf_init(&r->resp.hdr, r->a, 512);
    buf_init(&r->resp.body, r->a, 8192);
}

const char *
status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

int
resp_header(struct req *r, const char *name, const char *value)
{
    if (strpbrk(value, "\r\n") != NULL) {
        log_err("refused header %s with a line break", name);
        return -1;
    }
    buf_puts(&r->resp.hdr, name);
    buf_puts(&r->resp.hdr, ": ");
    buf_puts(&r->resp.hdr, value);
    buf_puts(&r->resp.hdr, "\r\n");
    return 0;
}

void
resp_cookie(struct req *r, const char *name, const char *value, long max_age)
{
    /* Only values we made (base64url) go into cookies. */
    for (const char *p = value; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            log_err("refused cookie %s with unexpected characters", name);
            return;
        }
    }
    char age[48] = "";
    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
    const char *v = arena_printf(
        r->a,
        "%s=%s; Path=/; HttpOnly; "
        "SameSite=Lax%s%s",
        name, value, age, (r->https || cfg.secure_cookies) ? "; Secure" : "");
    (void)resp_header(r, "Set-Cookie", v);
}

void
resp_redirect(struct req *r, const char *path)
{
    /* Same-site paths only: "/x", never "//host" or "/\host". */
    if (path[0] != '/' || path[1] == '/' || path[1] == '\\')
        path = "/";
    if (resp_header(r, "Location", path) != 0)
        (void)resp_header(r, "Location", "/");
    r->resp.status = 303;
    buf_clear(&r->resp.body);
}

void
resp_send(struct req *r)
{
    FCGX_Stream *out = r->fcgi->out;
    int st = r->resp.status ? r->resp.status : 200;
    FCGX_FPrintF(out, "Status: %d %s\r\n", st, status_text(st));
    FCGX_FPrintF(out, "Content-Type: %s\r\n", r->resp.ctype);
    /* libfcgi's own printf knows no %zu: it printed nothing there, which
     * swallowed this header and the next (Cache-Control). */
    FCGX_FPrintF(out, "Content-Length: %lu\r\n",
                 (unsigned long)r->resp.body.len);
    /* Pages may hold personal data: never cache dynamic responses. */
    FCGX_PutS("Cache-Control: no-store\r\n", out);
    FCGX_PutStr(security_headers, sizeof(security_headers) - 1, out);
    FCGX_PutStr(r->resp.hdr.p, (int)r->resp.hdr.len, out);
    FCGX_PutS("\r\n", out);
    if (r->method != M_HEAD && r->resp.body.len > 0)
        FCGX_PutStr(r->resp.body.p, (int)r->resp.body.len, out);
}
