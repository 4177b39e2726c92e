/*
 * Unit tests for fcgi/parse.c: urlencoded, Cookie and multipart parsers and
 * the UTF-8 text check.
 *
 * Every input is copied into a heap buffer of exactly its length (no NUL
 * after it), so AddressSanitizer reports any read past the (pointer,
 * length) the parser was given.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"

#define MAXBUFS 64

struct fx {
    struct arena a;
    struct params p;
    struct uploads files;
    void *bufs[MAXBUFS]; /* exact-size input copies, freed in teardown */
    int nbufs;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    arena_init(&f->a, 4096);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < f->nbufs; i++)
        free(f->bufs[i]);
    arena_free(&f->a);
    free(f);
    return 0;
}

/* A copy of n bytes in a heap block of exactly n bytes. */
static const char *
exact(struct fx *f, const void *s, size_t n)
{
    assert_true(f->nbufs < MAXBUFS);
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n)
        memcpy(p, s, n);
    f->bufs[f->nbufs++] = p;
    return p;
}

static enum parse_err
urlenc_n(struct fx *f, const char *s, size_t n)
{
    return parse_urlencoded(&f->a, exact(f, s, n), n, &f->p);
}

static enum parse_err
urlenc(struct fx *f, const char *s)
{
    return urlenc_n(f, s, strlen(s));
}

static enum parse_err
cookies(struct fx *f, const char *s)
{
    size_t n = strlen(s);
    return parse_cookies(&f->a, exact(f, s, n), n, &f->p);
}

static enum parse_err
multipart_n(struct fx *f, const char *ctype, const char *body, size_t n)
{
    return parse_multipart(&f->a, ctype, exact(f, body, n), n, &f->p,
                           &f->files);
}

static enum parse_err
multipart(struct fx *f, const char *ctype, const char *body)
{
    return multipart_n(f, ctype, body, strlen(body));
}

/* Percent-encodes every byte that is not unreserved, spaces as '+'. */
static char *
form_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, n * 3 + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '*') {
            out[j++] = (char)c;
        } else if (c == ' ') {
            out[j++] = '+';
        } else {
            out[j++] = '%';
            out[j++] = hex[c >> 4];
            out[j++] = hex[c & 15];
        }
    }
    out[j] = '\0';
    return out;
}

static void
assert_param(const struct params *p, size_t i, const char *key, const char *val)
{
    assert_true(i < p->n);
    assert_string_equal(p->v[i].key, key);
    assert_string_equal(p->v[i].val, val);
    assert_int_equal(p->v[i].len, strlen(val));
}

/* ---------------------------------------------------------------- */
/* urlencoded                                                        */
/* ---------------------------------------------------------------- */

static void
test_url_plain(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "a=1&bb=two&c_d=x.y-z"), PARSE_OK);
    assert_int_equal(f->p.n, 3);
    assert_param(&f->p, 0, "a", "1");
    assert_param(&f->p, 1, "bb", "two");
    assert_param(&f->p, 2, "c_d", "x.y-z");
    assert_string_equal(params_get(&f->p, "bb"), "two");
    assert_null(params_get(&f->p, "missing"));
    assert_null(params_get(&f->p, "b"));
}

static void
test_url_empty_input(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, ""), PARSE_OK);
    assert_int_equal(f->p.n, 0);
    assert_int_equal(urlenc(f, "&"), PARSE_OK);
    assert_int_equal(f->p.n, 0);
}

static void
test_url_plus_and_percent(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        urlenc(f, "q=hello+world%21&a%20b=%2B%26%3D%25&z=%e4%B8%ad+x"),
        PARSE_OK);
    assert_int_equal(f->p.n, 3);
    assert_param(&f->p, 0, "q", "hello world!");
    assert_param(&f->p, 1, "a b", "+&=%");
    assert_param(&f->p, 2, "z", "中 x");
}

static void
test_url_empty_value_and_no_equals(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "a=&flag&b=2&c=="), PARSE_OK);
    assert_int_equal(f->p.n, 4);
    assert_param(&f->p, 0, "a", "");
    assert_param(&f->p, 1, "flag", "");
    assert_param(&f->p, 2, "b", "2");
    assert_param(&f->p, 3, "c", "=");
}

static void
test_url_empty_pairs(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "&&a=1&&&b=2&"), PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_param(&f->p, 0, "a", "1");
    assert_param(&f->p, 1, "b", "2");
}

static void
test_url_empty_name_refused(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "=value"), PARSE_MALFORMED);
}

static void
test_url_duplicates_first_wins(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "k=first&k=second"), PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_string_equal(params_get(&f->p, "k"), "first");
}

static void
test_url_bad_escapes(void **state)
{
    static const char *const bad[] = {
        "a=%G1", "a=%1G", "a=%4",   "a=%",   "a=x%",
        "%ZZ=1", "a%=1",  "a=%%41", "a=% 1", "a=1&b=%4",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fx *f = *state;
        f->p.n = 0;
        enum parse_err e = urlenc(f, bad[i]);
        if (e != PARSE_MALFORMED)
            fail_msg("\"%s\": got %d, want PARSE_MALFORMED", bad[i], e);
    }
}

/* The length bounds the input: a '%' at the end of the given length must
 * not read the bytes after it. */
static void
test_url_respects_length(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc_n(f, "a=1&b=2", 3), PARSE_OK);
    assert_int_equal(f->p.n, 1);
    assert_param(&f->p, 0, "a", "1");
    f->p.n = 0;
    assert_int_equal(urlenc_n(f, "a=%41", 4), PARSE_MALFORMED);
}

static void
test_url_invalid_utf8(void **state)
{
    static const char *const bad[] = {
        "a=%C3%28",       /* 2-byte lead, bad continuation */
        "a=%C0%AF",       /* overlong '/' */
        "a=%E0%80%AF",    /* overlong, 3 bytes */
        "a=%F0%80%80%AF", /* overlong, 4 bytes */
        "a=%ED%A0%80",    /* UTF-16 surrogate D800 */
        "a=%ED%BF%BF",    /* surrogate DFFF */
        "a=%F4%90%80%80", /* U+110000 */
        "a=%FF",          /* never valid */
        "a=%80",          /* lone continuation */
        "a=%E4%B8",       /* truncated */
        "a=%00",          /* NUL */
        "a=x%00y",        /* embedded NUL */
        "a=%01",          /* C0 control */
        "a=%1B%5B2J",     /* ESC */
        "a=%7F",          /* DEL */
        "%FF=1",          /* the name is checked too */
        "a%00b=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fx *f = *state;
        f->p.n = 0;
        enum parse_err e = urlenc(f, bad[i]);
        if (e != PARSE_UTF8)
            fail_msg("\"%s\": got %d, want PARSE_UTF8", bad[i], e);
    }
}

/* Raw (unescaped) bytes are checked the same way. */
static void
test_url_raw_bytes(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "a=\xff"), PARSE_UTF8);
    f->p.n = 0;
    assert_int_equal(urlenc_n(f, "a=x\0y", 5), PARSE_UTF8);
    f->p.n = 0;
    assert_int_equal(urlenc(f, "a=\x01"), PARSE_UTF8);
    f->p.n = 0;
    assert_int_equal(urlenc(f, "名=值"), PARSE_OK);
    assert_param(&f->p, 0, "名", "值");
}

static void
test_url_tab_lf_cr_allowed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(urlenc(f, "t=a%09b%0Ac%0D%0Ad"), PARSE_OK);
    assert_int_equal(f->p.n, 1);
    assert_param(&f->p, 0, "t", "a\tb\nc\r\nd");
}

static void
test_url_too_many(void **state)
{
    struct fx *f = *state;
    struct arena *a = &f->a;
    char *s = arena_strdup(a, "");
    for (int i = 0; i < PARSE_MAX_FIELDS; i++)
        s = arena_printf(a, "%s%sf%d=%d", s, i ? "&" : "", i, i);
    assert_int_equal(urlenc(f, s), PARSE_OK);
    assert_int_equal(f->p.n, PARSE_MAX_FIELDS);
    assert_string_equal(params_get(&f->p, "f199"), "199");

    f->p.n = 0;
    char *more = arena_printf(a, "%s&one=more", s);
    assert_int_equal(urlenc(f, more), PARSE_TOOMANY);

    /* Empty pairs are not fields. */
    f->p.n = 0;
    char *amps = arena_printf(a, "%s&&&&&&&&", s);
    assert_int_equal(urlenc(f, amps), PARSE_OK);
}

static void
test_url_name_too_long(void **state)
{
    struct fx *f = *state;
    char name[PARSE_MAX_NAME + 2];
    memset(name, 'n', sizeof(name) - 1);
    name[PARSE_MAX_NAME] = '\0';
    char *ok = arena_printf(&f->a, "%s=v", name);
    assert_int_equal(urlenc(f, ok), PARSE_OK);
    assert_param(&f->p, 0, name, "v");

    name[PARSE_MAX_NAME] = 'n';
    name[PARSE_MAX_NAME + 1] = '\0';
    f->p.n = 0;
    char *bad = arena_printf(&f->a, "%s=v", name);
    assert_int_equal(urlenc(f, bad), PARSE_TOOLONG);
    f->p.n = 0;
    assert_int_equal(urlenc(f, name), PARSE_TOOLONG); /* no '=' */

    /* The limit applies to the decoded name: 64 x "%41" is 64 bytes. */
    char *esc = arena_strdup(&f->a, "");
    for (int i = 0; i < PARSE_MAX_NAME; i++)
        esc = arena_printf(&f->a, "%s%%41", esc);
    f->p.n = 0;
    assert_int_equal(urlenc(f, arena_printf(&f->a, "%s=1", esc)), PARSE_OK);
    f->p.n = 0;
    assert_int_equal(urlenc(f, arena_printf(&f->a, "%s%%41=1", esc)),
                     PARSE_TOOLONG);
}

static void
test_url_chinese_round_trip(void **state)
{
    struct fx *f = *state;
    const char *title = "关于 2024 年度政府信息公开工作报告（征求意见稿）";
    const char *body = "第一条\n为了保障公民、法人和其他组织依法获取政府信息，"
                       "提高政府工作的透明度 & <b>“法治政府”</b>。😀";
    char *s = arena_printf(&f->a, "title=%s&body=%s", form_encode(&f->a, title),
                           form_encode(&f->a, body));
    assert_int_equal(urlenc(f, s), PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_param(&f->p, 0, "title", title);
    assert_param(&f->p, 1, "body", body);
    assert_int_equal(utf8_chars(f->p.v[0].val, f->p.v[0].len), 27);
}

/* ---------------------------------------------------------------- */
/* cookies                                                           */
/* ---------------------------------------------------------------- */

static void
test_cookie_pairs(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cookies(f, "gk_s=abc.DEF-123_; gk_pre=xyz; theme=dark"),
                     PARSE_OK);
    assert_int_equal(f->p.n, 3);
    assert_param(&f->p, 0, "gk_s", "abc.DEF-123_");
    assert_param(&f->p, 1, "gk_pre", "xyz");
    assert_param(&f->p, 2, "theme", "dark");
}

static void
test_cookie_spaces(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cookies(f, "  a=1 ;\tb=2\t;c=3;   d=4  "), PARSE_OK);
    assert_int_equal(f->p.n, 4);
    assert_param(&f->p, 0, "a", "1");
    assert_param(&f->p, 1, "b", "2");
    assert_param(&f->p, 2, "c", "3");
    assert_param(&f->p, 3, "d", "4");
}

static void
test_cookie_pair_without_equals_ignored(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cookies(f, "junk; a=1; =nokey; ;; b=; c=x=y"), PARSE_OK);
    assert_int_equal(f->p.n, 3);
    assert_param(&f->p, 0, "a", "1");
    assert_param(&f->p, 1, "b", "");
    assert_param(&f->p, 2, "c", "x=y");
    assert_null(params_get(&f->p, "junk"));
    assert_null(params_get(&f->p, ""));
}

static void
test_cookie_empty(void **state)
{
    struct fx *f = *state;
    assert_int_equal(cookies(f, ""), PARSE_OK);
    assert_int_equal(f->p.n, 0);
    assert_int_equal(cookies(f, "   "), PARSE_OK);
    assert_int_equal(f->p.n, 0);
    assert_int_equal(cookies(f, ";"), PARSE_OK);
    assert_int_equal(f->p.n, 0);
}

static void
test_cookie_name_too_long(void **state)
{
    struct fx *f = *state;
    char name[PARSE_MAX_NAME + 2];
    memset(name, 'c', sizeof(name) - 1);
    name[PARSE_MAX_NAME] = '\0';
    assert_int_equal(cookies(f, arena_printf(&f->a, "a=1; %s=2", name)),
                     PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_string_equal(params_get(&f->p, name), "2");

    f->p.n = 0;
    name[PARSE_MAX_NAME] = 'c';
    name[PARSE_MAX_NAME + 1] = '\0';
    /* A cookie we cannot use is skipped; the others still arrive. */
    assert_int_equal(cookies(f, arena_printf(&f->a, "a=1; %s=2; b=3", name)),
                     PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_string_equal(params_get(&f->p, "a"), "1");
    assert_string_equal(params_get(&f->p, "b"), "3");
}

static void
test_cookie_invalid_utf8(void **state)
{
    struct fx *f = *state;
    /* Another site's broken cookie must not lock the browser out: the
     * bad pairs are dropped, the good one kept. */
    assert_int_equal(cookies(f, "a=\xc3\x28; \xff=1; c=x\x01y; gk=ok"),
                     PARSE_OK);
    assert_int_equal(f->p.n, 1);
    assert_string_equal(params_get(&f->p, "gk"), "ok");
    assert_null(params_get(&f->p, "a"));
    assert_null(params_get(&f->p, "c"));
}

static void
test_cookie_too_many(void **state)
{
    struct fx *f = *state;
    char *s = arena_strdup(&f->a, "");
    for (int i = 0; i < PARSE_MAX_FIELDS; i++)
        s = arena_printf(&f->a, "%s%sc%d=%d", s, i ? "; " : "", i, i);
    assert_int_equal(cookies(f, s), PARSE_OK);
    assert_int_equal(f->p.n, PARSE_MAX_FIELDS);
    f->p.n = 0;
    assert_int_equal(cookies(f, arena_printf(&f->a, "%s; x=1", s)), PARSE_OK);
    assert_int_equal(f->p.n, PARSE_MAX_FIELDS);
    assert_null(params_get(&f->p, "x"));
}

/* ---------------------------------------------------------------- */
/* multipart                                                         */
/* ---------------------------------------------------------------- */

#define CT   "multipart/form-data; boundary=----gkBoundary7MA4YWxk"
#define B    "------gkBoundary7MA4YWxk"
#define CRLF "\r\n"
#define TEXT_PART(name, value)                                                 \
    B CRLF "Content-Disposition: form-data; name=\"" name                      \
           "\"" CRLF CRLF value CRLF

static void
test_mp_text_fields(void **state)
{
    struct fx *f = *state;
    /* clang-format off */
    const char *body =
        TEXT_PART("title", "政务公开")
        TEXT_PART("body", "line one\r\nline two\nthree")
        TEXT_PART("empty", "")
        B "--" CRLF;
    /* clang-format on */
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->p.n, 3);
    assert_int_equal(f->files.n, 0);
    assert_param(&f->p, 0, "title", "政务公开");
    assert_param(&f->p, 1, "body", "line one\r\nline two\nthree");
    assert_param(&f->p, 2, "empty", "");
}

/* The CRLF before a delimiter belongs to the delimiter; a value's own
 * trailing CRLF is kept; preamble and epilogue are ignored. */
static void
test_mp_crlf_preamble_epilogue(void **state)
{
    struct fx *f = *state;
    /* clang-format off */
    const char *body =
        "This is the preamble." CRLF
        TEXT_PART("v", "ends with crlf" CRLF)
        TEXT_PART("w", "------gkBoundary7MA4YWxk not after CRLF")
        B "--" CRLF
        "epilogue " B CRLF "garbage";
    /* clang-format on */
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->p.n, 2);
    assert_param(&f->p, 0, "v", "ends with crlf" CRLF);
    assert_param(&f->p, 1, "w", "------gkBoundary7MA4YWxk not after CRLF");
}

static void
test_mp_lf_only_refused(void **state)
{
    struct fx *f = *state;
    const char *body = B "\nContent-Disposition: form-data; name=\"a\"\n\n"
                         "x\n" B "--\n";
    assert_int_equal(multipart(f, CT, body), PARSE_MALFORMED);
}

static void
test_mp_file_part(void **state)
{
    struct fx *f = *state;
    static const char body[] =
        B CRLF "Content-Disposition: form-data; name=\"note\"" CRLF CRLF
               "see attachment" CRLF B CRLF
               "Content-Disposition: form-data; name=\"doc\"; "
               "filename=\"报告 2024.pdf\"" CRLF
               "Content-Type: application/pdf" CRLF CRLF
               "%PDF-1.7\x00\xff\xfe\x80\r\n\x01binary" CRLF B "--" CRLF;
    static const char data[] = "%PDF-1.7\x00\xff\xfe\x80\r\n\x01binary";
    assert_int_equal(multipart_n(f, CT, body, sizeof(body) - 1), PARSE_OK);
    assert_int_equal(f->p.n, 1);
    assert_param(&f->p, 0, "note", "see attachment");
    assert_int_equal(f->files.n, 1);
    const struct upload *u = &f->files.v[0];
    assert_string_equal(u->field, "doc");
    assert_string_equal(u->filename, "报告 2024.pdf");
    assert_string_equal(u->ctype, "application/pdf");
    assert_int_equal(u->len, sizeof(data) - 1);
    assert_memory_equal(u->data, data, sizeof(data) - 1);
    /* A file is not a text field. */
    assert_null(params_get(&f->p, "doc"));
}

static void
test_mp_file_default_ctype(void **state)
{
    struct fx *f = *state;
    const char *body = B CRLF
        "Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"" CRLF
            CRLF "hello" CRLF B "--";
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->files.n, 1);
    assert_string_equal(f->files.v[0].ctype, "application/octet-stream");
    assert_int_equal(f->files.v[0].len, 5);
}

/* What a browser sends for a file input left empty. */
static void
test_mp_empty_file_input_skipped(void **state)
{
    struct fx *f = *state;
    const char *body = TEXT_PART("a", "1") B CRLF
        "Content-Disposition: form-data; name=\"attach\"; filename=\"\"" CRLF
        "Content-Type: application/octet-stream" CRLF CRLF CRLF TEXT_PART(
            "b", "2") B "--" CRLF;
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->files.n, 0);
    assert_int_equal(f->p.n, 2);
    assert_null(params_get(&f->p, "attach"));
    assert_string_equal(params_get(&f->p, "b"), "2");
}

static void
test_mp_missing_boundary(void **state)
{
    struct fx *f = *state;
    const char *body = TEXT_PART("a", "1") B "--";
    assert_int_equal(multipart(f, "multipart/form-data", body),
                     PARSE_MALFORMED);
    assert_int_equal(multipart(f, "multipart/form-data; charset=utf-8", body),
                     PARSE_MALFORMED);
    assert_int_equal(multipart(f, "multipart/form-data; boundary=", body),
                     PARSE_MALFORMED);
    assert_int_equal(multipart(f, "multipart/form-data; boundary=\"\"", body),
                     PARSE_MALFORMED);
    assert_int_equal(multipart(f, "multipart/form-data; boundary=\"abc", body),
                     PARSE_MALFORMED);
    assert_int_equal(f->p.n, 0);
}

static void
test_mp_boundary_length(void **state)
{
    struct fx *f = *state;
    char bnd[72];
    memset(bnd, 'b', 70);
    bnd[70] = '\0';
    const char *ct =
        arena_printf(&f->a, "multipart/form-data; boundary=%s", bnd);
    const char *body = arena_printf(
        &f->a,
        "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
        "1\r\n--%s--",
        bnd, bnd);
    assert_int_equal(multipart(f, ct, body), PARSE_OK);
    assert_string_equal(params_get(&f->p, "a"), "1");

    bnd[70] = 'b';
    bnd[71] = '\0';
    f->p.n = 0;
    ct = arena_printf(&f->a, "multipart/form-data; boundary=%s", bnd);
    body = arena_printf(
        &f->a,
        "--%s\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
        "1\r\n--%s--",
        bnd, bnd);
    assert_int_equal(multipart(f, ct, body), PARSE_MALFORMED);
}

static void
test_mp_boundary_quoted(void **state)
{
    struct fx *f = *state;
    const char *ct =
        "multipart/form-data; BOUNDARY=\"----gkBoundary7MA4YWxk\"; x=y";
    const char *body = TEXT_PART("a", "quoted") B "--";
    assert_int_equal(multipart(f, ct, body), PARSE_OK);
    assert_int_equal(f->p.n, 1);
    assert_param(&f->p, 0, "a", "quoted");

    /* Boundary parameter not first, no space after ';'. */
    f->p.n = 0;
    assert_int_equal(
        multipart(
            f,
            "multipart/form-data;charset=UTF-8;boundary=----gkBoundary7MA4YWxk",
            body),
        PARSE_OK);
    assert_int_equal(f->p.n, 1);
}

static void
test_mp_no_closing_delimiter(void **state)
{
    static const char *const bad[] = {
        TEXT_PART("a", "1"), /* ends after value */
        B CRLF "Content-Disposition: form-data; name=\"a\"" CRLF CRLF "1",
        TEXT_PART("a", "1") B, /* delimiter, no -- */
        TEXT_PART("a", "1") B "-",
        TEXT_PART("a", "1") B "xx",
        B CRLF "Content-Disposition: form-data; name=\"a\"", /* no blank */
        B,
        "",
        "no boundary at all",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fx *f = *state;
        f->p.n = 0;
        enum parse_err e = multipart(f, CT, bad[i]);
        if (e != PARSE_MALFORMED)
            fail_msg("case %zu: got %d, want PARSE_MALFORMED", i, e);
    }
}

static void
test_mp_part_without_name(void **state)
{
    static const char *const bad[] = {
        B CRLF "Content-Disposition: form-data" CRLF CRLF "x" CRLF B "--",
        B CRLF "Content-Disposition: form-data; filename=\"a.txt\"" CRLF CRLF
               "x" CRLF B "--",
        B CRLF "Content-Disposition: form-data; name=\"\"" CRLF CRLF "x" CRLF B
               "--",
        B CRLF "Content-Type: text/plain" CRLF CRLF "x" CRLF B "--",
        B CRLF "Content-Disposition form-data; name=\"a\"" CRLF CRLF "x" CRLF B
               "--",                 /* header line without ':' */
        B CRLF CRLF "x" CRLF B "--", /* no headers at all */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fx *f = *state;
        f->p.n = 0;
        f->files.n = 0;
        enum parse_err e = multipart(f, CT, bad[i]);
        if (e != PARSE_MALFORMED)
            fail_msg("case %zu: got %d, want PARSE_MALFORMED", i, e);
    }
}

static void
test_mp_header_names_case_insensitive(void **state)
{
    struct fx *f = *state;
    const char *body = B CRLF
        "content-disposition: form-data; NAME=\"up\"; FileName=\"x.png\"" CRLF
        "CONTENT-TYPE:image/png" CRLF CRLF "\x89PNG" CRLF B "--";
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->files.n, 1);
    assert_string_equal(f->files.v[0].field, "up");
    assert_string_equal(f->files.v[0].filename, "x.png");
    assert_string_equal(f->files.v[0].ctype, "image/png");
}

static void
test_mp_text_utf8_vs_file_binary(void **state)
{
    struct fx *f = *state;
    const char *text = TEXT_PART("a", "bad \xc3\x28 byte") B "--";
    assert_int_equal(multipart(f, CT, text), PARSE_UTF8);

    f->p.n = 0;
    static const char nul[] = TEXT_PART("a", "x\0y") B "--";
    assert_int_equal(multipart_n(f, CT, nul, sizeof(nul) - 1), PARSE_UTF8);

    f->p.n = 0;
    f->files.n = 0;
    const char *file = B CRLF
        "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"" CRLF
            CRLF "bad \xc3\x28 byte \xff\xfe" CRLF B "--";
    assert_int_equal(multipart(f, CT, file), PARSE_OK);
    assert_int_equal(f->files.n, 1);
    assert_int_equal(f->files.v[0].len, strlen("bad \xc3\x28 byte \xff\xfe"));

    /* Invalid UTF-8 in a field name or a filename is refused. */
    f->files.n = 0;
    const char *badname =
        B CRLF "Content-Disposition: form-data; name=\"\xff\"" CRLF CRLF
               "x" CRLF B "--";
    assert_int_equal(multipart(f, CT, badname), PARSE_UTF8);
    const char *badfile = B CRLF
        "Content-Disposition: form-data; name=\"f\"; filename=\"\xc0\xaf\"" CRLF
            CRLF "x" CRLF B "--";
    assert_int_equal(multipart(f, CT, badfile), PARSE_UTF8);
}

static char *
file_parts(struct arena *a, int nfiles)
{
    char *s = arena_strdup(a, "");
    for (int i = 0; i < nfiles; i++)
        s = arena_printf(a,
                         "%s" B CRLF
                         "Content-Disposition: form-data; name=\"f%d\"; "
                         "filename=\"f%d.txt\"" CRLF CRLF "data %d" CRLF,
                         s, i, i, i);
    return arena_printf(a, "%s" B "--" CRLF, s);
}

static void
test_mp_too_many_files(void **state)
{
    struct fx *f = *state;
    assert_int_equal(multipart(f, CT, file_parts(&f->a, PARSE_MAX_FILES)),
                     PARSE_OK);
    assert_int_equal(f->files.n, PARSE_MAX_FILES);
    assert_string_equal(f->files.v[PARSE_MAX_FILES - 1].filename, "f9.txt");
    assert_memory_equal(f->files.v[3].data, "data 3", 6);

    f->files.n = 0;
    assert_int_equal(multipart(f, CT, file_parts(&f->a, PARSE_MAX_FILES + 1)),
                     PARSE_TOOMANY);
    assert_true(f->files.n <= PARSE_MAX_FILES);
}

static void
test_mp_too_many_fields(void **state)
{
    struct fx *f = *state;
    char *s = arena_strdup(&f->a, "");
    for (int i = 0; i <= PARSE_MAX_FIELDS; i++)
        s = arena_printf(&f->a,
                         "%s" B CRLF "Content-Disposition: form-data; "
                         "name=\"t%d\"" CRLF CRLF "%d" CRLF,
                         s, i, i);
    s = arena_printf(&f->a, "%s" B "--", s);
    assert_int_equal(multipart(f, CT, s), PARSE_TOOMANY);
}

static void
test_mp_name_too_long(void **state)
{
    struct fx *f = *state;
    char name[PARSE_MAX_NAME + 2];
    memset(name, 'm', PARSE_MAX_NAME + 1);
    name[PARSE_MAX_NAME + 1] = '\0';
    const char *body = arena_printf(
        &f->a,
        B CRLF "Content-Disposition: form-data; name=\"%s\"" CRLF CRLF
               "x" CRLF B "--",
        name);
    assert_int_equal(multipart(f, CT, body), PARSE_TOOLONG);
    name[PARSE_MAX_NAME] = '\0';
    body = arena_printf(&f->a,
                        B CRLF
                        "Content-Disposition: form-data; name=\"%s\"" CRLF CRLF
                        "x" CRLF B "--",
                        name);
    f->p.n = 0;
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_string_equal(params_get(&f->p, name), "x");
}

/* Browsers quote the filename and escape only '"', CR and LF in it (HTML
 * "multipart/form-data encoding algorithm"), so a file called "a;b.txt"
 * arrives as filename="a;b.txt" and must stay a file upload. */
static void
test_mp_filename_with_semicolon(void **state)
{
    struct fx *f = *state;

    const char *body = B CRLF "Content-Disposition: form-data; name=\"doc\"; "
                              "filename=\"minutes; draft.pdf\"" CRLF
                              "Content-Type: application/pdf" CRLF CRLF
                              "%PDF\xff\xfe" CRLF B "--";
    assert_int_equal(multipart(f, CT, body), PARSE_OK);
    assert_int_equal(f->files.n, 1);
    assert_string_equal(f->files.v[0].filename, "minutes; draft.pdf");
    assert_int_equal(f->p.n, 0);
}

/* ---------------------------------------------------------------- */
/* UTF-8                                                             */
/* ---------------------------------------------------------------- */

static void
test_utf8_valid(void **state)
{
    (void)state;
    static const char *const good[] = {
        "",
        "plain ascii ~!@#$%^&*()",
        "tab\there, lf\nhere, cr\rhere",
        "\xc2\x80",     /* U+0080, smallest 2-byte */
        "\xdf\xbf",     /* U+07FF */
        "\xe0\xa0\x80", /* U+0800, smallest 3-byte */
        "政务公开",
        "\xed\x9f\xbf",     /* U+D7FF, just below surrogates */
        "\xee\x80\x80",     /* U+E000, just above surrogates */
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xf0\x90\x80\x80", /* U+10000, smallest 4-byte */
        "\xf0\x9f\x98\x80", /* U+1F600 emoji */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF, the last code point */
        "\xe3\x80\x80",     /* U+3000 ideographic space */
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (!utf8_text_valid(good[i], strlen(good[i])))
            fail_msg("case %zu should be valid", i);
}

static void
test_utf8_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80", /* lone continuation */
        "\xbf",
        "\xc0\x80",         /* overlong NUL */
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong 3-byte */
        "\xe0\x9f\xbf",     /* overlong U+07FF */
        "\xf0\x80\x80\xaf", /* overlong 4-byte */
        "\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
        "\xed\xa0\x80",     /* surrogate U+D800 */
        "\xed\xbf\xbf",     /* surrogate U+DFFF */
        "\xf4\x90\x80\x80", /* U+110000 */
        "\xf5\x80\x80\x80", /* lead byte past U+10FFFF */
        "\xf7\xbf\xbf\xbf",
        "\xf8\x88\x80\x80\x80", /* 5-byte form */
        "\xfe",
        "\xff",
        "\xc3\x28",     /* bad continuation */
        "\xe4\xb8",     /* truncated 3-byte */
        "\xf0\x9f\x98", /* truncated 4-byte */
        "abc\xe4",      /* truncated at the end */
        "\xe4\x28\xad",
        "\x01",
        "\x1b",
        "\x7f",
        "ok\x0bno", /* vertical tab */
        "\x0c",     /* form feed */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (utf8_text_valid(bad[i], strlen(bad[i])))
            fail_msg("case %zu should be invalid", i);
    /* NUL inside the length. */
    assert_false(utf8_text_valid("a\0b", 3));
    assert_true(utf8_text_valid("a\0b", 1));
    /* The length cuts a valid character short. */
    assert_false(utf8_text_valid("中", 2));
    assert_false(utf8_text_valid("\xf0\x9f\x98\x80", 3));
}

/* The check stays inside the given length (heap copy, exact size). */
static void
test_utf8_exact_buffer(void **state)
{
    struct fx *f = *state;
    const char *p = exact(f, "\xe4\xb8\xad\xe4", 4);
    assert_false(utf8_text_valid(p, 4));
    assert_true(utf8_text_valid(p, 3));
    const char *q = exact(f, "\xf0", 1);
    assert_false(utf8_text_valid(q, 1));
}

static void
test_utf8_chars(void **state)
{
    (void)state;
    assert_int_equal(utf8_chars("", 0), 0);
    assert_int_equal(utf8_chars("abc", 3), 3);
    assert_int_equal(utf8_chars("中文", strlen("中文")), 2);
    assert_int_equal(utf8_chars("\xf0\x9f\x98\x80", 4), 1);
    assert_int_equal(utf8_chars("a中\xf0\x9f\x98\x80\xc2\xa9!", 11), 5);
    assert_int_equal(utf8_chars("中文", 3), 1);
}

static void
test_strerror(void **state)
{
    (void)state;
    for (int i = 0; i < PARSE__MAX; i++) {
        const char *s = parse_strerror((enum parse_err)i);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(s, parse_strerror((enum parse_err)k));
    }
    assert_string_equal(parse_strerror(PARSE__MAX), "unknown");
}

static void
test_params_add_grows(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 1000; i++)
        params_add(&f->a, &f->p, arena_printf(&f->a, "k%d", i),
                   arena_printf(&f->a, "v%d", i), 0);
    assert_int_equal(f->p.n, 1000);
    assert_true(f->p.cap >= 1000);
    assert_string_equal(params_get(&f->p, "k0"), "v0");
    assert_string_equal(params_get(&f->p, "k999"), "v999");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_url_plain),
        T(test_url_empty_input),
        T(test_url_plus_and_percent),
        T(test_url_empty_value_and_no_equals),
        T(test_url_empty_pairs),
        T(test_url_empty_name_refused),
        T(test_url_duplicates_first_wins),
        T(test_url_bad_escapes),
        T(test_url_respects_length),
        T(test_url_invalid_utf8),
        T(test_url_raw_bytes),
        T(test_url_tab_lf_cr_allowed),
        T(test_url_too_many),
        T(test_url_name_too_long),
        T(test_url_chinese_round_trip),
        T(test_cookie_pairs),
        T(test_cookie_spaces),
        T(test_cookie_pair_without_equals_ignored),
        T(test_cookie_empty),
        T(test_cookie_name_too_long),
        T(test_cookie_invalid_utf8),
        T(test_cookie_too_many),
        T(test_mp_text_fields),
        T(test_mp_crlf_preamble_epilogue),
        T(test_mp_lf_only_refused),
        T(test_mp_file_part),
        T(test_mp_file_default_ctype),
        T(test_mp_empty_file_input_skipped),
        T(test_mp_missing_boundary),
        T(test_mp_boundary_length),
        T(test_mp_boundary_quoted),
        T(test_mp_no_closing_delimiter),
        T(test_mp_part_without_name),
        T(test_mp_header_names_case_insensitive),
        T(test_mp_text_utf8_vs_file_binary),
        T(test_mp_too_many_files),
        T(test_mp_too_many_fields),
        T(test_mp_name_too_long),
        T(test_mp_filename_with_semicolon),
        T(test_utf8_valid),
        T(test_utf8_invalid),
        T(test_utf8_exact_buffer),
        T(test_utf8_chars),
        T(test_strerror),
        T(test_params_add_grows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
