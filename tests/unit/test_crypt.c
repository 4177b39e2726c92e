/*
 * Unit tests for fcgi/crypt.c: password hashing, sealing personal data,
 * keyed index hashes, and the base64url / bytea-hex encodings.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "crypt.h"
#include "keys.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES

struct fx {
    struct arena a;
    struct keys ks;
};

static int
group_setup(void **state)
{
    (void)state;
    return crypt_init();
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    if (f == NULL)
        return -1;
    arena_init(&f->a, 0);
    keys_random(&f->ks);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    arena_free(&f->a);
    sodium_memzero(&f->ks, sizeof(f->ks));
    free(f);
    return 0;
}

static int
contains(const unsigned char *h, size_t hn, const char *needle)
{
    size_t nn = strlen(needle);
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(h + i, needle, nn) == 0)
            return 1;
    return 0;
}

/* ---- passwords ---- */

static void
test_pw_hash_verify(void **state)
{
    (void)state;
    char h[PW_HASH_MAX];
    assert_int_equal(crypt_pw_hash("correct horse 电池 staple", h), 0);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(strlen(h) < PW_HASH_MAX);
    assert_null(strstr(h, "correct horse"));
    assert_true(crypt_pw_verify(h, "correct horse 电池 staple"));
    assert_false(crypt_pw_verify(h, "correct horse 电池 staplE"));
    assert_false(crypt_pw_verify(h, "correct horse 电池 staple "));
    assert_false(crypt_pw_verify(h, ""));

    /* Salted: the same password hashes differently each time, and each
     * hash verifies. */
    char h2[PW_HASH_MAX];
    assert_int_equal(crypt_pw_hash("correct horse 电池 staple", h2), 0);
    assert_string_not_equal(h, h2);
    assert_true(crypt_pw_verify(h2, "correct horse 电池 staple"));
}

static void
test_pw_verify_bad_hash(void **state)
{
    (void)state;
    assert_false(crypt_pw_verify("", "x"));
    assert_false(crypt_pw_verify("not a hash", "x"));
    assert_false(
        crypt_pw_verify("$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"));
}

/* ---- sealing ---- */

static void
test_seal_open_round_trip(void **state)
{
    struct fx *f = *state;
    const char *pt = "13800138000 张三";
    size_t n = strlen(pt), clen = 0, plen = 0;
    unsigned char *c = crypt_seal(&f->a, &f->ks, "users.login", pt, n, &clen);
    assert_non_null(c);
    assert_int_equal(clen, 1 + NONCE + n + TAG);
    assert_int_equal(c[0], 1); /* kid */
    assert_false(contains(c, clen, "13800138000"));

    char *back = crypt_open(&f->a, &f->ks, "users.login", c, clen, &plen);
    assert_non_null(back);
    assert_int_equal(plen, n);
    assert_string_equal(back, pt); /* also NUL-terminated */
    /* outlen is optional */
    assert_non_null(crypt_open(&f->a, &f->ks, "users.login", c, clen, NULL));

    /* Random nonce: sealing twice gives different ciphertexts. */
    size_t clen2 = 0;
    unsigned char *c2 = crypt_seal(&f->a, &f->ks, "users.login", pt, n, &clen2);
    assert_int_equal(clen2, clen);
    assert_memory_not_equal(c, c2, clen);
}

static void
test_seal_empty_and_binary(void **state)
{
    struct fx *f = *state;
    size_t clen = 0, plen = 99;
    unsigned char *c = crypt_seal(&f->a, &f->ks, "t.c", "", 0, &clen);
    assert_int_equal(clen, 1 + NONCE + TAG);
    char *back = crypt_open(&f->a, &f->ks, "t.c", c, clen, &plen);
    assert_non_null(back);
    assert_int_equal(plen, 0);
    assert_string_equal(back, "");

    const unsigned char bin[] = {0, 1, 0xff, 0, 0x80};
    c = crypt_seal(&f->a, &f->ks, "t.c", bin, sizeof(bin), &clen);
    back = crypt_open(&f->a, &f->ks, "t.c", c, clen, &plen);
    assert_non_null(back);
    assert_int_equal(plen, sizeof(bin));
    assert_memory_equal(back, bin, sizeof(bin));
}

static void
test_open_other_ctx_fails(void **state)
{
    struct fx *f = *state;
    size_t clen = 0;
    unsigned char *c =
        crypt_seal(&f->a, &f->ks, "users.login", "secret", 6, &clen);
    assert_null(crypt_open(&f->a, &f->ks, "users.name", c, clen, NULL));
    assert_null(crypt_open(&f->a, &f->ks, "users.logi", c, clen, NULL));
    assert_null(crypt_open(&f->a, &f->ks, "", c, clen, NULL));
    assert_non_null(crypt_open(&f->a, &f->ks, "users.login", c, clen, NULL));
}

static void
test_open_other_keys_fails(void **state)
{
    struct fx *f = *state;
    size_t clen = 0;
    unsigned char *c = crypt_seal(&f->a, &f->ks, "ctx", "secret", 6, &clen);
    struct keys other;
    keys_random(&other); /* same kid 1, different key */
    assert_null(crypt_open(&f->a, &other, "ctx", c, clen, NULL));
    /* A key set without data kid 1. */
    struct keys nokid = f->ks;
    nokid.k[KP_DATA][0].kid = 5;
    assert_null(crypt_open(&f->a, &nokid, "ctx", c, clen, NULL));
}

static void
test_open_any_byte_flip_fails(void **state)
{
    struct fx *f = *state;
    size_t clen = 0;
    unsigned char *c =
        crypt_seal(&f->a, &f->ks, "ctx", "personal data", 13, &clen);
    unsigned char *m = malloc(clen);
    assert_non_null(m);
    for (size_t i = 0; i < clen; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(m, c, clen);
            m[i] ^= (unsigned char)(1u << bit);
            if (crypt_open(&f->a, &f->ks, "ctx", m, clen, NULL) != NULL)
                fail_msg("byte %zu bit %d flipped still opens", i, bit);
        }
    }
    /* Truncated or extended. */
    for (size_t n = 0; n < clen; n++)
        assert_null(crypt_open(&f->a, &f->ks, "ctx", c, n, NULL));
    unsigned char *longer = arena_alloc(&f->a, clen + 1);
    memcpy(longer, c, clen);
    longer[clen] = 0;
    assert_null(crypt_open(&f->a, &f->ks, "ctx", longer, clen + 1, NULL));
    free(m);
}

static void
test_data_key_rotation(void **state)
{
    struct fx *f = *state;
    size_t clen1 = 0, clen2 = 0;
    unsigned char *old = crypt_seal(&f->a, &f->ks, "ctx", "old", 3, &clen1);
    struct keys rot = f->ks;
    rot.k[KP_DATA][1].kid = 2;
    randombytes_buf(rot.k[KP_DATA][1].k, KEY_BYTES);
    unsigned char *new = crypt_seal(&f->a, &rot, "ctx", "new", 3, &clen2);
    assert_int_equal(new[0], 2);
    assert_string_equal(crypt_open(&f->a, &rot, "ctx", old, clen1, NULL),
                        "old");
    assert_string_equal(crypt_open(&f->a, &rot, "ctx", new, clen2, NULL),
                        "new");
    assert_null(crypt_open(&f->a, &f->ks, "ctx", new, clen2, NULL));
}

/* ---- index ---- */

static void
test_index(void **state)
{
    struct fx *f = *state;
    unsigned char a1[INDEX_BYTES], a2[INDEX_BYTES], b[INDEX_BYTES],
        c[INDEX_BYTES], d[INDEX_BYTES], e[INDEX_BYTES], g[INDEX_BYTES];
    crypt_index(&f->ks, "users.login", "13800138000", 11, a1);
    crypt_index(&f->ks, "users.login", "13800138000", 11, a2);
    assert_memory_equal(a1, a2, INDEX_BYTES);
    crypt_index(&f->ks, "users.email", "13800138000", 11, b);
    assert_memory_not_equal(a1, b, INDEX_BYTES);
    crypt_index(&f->ks, "users.login", "13800138001", 11, c);
    assert_memory_not_equal(a1, c, INDEX_BYTES);
    /* Domain separation between ctx and data. */
    crypt_index(&f->ks, "ab", "c", 1, d);
    crypt_index(&f->ks, "a", "bc", 2, e);
    assert_memory_not_equal(d, e, INDEX_BYTES);
    /* Keyed: another key set gives another hash. */
    struct keys other;
    keys_random(&other);
    crypt_index(&other, "users.login", "13800138000", 11, g);
    assert_memory_not_equal(a1, g, INDEX_BYTES);
    /* Unkeyed BLAKE2b of the same input differs too. */
    unsigned char plain[INDEX_BYTES];
    crypto_generichash(plain, INDEX_BYTES, (const unsigned char *)"13800138000",
                       11, NULL, 0);
    assert_memory_not_equal(a1, plain, INDEX_BYTES);
}

/* ---- base64url ---- */

static void
test_b64_vectors(void **state)
{
    struct fx *f = *state;
    assert_string_equal(b64_encode(&f->a, "", 0), "");
    assert_string_equal(b64_encode(&f->a, "f", 1), "Zg");
    assert_string_equal(b64_encode(&f->a, "fo", 2), "Zm8");
    assert_string_equal(b64_encode(&f->a, "foo", 3), "Zm9v");
    assert_string_equal(b64_encode(&f->a, "hello", 5), "aGVsbG8");
    const unsigned char urlchars[] = {0xfb, 0xff, 0xbf};
    assert_string_equal(b64_encode(&f->a, urlchars, 3), "-_-_");
}

static void
test_b64_round_trip(void **state)
{
    struct fx *f = *state;
    unsigned char in[100], out[100];
    for (size_t n = 0; n <= sizeof(in); n++) {
        randombytes_buf(in, n);
        char *s = b64_encode(&f->a, in, n);
        assert_int_equal(strlen(s), (n * 4 + 2) / 3);
        assert_int_equal(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                                   "opqrstuvwxyz0123456789-_"),
                         strlen(s));
        size_t got = 999;
        assert_int_equal(b64_decode(s, strlen(s), out, sizeof(out), &got), 0);
        assert_int_equal(got, n);
        assert_memory_equal(in, out, n);
    }
}

static void
test_b64_decode_rejects(void **state)
{
    (void)state;
    unsigned char out[64];
    size_t got;
    assert_int_equal(b64_decode("aGVsbG8=", 8, out, sizeof(out), &got), -1);
    assert_int_equal(b64_decode("a+8", 3, out, sizeof(out), &got), -1);
    assert_int_equal(b64_decode("a/8", 3, out, sizeof(out), &got), -1);
    assert_int_equal(b64_decode("aGVs bG8", 8, out, sizeof(out), &got), -1);
    assert_int_equal(b64_decode("aGVsbG8!", 8, out, sizeof(out), &got), -1);
    assert_int_equal(b64_decode("a", 1, out, sizeof(out), &got), -1);
    /* Output does not fit. */
    assert_int_equal(b64_decode("aGVsbG8", 7, out, 4, &got), -1);
    assert_int_equal(b64_decode("aGVsbG8", 7, out, 5, &got), 0);
    assert_int_equal(got, 5);
    /* The length bounds the input. */
    assert_int_equal(b64_decode("Zm9vXXX", 4, out, sizeof(out), &got), 0);
    assert_int_equal(got, 3);
    assert_memory_equal(out, "foo", 3);
}

static void
test_b64_decode_rejects_high_bytes(void **state)
{
    (void)state;

    unsigned char out[64];
    size_t got;
    /* "-_8" is valid; the same with 0xff in place of '_' is not base64. */
    assert_int_equal(b64_decode("-_8", 3, out, sizeof(out), &got), 0);
    assert_int_equal(b64_decode("-\xff"
                                "8",
                                3, out, sizeof(out), &got),
                     -1);
}

/* ---- bytea ---- */

static void
test_bytea(void **state)
{
    struct fx *f = *state;
    const unsigned char v[] = {0x00, 0xde, 0xad, 0xbe, 0xef, 0x7f};
    char *hx = bytea_hex(&f->a, v, sizeof(v));
    assert_string_equal(hx, "\\x00deadbeef7f");
    size_t n = 0;
    unsigned char *back = bytea_parse(&f->a, hx, &n);
    assert_non_null(back);
    assert_int_equal(n, sizeof(v));
    assert_memory_equal(back, v, sizeof(v));

    back = bytea_parse(&f->a, "\\xDEADBEEF", &n);
    assert_non_null(back);
    assert_int_equal(n, 4);
    assert_memory_equal(back, "\xde\xad\xbe\xef", 4);

    assert_string_equal(bytea_hex(&f->a, "", 0), "\\x");
    n = 99;
    assert_non_null(bytea_parse(&f->a, "\\x", &n));
    assert_int_equal(n, 0);
}

static void
test_bytea_round_trip_random(void **state)
{
    struct fx *f = *state;
    unsigned char in[257];
    for (size_t len = 0; len < sizeof(in); len += 16) {
        randombytes_buf(in, len);
        size_t n = 0;
        unsigned char *back = bytea_parse(&f->a, bytea_hex(&f->a, in, len), &n);
        assert_non_null(back);
        assert_int_equal(n, len);
        assert_memory_equal(back, in, len);
    }
}

static void
test_bytea_rejects(void **state)
{
    struct fx *f = *state;
    size_t n;
    assert_null(bytea_parse(&f->a, NULL, &n));
    assert_null(bytea_parse(&f->a, "", &n));
    assert_null(bytea_parse(&f->a, "\\", &n));
    assert_null(bytea_parse(&f->a, "deadbeef", &n));
    assert_null(bytea_parse(&f->a, "\\Xdeadbeef", &n));
    assert_null(bytea_parse(&f->a, "\\xdeadbee", &n)); /* odd length */
    assert_null(bytea_parse(&f->a, "\\xzz", &n));
    assert_null(bytea_parse(&f->a, "\\xde ad", &n));
    assert_null(bytea_parse(&f->a, "\\xdeadbeef\n", &n));
}

/* ---- random tokens ---- */

static void
test_random_token(void **state)
{
    struct fx *f = *state;
    char *t1 = crypt_random_token(&f->a, 18);
    char *t2 = crypt_random_token(&f->a, 18);
    assert_int_equal(strlen(t1), 24);
    assert_string_not_equal(t1, t2);
    unsigned char raw[64];
    size_t got = 0;
    assert_int_equal(b64_decode(t1, strlen(t1), raw, sizeof(raw), &got), 0);
    assert_int_equal(got, 18);
    assert_int_equal(strlen(crypt_random_token(&f->a, 32)), 43);
    assert_string_equal(crypt_random_token(&f->a, 0), "");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_pw_hash_verify),
        T(test_pw_verify_bad_hash),
        T(test_seal_open_round_trip),
        T(test_seal_empty_and_binary),
        T(test_open_other_ctx_fails),
        T(test_open_other_keys_fails),
        T(test_open_any_byte_flip_fails),
        T(test_data_key_rotation),
        T(test_index),
        T(test_b64_vectors),
        T(test_b64_round_trip),
        T(test_b64_decode_rejects),
        T(test_b64_decode_rejects_high_bytes),
        T(test_bytea),
        T(test_bytea_round_trip_random),
        T(test_bytea_rejects),
        T(test_random_token),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
