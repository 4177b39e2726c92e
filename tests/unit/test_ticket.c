/*
 * Unit tests for fcgi/ticket.c (signed ticket codes of the Government Open
 * Month) and fcgi/openmonth_text.c (iCalendar lines, CSV cells).
 */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "openmonth.h"
#include "openmonth_text.h"
#include "ticket.h"

static int
setup(void **state)
{
    struct keys *ks = calloc(1, sizeof(*ks));
    if (ks == NULL)
        return -1;
    keys_random(ks);
    *state = ks;
    return 0;
}

static int
teardown(void **state)
{
    sodium_memzero(*state, sizeof(struct keys));
    free(*state);
    return 0;
}

static void
sign_verify_roundtrip(void **state)
{
    const struct keys *ks = *state;
    struct ticket t = {.activity = 4242, .signup = 0xFFFFFFF0u}, out;
    char code[TICKET_CODE_MAX];
    assert_int_equal(ticket_sign(ks, &t, code), 0);
    assert_int_equal(strlen(code), TICKET_CODE_LEN);
    assert_int_equal(ticket_verify(ks, code, strlen(code), &out), TICKET_OK);
    assert_int_equal(out.activity, 4242);
    assert_int_equal(out.signup, 0xFFFFFFF0u);
    assert_int_equal(out.kid, 1);
}

/* What a door device does: only the public key, no secret, no database. */
static void
verify_with_public_key_only(void **state)
{
    const struct keys *ks = *state;
    struct ticket t = {.activity = 7, .signup = 99}, out;
    char code[TICKET_CODE_MAX];
    uint8_t pk[TICKET_PKBYTES], kid = 0;
    assert_int_equal(ticket_sign(ks, &t, code), 0);
    assert_int_equal(ticket_public_key(ks, 0, pk, &kid), 0);
    assert_int_equal(kid, 1);
    assert_int_equal(ticket_verify_pk(pk, code, strlen(code), &out), TICKET_OK);
    assert_int_equal(out.signup, 99);
    /* another instance's key does not verify it */
    struct keys other;
    keys_random(&other);
    assert_int_equal(ticket_public_key(&other, 0, pk, NULL), 0);
    assert_int_equal(ticket_verify_pk(pk, code, strlen(code), &out),
                     TICKET_SIGNATURE);
    sodium_memzero(&other, sizeof(other));
}

/* Every single-character change is caught: payload or signature. */
static void
any_change_is_refused(void **state)
{
    const struct keys *ks = *state;
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    struct ticket t = {.activity = 1, .signup = 2}, out;
    char code[TICKET_CODE_MAX];
    assert_int_equal(ticket_sign(ks, &t, code), 0);
    for (size_t i = 0; i < TICKET_CODE_LEN; i++) {
        char bad[TICKET_CODE_MAX];
        memcpy(bad, code, sizeof(bad));
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        if (i == TICKET_CODE_LEN - 1)
            bad[i] = alpha[(strchr(alpha, code[i]) - alpha + 16) % 64];
        enum ticket_err e = ticket_verify(ks, bad, strlen(bad), &out);
        assert_int_not_equal(e, TICKET_OK);
    }
}

static void
forged_payload_is_refused(void **state)
{
    const struct keys *ks = *state;
    struct ticket t = {.activity = 10, .signup = 20}, out;
    char code[TICKET_CODE_MAX], raw_b64[TICKET_CODE_MAX];
    uint8_t raw[74];
    size_t len;
    assert_int_equal(ticket_sign(ks, &t, code), 0);
    assert_int_equal(
        sodium_base642bin(raw, sizeof(raw), code, strlen(code), NULL, &len,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
        0);
    raw[5] ^= 1; /* activity 10 -> 11, signature kept */
    sodium_bin2base64(raw_b64, sizeof(raw_b64), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    assert_int_equal(ticket_verify(ks, raw_b64, strlen(raw_b64), &out),
                     TICKET_SIGNATURE);
    raw[5] ^= 1;
    raw[1] = 9; /* a key id this instance does not have */
    sodium_bin2base64(raw_b64, sizeof(raw_b64), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    assert_int_equal(ticket_verify(ks, raw_b64, strlen(raw_b64), &out),
                     TICKET_KEY);
    raw[1] = 1;
    raw[0] = 2;
    sodium_bin2base64(raw_b64, sizeof(raw_b64), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    assert_int_equal(ticket_verify(ks, raw_b64, strlen(raw_b64), &out),
                     TICKET_VERSION);
}

static void
malformed_codes(void **state)
{
    const struct keys *ks = *state;
    struct ticket out;
    char code[TICKET_CODE_MAX];
    struct ticket t = {.activity = 1, .signup = 1};
    assert_int_equal(ticket_sign(ks, &t, code), 0);
    assert_int_equal(ticket_verify(ks, NULL, 0, &out), TICKET_MALFORMED);
    assert_int_equal(ticket_verify(ks, "", 0, &out), TICKET_MALFORMED);
    assert_int_equal(ticket_verify(ks, code, TICKET_CODE_LEN - 1, &out),
                     TICKET_MALFORMED);
    code[10] = '+'; /* standard base64, not base64url */
    assert_int_equal(ticket_verify(ks, code, TICKET_CODE_LEN, &out),
                     TICKET_MALFORMED);
    code[10] = (char)0xC3;
    assert_int_equal(ticket_verify(ks, code, TICKET_CODE_LEN, &out),
                     TICKET_MALFORMED);
    for (int e = 0; e < TICKET__MAX; e++)
        assert_non_null(ticket_strerror((enum ticket_err)e));
}

static void
ticket_numbers(void **state)
{
    (void)state;
    char a[10], b[10];
    ticket_number(a);
    ticket_number(b);
    assert_int_equal(strlen(a), 9);
    assert_int_equal(a[4], '-');
    for (int i = 0; i < 9; i++)
        if (i != 4)
            assert_non_null(strchr("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", a[i]));
    assert_string_not_equal(a, b);
}

/* ---- iCalendar ---- */

static struct arena *
new_arena(void)
{
    struct arena *a = calloc(1, sizeof(*a));
    arena_init(a, 4096);
    return a;
}

static void
free_arena(struct arena *a)
{
    arena_free(a);
    free(a);
}

static void
ics_escapes_text(void **state)
{
    (void)state;
    struct arena *a = new_arena();
    struct buf b;
    buf_init(&b, a, 64);
    om_ics_prop(&b, "SUMMARY", "a,b;c\\d\ne\r\nf", true);
    assert_string_equal(buf_cstr(&b), "SUMMARY:a\\,b\\;c\\\\d\\ne\\nf\r\n");
    buf_clear(&b);
    om_ics_prop(&b, "URL", "https://x.cn/a?b=1,2;c", false);
    assert_string_equal(buf_cstr(&b), "URL:https://x.cn/a?b=1,2;c\r\n");
    free_arena(a);
}

/* Lines fold before 75 octets and never inside a UTF-8 character. */
static void
ics_folds_on_characters(void **state)
{
    (void)state;
    struct arena *a = new_arena();
    struct buf b;
    buf_init(&b, a, 64);
    const char *han = "政府开放月走进政务服务中心体验一网通办政府开放月走进"
                      "政务服务中心体验一网通办政府开放月走进政务服务中心";
    om_ics_prop(&b, "DESCRIPTION", han, true);
    const char *s = buf_cstr(&b);
    size_t total = 0;
    int lines = 0;
    for (const char *p = s; *p;) {
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        size_t n = (size_t)(e - p);
        assert_true(n <= 75);
        /* a continuation line starts with one space, then a lead byte */
        if (lines > 0) {
            assert_int_equal(p[0], ' ');
            assert_int_not_equal((unsigned char)p[1] & 0xC0, 0x80);
            total += n - 1;
        } else {
            total += n;
        }
        lines++;
        p = e + 2;
    }
    assert_true(lines > 1);
    assert_int_equal(total, strlen("DESCRIPTION:") + strlen(han));
    free_arena(a);
}

/* ---- CSV ---- */

static void
csv_neutralises_formulas(void **state)
{
    (void)state;
    struct arena *a = new_arena();
    struct buf b;
    buf_init(&b, a, 64);
    om_csv_cell(&b, "=HYPERLINK(\"x\")", true);
    om_csv_cell(&b, "+1", false);
    om_csv_cell(&b, "-2", false);
    om_csv_cell(&b, "@SUM(A1)", false);
    om_csv_cell(&b, "张三, 李四", false);
    om_csv_cell(&b, "plain", false);
    om_csv_cell(&b, "", false);
    om_csv_end(&b);
    assert_string_equal(buf_cstr(&b), "\"'=HYPERLINK(\"\"x\"\")\",\"'+1\","
                                      "\"'-2\",\"'@SUM(A1)\",\"张三, 李四\","
                                      "plain,\r\n");
    free_arena(a);
}

/* The no-show threshold of the waiting-list rule, from the environment. */
static void
noshow_limit_setting(void **state)
{
    (void)state;
    unsetenv("GONGKAI_OM_NOSHOW_LIMIT");
    assert_int_equal(om_noshow_limit(), 2);
    setenv("GONGKAI_OM_NOSHOW_LIMIT", "3", 1);
    assert_int_equal(om_noshow_limit(), 3);
    setenv("GONGKAI_OM_NOSHOW_LIMIT", "0", 1);
    assert_int_equal(om_noshow_limit(), 0);
    /* nonsense keeps the default rather than switching the rule off */
    setenv("GONGKAI_OM_NOSHOW_LIMIT", "two", 1);
    assert_int_equal(om_noshow_limit(), 2);
    setenv("GONGKAI_OM_NOSHOW_LIMIT", "101", 1);
    assert_int_equal(om_noshow_limit(), 2);
    unsetenv("GONGKAI_OM_NOSHOW_LIMIT");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(sign_verify_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(verify_with_public_key_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(any_change_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(forged_payload_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(malformed_codes, setup, teardown),
        cmocka_unit_test(ticket_numbers),
        cmocka_unit_test(ics_escapes_text),
        cmocka_unit_test(ics_folds_on_characters),
        cmocka_unit_test(csv_neutralises_formulas),
        cmocka_unit_test(noshow_limit_setting),
    };
    return cmocka_run_group_tests(tests, unit_sodium_setup, NULL);
}
