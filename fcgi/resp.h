/*
 * resp: building and sending the response. Header values pass through
 * resp_header(), which refuses CR, LF and NUL, so no input can split a
 * header. Every response carries the security headers (CSP without inline
 * script, nosniff, frame-ancestors 'none', Referrer-Policy).
 */
#ifndef GK_RESP_H
#define GK_RESP_H

#include "app.h"

void resp_init(struct req *r);
/* Adds "Name: value"; refuses (logs, returns -1) a value with CR/LF/NUL. */
int resp_header(struct req *r, const char *name, const char *value);
/* Set-Cookie for an opaque (base64url) value; max_age < 0: session cookie,
 * 0: delete. HttpOnly, SameSite=Lax, Path=/, Secure behind TLS. */
void resp_cookie(struct req *r, const char *name, const char *value,
                 long max_age);
/* 303 See Other to a same-site path. */
void resp_redirect(struct req *r, const char *path);
/* Writes status, headers and (unless HEAD) body to the FastCGI stream. */
void resp_send(struct req *r);
const char *status_text(int status);

#endif
