/*
 * sess: signed session tokens and CSRF tokens.
 *
 * A session token is base64url(payload || mac), payload (35 bytes, all
 * integers big-endian):
 *   version(1)=1 | kid(1) | user(8) | role(1) | dept(4) | iat(8) | exp(8) |
 *   epoch(4)
 * mac = HMAC-SHA-512-256 (crypto_auth) under token key `kid`. Anything that
 * fails to decode, verify, or is expired, is "not logged in"; the caller
 * compares epoch with the user's current epoch (logout everywhere bumps it).
 *
 * A CSRF token is base64url(HMAC(csrf key, "csrf1" || pre-session id)), the
 * pre-session id being a random cookie every browser gets before its first
 * form, so anonymous forms (register, login, disclosure) are covered too.
 */
#ifndef GK_SESS_H
#define GK_SESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

enum role { ROLE_NONE = 0, ROLE_CITIZEN, ROLE_STAFF, ROLE_ADMIN, ROLE__MAX };

struct ident {
    int64_t user; /* users.id; 0 = anonymous */
    enum role role;
    int32_t dept;  /* departments.id; 0 = none */
    int64_t iat;   /* issued at, unix seconds */
    int64_t exp;   /* expires at, unix seconds */
    int32_t epoch; /* users.session_epoch when issued */
};

enum sess_err {
    SESS_OK = 0,
    SESS_MALFORMED, /* not base64url or wrong length */
    SESS_VERSION,   /* unknown format version */
    SESS_KEY,       /* key id not (or no longer) configured */
    SESS_MAC,       /* authentication failed: forged or damaged */
    SESS_EXPIRED,   /* exp has passed */
    SESS__MAX
};

#define SESS_PAYLOAD   35
#define SESS_TOKEN_MAX 96 /* base64url of 67 bytes is 90, plus NUL */

const char *role_name(enum role r);
enum role role_parse(const char *s);

/* Writes a NUL-terminated token into out (SESS_TOKEN_MAX bytes). */
void sess_encode(const struct keys *ks, const struct ident *id,
                 char out[SESS_TOKEN_MAX]);
enum sess_err sess_decode(const struct keys *ks, const char *tok, size_t n,
                          int64_t now, struct ident *out);

/* CSRF: out must hold SESS_TOKEN_MAX bytes. */
void csrf_token(const struct keys *ks, const char *pre, char *out);
bool csrf_verify(const struct keys *ks, const char *pre, const char *tok);

#endif
