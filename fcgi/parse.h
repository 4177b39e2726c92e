/*
 * parse: pure parsers for what arrives from the network: urlencoded query
 * strings and bodies, Cookie headers, multipart/form-data bodies, and the
 * UTF-8 check every text field must pass. No I/O, no globals: each function
 * reads (pointer, length) and writes into the caller's arena, so each is
 * unit-tested and fuzzed on its own.
 *
 * Every parser returns an enum parse_err; on error the output may hold the
 * fields parsed so far and must be discarded by the caller.
 */
#ifndef GK_PARSE_H
#define GK_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

enum parse_err {
    PARSE_OK = 0,    /* all input consumed */
    PARSE_MALFORMED, /* syntax error: bad escape, missing boundary, ... */
    PARSE_TOOMANY,   /* more fields than PARSE_MAX_FIELDS */
    PARSE_TOOLONG,   /* a name longer than PARSE_MAX_NAME */
    PARSE_UTF8,      /* a text value is not valid UTF-8 or holds controls */
    PARSE__MAX
};

#define PARSE_MAX_FIELDS 200 /* fields per source (query, body, cookies) */
#define PARSE_MAX_NAME   64  /* bytes in a field or cookie name */
#define PARSE_MAX_FILES  10  /* file parts in one multipart body */

struct param {
    const char *key; /* NUL-terminated, in the arena */
    const char *val; /* NUL-terminated (embedded NUL is refused) */
    size_t len;      /* strlen(val) */
};

struct params {
    struct param *v; /* array in the arena */
    size_t n;        /* used */
    size_t cap;      /* allocated */
};

struct upload {
    const char *field;    /* form field name */
    const char *filename; /* as sent by the browser; display only */
    const char *ctype;    /* declared content type; never trusted */
    const unsigned char *data;
    size_t len;
};

struct uploads {
    struct upload v[PARSE_MAX_FILES];
    size_t n;
};

const char *parse_strerror(enum parse_err e);

/* Strict UTF-8 (no overlongs, surrogates or > U+10FFFF), no NUL and no C0
 * control characters except TAB, LF and CR. */
bool utf8_text_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_chars(const char *s, size_t n);

enum parse_err parse_urlencoded(struct arena *a, const char *s, size_t n,
                                struct params *out);
enum parse_err parse_cookies(struct arena *a, const char *s, size_t n,
                             struct params *out);
/* ctype is the whole Content-Type header value (boundary is read from it). */
enum parse_err parse_multipart(struct arena *a, const char *ctype,
                               const char *body, size_t n, struct params *out,
                               struct uploads *files);

const char *params_get(const struct params *p, const char *key);
void params_add(struct arena *a, struct params *p, const char *key,
                const char *val, size_t len);

#endif
