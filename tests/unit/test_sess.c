/*
 * Unit tests for fcgi/sess.c: signed session tokens and CSRF tokens.
 */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "sess.h"

#define NOW       1700000000LL
#define TOKEN_LEN 90 /* base64url, no padding, of 35 + 32 bytes */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct fx {
    struct keys ks;
    struct ident id;
    char tok[SESS_TOKEN_MAX];
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    keys_random(&f->ks);
    f->id = (struct ident){
        .user = 123456789012LL,
        .role = ROLE_STAFF,
        .dept = 42,
        .iat = NOW - 60,
        .exp = NOW + 3600,
        .epoch = 7,
    };
    sess_encode(&f->ks, &f->id, f->tok);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    sodium_memzero(f, sizeof(*f));
    free(f);
    return 0;
}

static enum sess_err
decode(const struct keys *ks, const char *tok, struct ident *out)
{
    return sess_decode(ks, tok, strlen(tok), NOW, out);
}

/* The raw bytes of a token (payload || mac). */
static void
raw(const char *tok, uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES])
{
    size_t len = 0;
    assert_int_equal(
        sodium_base642bin(t, SESS_PAYLOAD + crypto_auth_BYTES, tok, strlen(tok),
                          NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING),
        0);
    assert_int_equal(len, SESS_PAYLOAD + crypto_auth_BYTES);
}

/* Builds a token from raw payload bytes with a correct MAC under key k:
 * what someone holding the key could produce. */
static void
forge(const struct key *k, uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES],
      char out[SESS_TOKEN_MAX])
{
    crypto_auth(t + SESS_PAYLOAD, t, SESS_PAYLOAD, k->k);
    sodium_bin2base64(out, SESS_TOKEN_MAX, t, SESS_PAYLOAD + crypto_auth_BYTES,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void
test_keys_random(void **state)
{
    struct fx *f = *state;
    static const uint8_t zero[KEY_BYTES];
    for (int p = 0; p < KP__MAX; p++) {
        const struct key *k = keys_current(&f->ks, (enum key_purpose)p);
        assert_non_null(k);
        assert_int_equal(k->kid, 1);
        assert_memory_not_equal(k->k, zero, KEY_BYTES);
        assert_ptr_equal(keys_find(&f->ks, (enum key_purpose)p, 1), k);
        assert_null(keys_find(&f->ks, (enum key_purpose)p, 2));
        assert_null(keys_find(&f->ks, (enum key_purpose)p, 0));
    }
    /* Purposes get independent keys. */
    assert_memory_not_equal(f->ks.k[KP_TOKEN][0].k, f->ks.k[KP_CSRF][0].k,
                            KEY_BYTES);
    struct keys other;
    keys_random(&other);
    assert_memory_not_equal(other.k[KP_TOKEN][0].k, f->ks.k[KP_TOKEN][0].k,
                            KEY_BYTES);
}

static void
test_round_trip(void **state)
{
    struct fx *f = *state;
    assert_int_equal(strlen(f->tok), TOKEN_LEN);
    assert_int_equal(strspn(f->tok, b64url), TOKEN_LEN);
    struct ident got;
    assert_int_equal(decode(&f->ks, f->tok, &got), SESS_OK);
    assert_int_equal(got.user, f->id.user);
    assert_int_equal(got.role, f->id.role);
    assert_int_equal(got.dept, f->id.dept);
    assert_int_equal(got.iat, f->id.iat);
    assert_int_equal(got.exp, f->id.exp);
    assert_int_equal(got.epoch, f->id.epoch);
}

static void
test_round_trip_extremes(void **state)
{
    struct fx *f = *state;
    const struct ident cases[] = {
        {INT64_MAX, ROLE_ADMIN, INT32_MAX, 0, INT64_MAX, INT32_MAX},
        {1, ROLE_CITIZEN, 0, NOW, NOW + 1, 0},
        {99, ROLE_STAFF, -5, -1, NOW + 10, -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char tok[SESS_TOKEN_MAX];
        struct ident got;
        sess_encode(&f->ks, &cases[i], tok);
        assert_int_equal(decode(&f->ks, tok, &got), SESS_OK);
        assert_int_equal(got.user, cases[i].user);
        assert_int_equal(got.role, cases[i].role);
        assert_int_equal(got.dept, cases[i].dept);
        assert_int_equal(got.iat, cases[i].iat);
        assert_int_equal(got.exp, cases[i].exp);
        assert_int_equal(got.epoch, cases[i].epoch);
    }
}

/* Same identity, different tokens for different keys; same key, same
 * token (no hidden randomness to rely on). */
static void
test_encode_deterministic_per_key(void **state)
{
    struct fx *f = *state;
    char again[SESS_TOKEN_MAX];
    sess_encode(&f->ks, &f->id, again);
    assert_string_equal(again, f->tok);
    struct keys other;
    keys_random(&other);
    sess_encode(&other, &f->id, again);
    assert_string_not_equal(again, f->tok);
}

/* Every single-character change, at every position, to every other
 * base64url character, fails to decode. */
static void
test_any_single_change_fails(void **state)
{
    struct fx *f = *state;
    size_t n = strlen(f->tok);
    int counts[SESS__MAX] = {0};
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < sizeof(b64url) - 1; c++) {
            if (b64url[c] == f->tok[i])
                continue;
            char t[SESS_TOKEN_MAX];
            memcpy(t, f->tok, n + 1);
            t[i] = b64url[c];
            struct ident got;
            enum sess_err e = decode(&f->ks, t, &got);
            if (e == SESS_OK)
                fail_msg("position %zu changed to '%c' still decodes", i,
                         b64url[c]);
            assert_true(e == SESS_MAC || e == SESS_MALFORMED ||
                        e == SESS_VERSION || e == SESS_KEY);
            assert_int_equal(got.user, 0); /* nothing leaks out */
            counts[e]++;
        }
    }
    /* The first characters carry the version and key id bytes. */
    assert_true(counts[SESS_MAC] > 0);
    assert_true(counts[SESS_VERSION] > 0);
    assert_true(counts[SESS_KEY] > 0);
}

/* Flipping single bits of the raw bytes (MAC included) also fails. */
static void
test_any_bit_flip_fails(void **state)
{
    struct fx *f = *state;
    uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES];
    raw(f->tok, t);
    for (size_t i = 0; i < sizeof(t); i++) {
        for (int bit = 0; bit < 8; bit++) {
            char tok[SESS_TOKEN_MAX];
            uint8_t m[sizeof(t)];
            memcpy(m, t, sizeof(t));
            m[i] ^= (uint8_t)(1u << bit);
            sodium_bin2base64(tok, sizeof(tok), m, sizeof(m),
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING);
            struct ident got;
            assert_int_not_equal(decode(&f->ks, tok, &got), SESS_OK);
        }
    }
}

static void
test_expired(void **state)
{
    struct fx *f = *state;
    struct ident got;
    assert_int_equal(
        sess_decode(&f->ks, f->tok, strlen(f->tok), f->id.exp, &got),
        SESS_EXPIRED);
    assert_int_equal(
        sess_decode(&f->ks, f->tok, strlen(f->tok), f->id.exp + 86400, &got),
        SESS_EXPIRED);
    assert_int_equal(got.user, 0);
    assert_int_equal(
        sess_decode(&f->ks, f->tok, strlen(f->tok), f->id.exp - 1, &got),
        SESS_OK);

    struct ident old = f->id;
    old.exp = NOW - 1;
    char tok[SESS_TOKEN_MAX];
    sess_encode(&f->ks, &old, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_EXPIRED);
}

static void
test_malformed(void **state)
{
    struct fx *f = *state;
    struct ident got;
    size_t n = strlen(f->tok);
    char t[256];

    /* truncated */
    for (size_t len = 0; len < n; len++)
        assert_int_equal(sess_decode(&f->ks, f->tok, len, NOW, &got),
                         SESS_MALFORMED);
    /* extended */
    const char *ext[] = {"A", "AA", "AAA", "AAAA", "=", "==", "\n", " "};
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        snprintf(t, sizeof(t), "%s%s", f->tok, ext[i]);
        assert_int_equal(decode(&f->ks, t, &got), SESS_MALFORMED);
    }
    /* empty */
    assert_int_equal(decode(&f->ks, "", &got), SESS_MALFORMED);
    /* characters outside base64url, anywhere */
    const char bad[] = "+/=.~ !\"%\\\x01\x7f";
    for (size_t i = 0; i < n; i += 7) {
        for (size_t c = 0; c < sizeof(bad) - 1; c++) {
            memcpy(t, f->tok, n + 1);
            t[i] = bad[c];
            assert_int_equal(decode(&f->ks, t, &got), SESS_MALFORMED);
        }
    }
    /* an embedded NUL inside the given length */
    memcpy(t, f->tok, n + 1);
    t[10] = '\0';
    assert_int_equal(sess_decode(&f->ks, t, n, NOW, &got), SESS_MALFORMED);
    /* far too long */
    memset(t, 'A', 200);
    t[200] = '\0';
    assert_int_equal(decode(&f->ks, t, &got), SESS_MALFORMED);
    /* right length, not a token */
    memset(t, 'A', n);
    t[n] = '\0';
    assert_int_not_equal(decode(&f->ks, t, &got), SESS_OK);
    assert_int_equal(got.user, 0);
}

/* Bytes 0x80-0xff are not base64url either. libsodium 1.0.18 (Debian 12)
 * decodes each of them as '_' (value 63) when char is signed, so the check
 * has to be made before calling it. */
static void
test_non_ascii_rejected(void **state)
{
    struct fx *f = *state;

    /* A token holding '_' somewhere (vary the user id until one does). */
    char tok[SESS_TOKEN_MAX];
    struct ident id = f->id;
    char *us = NULL;
    for (id.user = 1; us == NULL; id.user++) {
        sess_encode(&f->ks, &id, tok);
        us = strchr(tok, '_');
    }
    struct ident got;
    assert_int_equal(decode(&f->ks, tok, &got), SESS_OK);
    *us = '\xff';
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);
    *us = '\x80';
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);

    /* The same for CSRF tokens. */
    char pre[32], ct[SESS_TOKEN_MAX];
    us = NULL;
    for (int i = 0; us == NULL; i++) {
        snprintf(pre, sizeof(pre), "pre-session-%d", i);
        csrf_token(&f->ks, pre, ct);
        us = strchr(ct, '_');
    }
    assert_true(csrf_verify(&f->ks, pre, ct));
    *us = '\xc3';
    assert_false(csrf_verify(&f->ks, pre, ct));
}

/* A token whose MAC is right (made with the key) but whose content is not
 * acceptable. */
static void
test_signed_but_invalid_payload(void **state)
{
    struct fx *f = *state;
    const struct key *k = keys_current(&f->ks, KP_TOKEN);
    uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES];
    char tok[SESS_TOKEN_MAX];
    struct ident got;

    raw(f->tok, t);
    t[0] = 2; /* unknown version */
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_VERSION);

    raw(f->tok, t);
    t[0] = 0;
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_VERSION);

    raw(f->tok, t);
    memset(t + 2, 0, 8); /* user 0 */
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);

    raw(f->tok, t);
    t[2] = 0x80; /* negative user id */
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);

    raw(f->tok, t);
    t[10] = ROLE_NONE;
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);

    raw(f->tok, t);
    t[10] = 200; /* out of range role */
    forge(k, t, tok);
    assert_int_equal(decode(&f->ks, tok, &got), SESS_MALFORMED);
    assert_int_equal(got.role, ROLE_NONE);
}

static void
test_unknown_kid(void **state)
{
    struct fx *f = *state;
    struct keys only2 = f->ks;
    only2.k[KP_TOKEN][0].kid = 2;
    struct ident got;
    assert_int_equal(decode(&only2, f->tok, &got), SESS_KEY);
    assert_int_equal(got.user, 0);
}

static void
test_rotation(void **state)
{
    struct fx *f = *state;
    struct keys rot;
    memset(&rot, 0, sizeof(rot));
    rot = f->ks; /* kid 1 as before */
    rot.k[KP_TOKEN][1].kid = 2;
    randombytes_buf(rot.k[KP_TOKEN][1].k, KEY_BYTES);

    char tok[SESS_TOKEN_MAX];
    sess_encode(&rot, &f->id, tok);
    uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES];
    raw(tok, t);
    assert_int_equal(t[0], 1);
    assert_int_equal(t[1], 2); /* the newest key signs */

    struct ident got;
    assert_int_equal(decode(&rot, tok, &got), SESS_OK);
    assert_int_equal(got.user, f->id.user);
    /* A token issued before the rotation still verifies. */
    assert_int_equal(decode(&rot, f->tok, &got), SESS_OK);
    assert_int_equal(got.user, f->id.user);
    /* The old key set does not know kid 2. */
    assert_int_equal(decode(&f->ks, tok, &got), SESS_KEY);

    /* Slot order does not matter: kid 2 in slot 0, kid 1 in slot 1. */
    struct keys swapped = rot;
    swapped.k[KP_TOKEN][0] = rot.k[KP_TOKEN][1];
    swapped.k[KP_TOKEN][1] = rot.k[KP_TOKEN][0];
    char tok2[SESS_TOKEN_MAX];
    sess_encode(&swapped, &f->id, tok2);
    assert_string_equal(tok2, tok);
    assert_int_equal(decode(&swapped, f->tok, &got), SESS_OK);

    /* After the old key is removed, old tokens stop verifying. */
    struct keys retired = rot;
    memset(&retired.k[KP_TOKEN][0], 0, sizeof(retired.k[KP_TOKEN][0]));
    assert_int_equal(decode(&retired, f->tok, &got), SESS_KEY);
    assert_int_equal(decode(&retired, tok, &got), SESS_OK);
}

static void
test_other_key_set_same_kid(void **state)
{
    struct fx *f = *state;
    struct keys other;
    keys_random(&other);
    struct ident got;
    assert_int_equal(decode(&other, f->tok, &got), SESS_MAC);
    assert_int_equal(got.user, 0);
}

static void
test_role_names(void **state)
{
    (void)state;
    for (int r = ROLE_CITIZEN; r < ROLE__MAX; r++)
        assert_int_equal(role_parse(role_name((enum role)r)), r);
    assert_string_equal(role_name(ROLE_ADMIN), "admin");
    assert_string_equal(role_name(ROLE__MAX), "none");
    assert_int_equal(role_parse("none"), ROLE_NONE);
    assert_int_equal(role_parse("Admin"), ROLE_NONE);
    assert_int_equal(role_parse(""), ROLE_NONE);
    assert_int_equal(role_parse(NULL), ROLE_NONE);
}

/* ---- CSRF ---- */

#define PRE "Zx9_pre-session-id-0123"

static void
test_csrf_round_trip(void **state)
{
    struct fx *f = *state;
    char tok[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, tok);
    assert_int_equal(strlen(tok), 43);
    assert_int_equal(strspn(tok, b64url), 43);
    assert_true(csrf_verify(&f->ks, PRE, tok));
    char again[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, again);
    assert_string_equal(again, tok);
}

static void
test_csrf_other_pre(void **state)
{
    struct fx *f = *state;
    char tok[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, tok);
    assert_false(csrf_verify(&f->ks, PRE "x", tok));
    assert_false(csrf_verify(&f->ks, "Zx9_pre-session-id-012", tok));
    assert_false(csrf_verify(&f->ks, "another-browser", tok));
    char tok2[SESS_TOKEN_MAX];
    csrf_token(&f->ks, "another-browser", tok2);
    assert_string_not_equal(tok, tok2);
}

static void
test_csrf_null_empty(void **state)
{
    struct fx *f = *state;
    char tok[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, tok);
    assert_false(csrf_verify(&f->ks, NULL, tok));
    assert_false(csrf_verify(&f->ks, "", tok));
    assert_false(csrf_verify(&f->ks, PRE, NULL));
    assert_false(csrf_verify(&f->ks, PRE, ""));
    assert_false(csrf_verify(&f->ks, NULL, NULL));
    /* The token of an empty pre-session id does not verify either. */
    char empty[SESS_TOKEN_MAX];
    csrf_token(&f->ks, "", empty);
    assert_false(csrf_verify(&f->ks, "", empty));
}

static void
test_csrf_modified(void **state)
{
    struct fx *f = *state;
    char tok[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, tok);
    size_t n = strlen(tok);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < sizeof(b64url) - 1; c += 5) {
            if (b64url[c] == tok[i])
                continue;
            char t[SESS_TOKEN_MAX];
            memcpy(t, tok, n + 1);
            t[i] = b64url[c];
            if (csrf_verify(&f->ks, PRE, t))
                fail_msg("modified token (pos %zu) verified", i);
        }
    }
    char t[SESS_TOKEN_MAX + 8];
    snprintf(t, sizeof(t), "%sA", tok);
    assert_false(csrf_verify(&f->ks, PRE, t));
    snprintf(t, sizeof(t), "%.42s", tok);
    assert_false(csrf_verify(&f->ks, PRE, t));
    snprintf(t, sizeof(t), "%s=", tok);
    assert_false(csrf_verify(&f->ks, PRE, t));
    /* A session token is not a CSRF token. */
    assert_false(csrf_verify(&f->ks, PRE, f->tok));
}

static void
test_csrf_other_keys(void **state)
{
    struct fx *f = *state;
    char tok[SESS_TOKEN_MAX];
    csrf_token(&f->ks, PRE, tok);
    struct keys other;
    keys_random(&other);
    assert_false(csrf_verify(&other, PRE, tok));
    /* The CSRF key, not the token key, is what counts. */
    struct keys mixed = f->ks;
    mixed.k[KP_TOKEN][0] = other.k[KP_TOKEN][0];
    assert_true(csrf_verify(&mixed, PRE, tok));
    mixed = f->ks;
    mixed.k[KP_CSRF][0] = other.k[KP_CSRF][0];
    assert_false(csrf_verify(&mixed, PRE, tok));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_keys_random),
        T(test_round_trip),
        T(test_round_trip_extremes),
        T(test_encode_deterministic_per_key),
        T(test_any_single_change_fails),
        T(test_any_bit_flip_fails),
        T(test_expired),
        T(test_malformed),
        T(test_non_ascii_rejected),
        T(test_signed_but_invalid_payload),
        T(test_unknown_kid),
        T(test_rotation),
        T(test_other_key_set_same_kid),
        T(test_role_names),
        T(test_csrf_round_trip),
        T(test_csrf_other_pre),
        T(test_csrf_null_empty),
        T(test_csrf_modified),
        T(test_csrf_other_keys),
    };
    return cmocka_run_group_tests(tests, unit_sodium_setup, NULL);
}
