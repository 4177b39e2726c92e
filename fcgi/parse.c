#define _GNU_SOURCE /* memmem: linear-time search for boundaries */
#include "parse.h"

#include <string.h>
#include <strings.h>

static const char *const errs[PARSE__MAX] = {
    [PARSE_OK] = "ok",
    [PARSE_MALFORMED] = "malformed input",
    [PARSE_TOOMANY] = "too many fields",
    [PARSE_TOOLONG] = "field name too long",
    [PARSE_UTF8] = "text is not valid UTF-8",
};

const char *
parse_strerror(enum parse_err e)
{
    return e < PARSE__MAX ? errs[e] : "unknown";
}

/* RFC 3629 section 4, with the control-character rule of this project. */
bool
utf8_text_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return false;
            if (c == 0x7f)
                return false;
            i++;
            continue;
        }
        size_t len;
        unsigned min, cp;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            min = 0x80;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            min = 0x800;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

size_t
utf8_chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

void
params_add(struct arena *a, struct params *p, const char *key, const char *val,
           size_t len)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct param *v = arena_alloc(a, cap * sizeof(*v));
        if (p->n)
            memcpy(v, p->v, p->n * sizeof(*v));
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n].key = key;
    p->v[p->n].val = val;
    p->v[p->n].len = len;
    p->n++;
}

const char *
params_get(const struct params *p, const char *key)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->v[i].key, key) == 0)
            return p->v[i].val;
    return NULL;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes %XX and '+' (application/x-www-form-urlencoded, WHATWG URL
 * standard section 5.1) into a fresh arena string. */
static enum parse_err
decode(struct arena *a, const char *s, size_t n, char **out, size_t *outlen)
{
    char *d = arena_alloc(a, n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            d[j++] = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
                (lo = hexval(s[i + 2])) < 0)
                return PARSE_MALFORMED;
            d[j++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[j++] = s[i];
        }
    }
    d[j] = '\0';
    *out = d;
    *outlen = j;
    return PARSE_OK;
}

enum parse_err
parse_urlencoded(struct arena *a, const char *s, size_t n, struct params *out)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *pair = s + i;
            size_t plen = end - i;
            const char *eq = memchr(pair, '=', plen);
            size_t klen = eq ? (size_t)(eq - pair) : plen;
            char *key, *val;
            size_t kl, vl;
            enum parse_err e;
            if ((e = decode(a, pair, klen, &key, &kl)) != PARSE_OK)
                return e;
            if (kl == 0 || kl > PARSE_MAX_NAME)
                return kl ? PARSE_TOOLONG : PARSE_MALFORMED;
            e = eq ? decode(a, eq + 1, plen - klen - 1, &val, &vl)
                   : decode(a, "", 0, &val, &vl);
            if (e != PARSE_OK)
                return e;
            if (!utf8_text_valid(key, kl) || !utf8_text_valid(val, vl))
                return PARSE_UTF8;
            if (out->n >= PARSE_MAX_FIELDS)
                return PARSE_TOOMANY;
            params_add(a, out, key, val, vl);
        }
        i = end + 1;
    }
    return PARSE_OK;
}

/* RFC 6265 section 4.2.1: cookie-string = cookie-pair *( ";" SP
 * cookie-pair ). The header also carries cookies other sites set on a
 * parent domain, so a pair we cannot use (no '=', a long name, bad UTF-8,
 * control characters, past PARSE_MAX_FIELDS) is skipped, never fatal:
 * one stray cookie must not lock a browser out of the site. */
enum parse_err
parse_cookies(struct arena *a, const char *s, size_t n, struct params *out)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        const char *semi = memchr(s + i, ';', n - i);
        size_t end = semi ? (size_t)(semi - s) : n;
        const char *pair = s + i;
        size_t plen = end - i;
        const char *eq = memchr(pair, '=', plen);
        if (eq != NULL && eq != pair) {
            size_t kl = (size_t)(eq - pair);
            size_t vl = plen - kl - 1;
            while (vl && (eq[vl] == ' ' || eq[vl] == '\t'))
                vl--;
            if (kl <= PARSE_MAX_NAME && out->n < PARSE_MAX_FIELDS &&
                utf8_text_valid(pair, kl) && utf8_text_valid(eq + 1, vl))
                params_add(a, out, arena_strndup(a, pair, kl),
                           arena_strndup(a, eq + 1, vl), vl);
        }
        i = end + 1;
    }
    return PARSE_OK;
}

static size_t
skip_ws(const char *h, size_t i, size_t n)
{
    while (i < n && (h[i] == ' ' || h[i] == '\t'))
        i++;
    return i;
}

/* Reads a parameter such as boundary=... or name="..." from a header value
 * (RFC 7578 section 4.2, RFC 2045 section 5.1). Quoted values may hold ';'
 * (a file called "minutes; draft.pdf"); browsers percent-encode '"' and
 * never send a backslash escape, so a quote ends the value. */
static char *
header_param(struct arena *a, const char *h, size_t hn, const char *name)
{
    size_t nl = strlen(name);
    size_t i = 0;
    while (i < hn) {
        i = skip_ws(h, i, hn);
        size_t ks = i;
        while (i < hn && h[i] != '=' && h[i] != ';')
            i++;
        size_t kl = i - ks;
        while (kl && (h[ks + kl - 1] == ' ' || h[ks + kl - 1] == '\t'))
            kl--;
        bool match = kl == nl && strncasecmp(h + ks, name, nl) == 0;
        if (i < hn && h[i] == '=') {
            const char *v;
            size_t vl;
            i = skip_ws(h, i + 1, hn);
            if (i < hn && h[i] == '"') {
                size_t vs = ++i;
                while (i < hn && h[i] != '"')
                    i++;
                if (i >= hn)
                    return NULL; /* unterminated quote */
                v = h + vs;
                vl = i - vs;
                while (i < hn && h[i] != ';')
                    i++;
            } else {
                size_t vs = i;
                while (i < hn && h[i] != ';')
                    i++;
                v = h + vs;
                vl = i - vs;
                while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
                    vl--;
            }
            if (match)
                return arena_strndup(a, v, vl);
        }
        i++; /* past ';' */
    }
    return NULL;
}

struct part_head {
    char *name;
    char *filename;
    char *ctype;
};

/* Part headers (RFC 7578 section 4.2): Content-Disposition with name and
 * optional filename, optional Content-Type. */
static enum parse_err
part_headers(struct arena *a, const char *h, size_t hn, struct part_head *ph)
{
    memset(ph, 0, sizeof(*ph));
    size_t i = 0;
    while (i < hn) {
        const char *crlf = memmem(h + i, hn - i, "\r\n", 2);
        size_t end = crlf ? (size_t)(crlf - h) : hn;
        const char *line = h + i;
        size_t ll = end - i;
        const char *colon = memchr(line, ':', ll);
        if (colon == NULL)
            return PARSE_MALFORMED;
        size_t nl = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vl = ll - nl - 1;
        if (nl == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
            ph->name = header_param(a, v, vl, "name");
            ph->filename = header_param(a, v, vl, "filename");
        } else if (nl == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
            while (vl && *v == ' ') {
                v++;
                vl--;
            }
            ph->ctype = arena_strndup(a, v, vl);
        }
        i = end + 2;
    }
    return ph->name != NULL && *ph->name ? PARSE_OK : PARSE_MALFORMED;
}

static enum parse_err
add_part(struct arena *a, const struct part_head *ph, const char *data,
         size_t dl, struct params *out, struct uploads *files)
{
    size_t kl = strlen(ph->name);
    if (kl > PARSE_MAX_NAME)
        return PARSE_TOOLONG;
    if (!utf8_text_valid(ph->name, kl))
        return PARSE_UTF8;
    if (ph->filename != NULL) {
        /* An empty file input still sends a part with filename="". */
        if (*ph->filename == '\0' && dl == 0)
            return PARSE_OK;
        if (files->n >= PARSE_MAX_FILES)
            return PARSE_TOOMANY;
        if (!utf8_text_valid(ph->filename, strlen(ph->filename)))
            return PARSE_UTF8;
        struct upload *u = &files->v[files->n++];
        u->field = ph->name;
        u->filename = ph->filename;
        u->ctype = ph->ctype ? ph->ctype : "application/octet-stream";
        u->data = (const unsigned char *)data;
        u->len = dl;
        return PARSE_OK;
    }
    if (!utf8_text_valid(data, dl))
        return PARSE_UTF8;
    if (out->n >= PARSE_MAX_FIELDS)
        return PARSE_TOOMANY;
    params_add(a, out, ph->name, arena_strndup(a, data, dl), dl);
    return PARSE_OK;
}

/* RFC 2046 section 5.1.1: the body is a preamble, then parts each opened by
 * CRLF "--" boundary CRLF, closed by CRLF "--" boundary "--". */
enum parse_err
parse_multipart(struct arena *a, const char *ctype, const char *body, size_t n,
                struct params *out, struct uploads *files)
{
    char *b = header_param(a, ctype, strlen(ctype), "boundary");
    if (b == NULL || *b == '\0' || strlen(b) > 70)
        return PARSE_MALFORMED;
    size_t bl = strlen(b);
    char *delim = arena_alloc(a, bl + 5);
    delim[0] = '\r';
    delim[1] = '\n';
    delim[2] = '-';
    delim[3] = '-';
    memcpy(delim + 4, b, bl + 1);
    size_t dl = bl + 4;

    /* The first boundary may start the body without a leading CRLF. */
    size_t pos;
    if (n >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
        pos = dl - 2;
    } else {
        const char *f = memmem(body, n, delim, dl);
        if (f == NULL)
            return PARSE_MALFORMED;
        pos = (size_t)(f - body) + dl;
    }
    for (;;) {
        if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
            return PARSE_OK; /* close delimiter; epilogue ignored */
        if (n - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
            return PARSE_MALFORMED;
        pos += 2;
        const char *hend = memmem(body + pos, n - pos, "\r\n\r\n", 4);
        if (hend == NULL)
            return PARSE_MALFORMED;
        struct part_head ph;
        size_t hl = (size_t)(hend - (body + pos));
        enum parse_err e = part_headers(a, body + pos, hl, &ph);
        if (e != PARSE_OK)
            return e;
        pos += hl + 4;
        const char *next = memmem(body + pos, n - pos, delim, dl);
        if (next == NULL)
            return PARSE_MALFORMED;
        size_t len = (size_t)(next - (body + pos));
        if ((e = add_part(a, &ph, body + pos, len, out, files)) != PARSE_OK)
            return e;
        pos += len + dl;
    }
}
