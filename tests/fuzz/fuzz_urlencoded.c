/*
 * Fuzzes parse_urlencoded (query strings and form bodies).
 *
 * Invariants on success: every field is valid text within the limits, and
 * encoding the fields again and re-parsing gives the same fields.
 */
#include "fuzz.h"

#include "buf.h"

static void
encode(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
            buf_putc(b, (char)c);
        } else if (c == ' ') {
            buf_putc(b, '+');
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[c >> 4]);
            buf_putc(b, hex[c & 15]);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    struct params p = {0};
    enum parse_err e = parse_urlencoded(a, (const char *)data, size, &p);
    fuzz_check(e < PARSE__MAX, "error code out of range");
    fuzz_check(parse_strerror(e) != NULL, "no message for error");
    if (e == PARSE_OK) {
        fuzz_check_params(&p);

        struct buf b;
        buf_init(&b, a, size + 16);
        for (size_t i = 0; i < p.n; i++) {
            if (i)
                buf_putc(&b, '&');
            encode(&b, p.v[i].key, strlen(p.v[i].key));
            buf_putc(&b, '=');
            encode(&b, p.v[i].val, p.v[i].len);
        }
        struct params q = {0};
        fuzz_check(parse_urlencoded(a, b.p, b.len, &q) == PARSE_OK,
                   "re-encoded fields do not parse");
        fuzz_check(q.n == p.n, "round trip changed the field count");
        for (size_t i = 0; i < p.n; i++) {
            fuzz_check(strcmp(q.v[i].key, p.v[i].key) == 0,
                       "round trip changed a name");
            fuzz_check(q.v[i].len == p.v[i].len &&
                           memcmp(q.v[i].val, p.v[i].val, p.v[i].len) == 0,
                       "round trip changed a value");
        }
    }
    fuzz_check_memory(a, size);
    arena_reset(a);
    return 0;
}
