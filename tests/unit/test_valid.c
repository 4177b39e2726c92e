/*
 * Unit tests for fcgi/valid.c: login validation and normalisation, masks,
 * trimming, integers and "next" redirect targets.
 */
#include "unit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "valid.h"

#define IDSP "\xe3\x80\x80" /* U+3000 IDEOGRAPHIC SPACE */

static void
expect_login(struct arena *a, const char *in, enum login_kind kind,
             const char *norm)
{
    const char *got = "untouched";
    enum login_kind k = valid_login(a, in, &got);
    if (k != kind)
        fail_msg("\"%s\": kind %d, want %d", in ? in : "(null)", k, kind);
    if (norm != NULL && strcmp(got, norm) != 0)
        fail_msg("\"%s\": normalised to \"%s\", want \"%s\"", in, got, norm);
}

static void
test_login_mobile(void **state)
{
    struct arena *a = *state;
    static const char *const ok[] = {
        "13800138000",           "138 0013 8000",     "138-0013-8000",
        "+86 13800138000",       "+8613800138000",    "8613800138000",
        "86 138 0013 8000",      "+86-138-0013-8000", " 13800138000 ",
        IDSP "13800138000" IDSP,
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        expect_login(a, ok[i], LOGIN_MOBILE, "13800138000");
    expect_login(a, "19912345678", LOGIN_MOBILE, "19912345678");
    expect_login(a, "16600000000", LOGIN_MOBILE, "16600000000");
}

static void
test_login_mobile_invalid(void **state)
{
    struct arena *a = *state;
    static const char *const bad[] = {
        "12800138000", /* second digit 2 */
        "10800138000",
        "23800138000",  /* not starting with 1 */
        "1380013800",   /* 10 digits */
        "138001380000", /* 12 digits */
        "+86 12800138000",
        "86 1380013800",
        "138a0013800",
        "138.0013.8000",
        "１３８００１３８０００", /* full-width digits */
        "",
        "   ",
        "+",
        "86",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_login(a, bad[i], LOGIN_INVALID, NULL);
    expect_login(a, NULL, LOGIN_INVALID, NULL);
}

/* The only international prefix tolerated is +86: "+1 380 013 8000" is a
 * North American number, not the mainland mobile 13800138000. */
static void
test_login_plus_needs_86(void **state)
{
    struct arena *a = *state;

    expect_login(a, "+13800138000", LOGIN_INVALID, NULL);
    expect_login(a, "+1 380 0138 000", LOGIN_INVALID, NULL);
}

static void
test_login_email(void **state)
{
    struct arena *a = *state;
    expect_login(a, "Name@Example.COM ", LOGIN_EMAIL, "name@example.com");
    expect_login(a, IDSP " Zhang.San+gov@Sub.Example.cn\t", LOGIN_EMAIL,
                 "zhang.san+gov@sub.example.cn");
    expect_login(a, "a@b.cn", LOGIN_EMAIL, "a@b.cn");
}

static void
test_login_email_invalid(void **state)
{
    struct arena *a = *state;
    static const char *const bad[] = {
        "a@b",         "@x.cn",           "a@@b.cn",     "a b@c.cn",
        "a@.cn",       "a@b.cn.",         "a<b>@c.cn",   "a\"b@c.cn",
        "a@b,c.cn",    "a;b@c.cn",        "ab.cn",       "a@b@c.cn",
        "a\\b@c.cn",   "张三@example.cn", "a@例子.中国", "a\x01@b.cn",
        "a@[1.2.3.4]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        expect_login(a, bad[i], LOGIN_INVALID, NULL);

    /* Length limit: 254 characters at most. */
    char longmail[300];
    memset(longmail, 'x', sizeof(longmail));
    memcpy(longmail + 250 - 5, "@b.cn", 6); /* 250 chars */
    expect_login(a, longmail, LOGIN_EMAIL, NULL);
    memset(longmail, 'x', sizeof(longmail));
    memcpy(longmail + 255 - 5, "@b.cn", 6); /* 255 chars */
    expect_login(a, longmail, LOGIN_INVALID, NULL);
}

static void
test_mask_login(void **state)
{
    struct arena *a = *state;
    assert_string_equal(mask_login(a, "13800138000", LOGIN_MOBILE),
                        "138****8000");
    assert_string_equal(mask_login(a, "name@example.com", LOGIN_EMAIL),
                        "n***@example.com");
    assert_string_equal(mask_login(a, "a@b.cn", LOGIN_EMAIL), "a***@b.cn");
    /* Staff logins are shown as they are. */
    assert_string_equal(mask_login(a, "li.si", LOGIN_INVALID), "li.si");
    /* A mask never contains the hidden digits. */
    const char *m = mask_login(a, "13912345678", LOGIN_MOBILE);
    assert_string_equal(m, "139****5678");
    assert_null(strstr(m, "1234"));
}

static void
test_mask_phone(void **state)
{
    struct arena *a = *state;
    assert_string_equal(mask_phone(a, "13800138000"), "138****8000");
    assert_string_equal(mask_phone(a, "1234567"), "123****4567");
    assert_string_equal(mask_phone(a, "123456"), "****");
    assert_string_equal(mask_phone(a, ""), "****");
}

static void
test_mask_name(void **state)
{
    struct arena *a = *state;
    assert_string_equal(mask_name(a, "张三丰"), "张**");
    assert_string_equal(mask_name(a, "李"), "李");
    assert_string_equal(mask_name(a, ""), "");
    assert_string_equal(mask_name(a, "Li Si"), "L****");
}

static void
test_trim(void **state)
{
    struct arena *a = *state;
    assert_string_equal(valid_trim(a, "  abc  "), "abc");
    assert_string_equal(valid_trim(a, "\t\r\n abc \n"), "abc");
    assert_string_equal(valid_trim(a, IDSP IDSP "政务" IDSP " "), "政务");
    assert_string_equal(valid_trim(a, " " IDSP " x " IDSP IDSP), "x");
    /* Inner spaces stay. */
    assert_string_equal(valid_trim(a, IDSP "a" IDSP "b c" IDSP),
                        "a" IDSP "b c");
    assert_string_equal(valid_trim(a, IDSP IDSP), "");
    assert_string_equal(valid_trim(a, "   "), "");
    assert_string_equal(valid_trim(a, ""), "");
    assert_string_equal(valid_trim(a, NULL), "");
    /* Other characters sharing the E3 80 prefix are not spaces. */
    assert_string_equal(valid_trim(a, "\xe3\x80\x81x\xe3\x80\x82"),
                        "\xe3\x80\x81x\xe3\x80\x82"); /* 、x。 */
    /* A truncated sequence at either end is left alone. */
    assert_string_equal(valid_trim(a, "\xe3\x80"), "\xe3\x80");
    assert_string_equal(valid_trim(a, "x\xe3"), "x\xe3");
    /* The result is a copy. */
    const char *src = "keep";
    assert_ptr_not_equal(valid_trim(a, src), src);
}

static void
test_staff_login(void **state)
{
    struct arena *a = *state;
    assert_string_equal(valid_staff_login(a, " Li.Si_01 "), "li.si_01");
    assert_string_equal(valid_staff_login(a, "abc"), "abc");
    assert_null(valid_staff_login(a, "ab"));
    assert_null(valid_staff_login(a, "li si"));
    assert_null(valid_staff_login(a, "li@si"));
    assert_null(valid_staff_login(a, "李四abc"));
    assert_null(valid_staff_login(a, ""));
    char s[40];
    memset(s, 'a', 32);
    s[32] = '\0';
    assert_non_null(valid_staff_login(a, s));
    s[32] = 'a';
    s[33] = '\0';
    assert_null(valid_staff_login(a, s));
}

static void
test_chars(void **state)
{
    (void)state;
    assert_int_equal(valid_chars(""), 0);
    assert_int_equal(valid_chars("abc"), 3);
    assert_int_equal(valid_chars("政务公开abc"), 7);
    assert_int_equal(valid_chars("\xf0\x9f\x98\x80!"), 2);
}

static void
test_int(void **state)
{
    (void)state;
    long v = -12345;
    assert_true(valid_int("0", 0, 10, &v));
    assert_int_equal(v, 0);
    assert_true(valid_int("10", 0, 10, &v));
    assert_int_equal(v, 10);
    assert_true(valid_int("-5", -10, 10, &v));
    assert_int_equal(v, -5);

    v = 777;
    assert_false(valid_int("11", 0, 10, &v));
    assert_false(valid_int("-1", 0, 10, &v));
    assert_false(valid_int("", 0, 10, &v));
    assert_false(valid_int(NULL, 0, 10, &v));
    assert_false(valid_int("12a", 0, 100, &v));
    assert_false(valid_int("a", 0, 100, &v));
    assert_false(valid_int("1.5", 0, 100, &v));
    assert_false(valid_int("5 ", 0, 100, &v));
    assert_false(valid_int("0x10", 0, 100, &v));
    assert_int_equal(v, 777); /* untouched on failure */

    char buf[32];
    snprintf(buf, sizeof(buf), "%ld", LONG_MAX);
    assert_true(valid_int(buf, 0, LONG_MAX, &v));
    assert_int_equal(v, LONG_MAX);
    snprintf(buf, sizeof(buf), "%ld", LONG_MIN);
    assert_true(valid_int(buf, LONG_MIN, 0, &v));
    assert_true(v == LONG_MIN);
}

/* "Decimal integer": no sign other than '-', no leading whitespace, and a
 * value that does not fit is an error, not LONG_MAX. */
static void
test_int_strict(void **state)
{
    (void)state;

    long v = 0;
    assert_false(valid_int("99999999999999999999", 0, LONG_MAX, &v));
    assert_false(valid_int("-99999999999999999999", LONG_MIN, 0, &v));
    assert_false(valid_int(" 5", 0, 10, &v));
    assert_false(valid_int("\n5", 0, 10, &v));
    assert_false(valid_int("+5", 0, 10, &v));
}

static void
test_next(void **state)
{
    (void)state;
    static const char *const ok[] = {
        "/",           "/me",       "/policies/12?page=2&q=%E6%94%BF",
        "/a/b/c#frag", "/政务公开",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!valid_next(ok[i]))
            fail_msg("\"%s\" refused", ok[i]);
    static const char *const bad[] = {
        "",
        "me",
        "//evil.com",
        "//evil.com/me",
        "/\\evil.com",
        "/me\\..\\x",
        "\\\\evil.com",
        "http://x",
        "https://evil.com/",
        "javascript:alert(1)",
        "/me\r",
        "/me\rLocation: http://evil",
        "/me\nSet-Cookie: a=b",
        "/\t/evil.com",
        "/me\x7f",
        "/me\x01",
        " /me",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (valid_next(bad[i]))
            fail_msg("case %zu accepted", i);
    assert_false(valid_next(NULL));

    char longp[600];
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[512] = '\0';
    assert_true(valid_next(longp));
    longp[512] = 'a';
    longp[513] = '\0';
    assert_false(valid_next(longp));
}

static void
test_date(void **state)
{
    (void)state;
    assert_true(valid_date("2024-02-29")); /* leap year */
    assert_true(valid_date("2026-12-31"));
    assert_false(valid_date("2025-02-29")); /* not a leap year */
    assert_false(valid_date("2100-02-29")); /* century rule */
    assert_true(valid_date("2000-02-29"));  /* 400-year rule */
    assert_false(valid_date("2024-04-31"));
    assert_false(valid_date("2024-13-01"));
    assert_false(valid_date("2024-00-10"));
    assert_false(valid_date("2024-1-10"));
    assert_false(valid_date("2024/01/10"));
    assert_false(valid_date(" 2024-01-10"));
    assert_false(valid_date("2024-01-1x"));
    assert_false(valid_date(""));
    assert_false(valid_date(NULL));
}

static void
test_datetime(void **state)
{
    (void)state;
    char out[17];
    assert_true(valid_datetime("2024-08-15 09:30", out));
    assert_string_equal(out, "2024-08-15 09:30");
    /* What <input type="datetime-local"> sends. */
    assert_true(valid_datetime("2024-08-15T23:59", out));
    assert_string_equal(out, "2024-08-15 23:59");
    assert_false(valid_datetime("2024-08-15 24:00", out));
    assert_false(valid_datetime("2024-08-15 12:60", out));
    assert_false(valid_datetime("2024-02-30 12:00", out));
    assert_false(valid_datetime("2024-08-15 9:30", out));
    assert_false(valid_datetime("2024-08-15", out));
    assert_false(valid_datetime("2024-08-15 09:30:00", out));
    assert_false(valid_datetime(NULL, out));
}

static void
test_text(void **state)
{
    struct arena *a = *state;
    assert_string_equal(valid_text(a, "  养老服务  ", 1, 4), "养老服务");
    assert_null(valid_text(a, "养老服务补贴", 1, 4));    /* 6 characters */
    assert_null(valid_text(a, " \xe3\x80\x80 ", 1, 10)); /* only spaces */
    assert_string_equal(valid_text(a, NULL, 0, 10), "");
    assert_null(valid_text(a, NULL, 1, 10));
}

#define T(fn)                                                                  \
    cmocka_unit_test_setup_teardown(fn, unit_arena_setup, unit_arena_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_login_mobile),
        T(test_login_mobile_invalid),
        T(test_login_plus_needs_86),
        T(test_login_email),
        T(test_login_email_invalid),
        T(test_mask_login),
        T(test_mask_phone),
        T(test_mask_name),
        T(test_trim),
        T(test_staff_login),
        T(test_chars),
        T(test_int),
        T(test_int_strict),
        T(test_next),
        T(test_date),
        T(test_datetime),
        T(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
