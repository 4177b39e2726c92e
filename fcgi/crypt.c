#include "crypt.h"

#include <stdlib.h>
#include <string.h>

int
crypt_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int
crypt_pw_hash(const char *pw, char out[PW_HASH_MAX])
{
    return crypto_pwhash_str(out, pw, strlen(pw),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool
crypt_pw_verify(const char *hash, const char *pw)
{
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

void
crypt_pw_dummy(const char *pw)
{
    /* A fixed hash of a random password, made once per process. */
    static char dummy[PW_HASH_MAX];
    if (dummy[0] == '\0') {
        char rnd[33];
        randombytes_buf(rnd, 32);
        for (int i = 0; i < 32; i++)
            rnd[i] = (char)('a' + ((unsigned char)rnd[i] % 26));
        rnd[32] = '\0';
        if (crypt_pw_hash(rnd, dummy) != 0)
            return;
    }
    (void)crypt_pw_verify(dummy, pw);
}

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES

unsigned char *
crypt_seal(struct arena *a, const struct keys *ks, const char *ctx,
           const void *pt, size_t n, size_t *outlen)
{
    const struct key *k = keys_current(ks, KP_DATA);
    unsigned char *out = arena_alloc(a, 1 + NONCE + n + TAG);
    unsigned long long clen = 0;
    out[0] = k->kid;
    randombytes_buf(out + 1, NONCE);
    /* The column name is the associated data, so a ciphertext moved to
     * another column (or table) no longer opens. */
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out + 1 + NONCE, &clen, pt, n, (const unsigned char *)ctx, strlen(ctx),
        NULL, out + 1, k->k);
    *outlen = 1 + NONCE + (size_t)clen;
    return out;
}

char *
crypt_open(struct arena *a, const struct keys *ks, const char *ctx,
           const unsigned char *c, size_t n, size_t *outlen)
{
    if (n < 1 + NONCE + TAG)
        return NULL;
    const struct key *k = keys_find(ks, KP_DATA, c[0]);
    if (k == NULL)
        return NULL;
    char *pt = arena_alloc(a, n - 1 - NONCE - TAG + 1);
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)pt, &plen, NULL, c + 1 + NONCE, n - 1 - NONCE,
            (const unsigned char *)ctx, strlen(ctx), c + 1, k->k) != 0)
        return NULL;
    pt[plen] = '\0';
    if (outlen != NULL)
        *outlen = (size_t)plen;
    return pt;
}

void
crypt_index(const struct keys *ks, const char *ctx, const void *data, size_t n,
            unsigned char out[INDEX_BYTES])
{
    const struct key *k = keys_current(ks, KP_INDEX);
    crypto_generichash_state st;
    crypto_generichash_init(&st, k->k, KEY_BYTES, INDEX_BYTES);
    /* ctx and its NUL separate domains: the same value hashed for two
     * columns gives unrelated results. */
    crypto_generichash_update(&st, (const unsigned char *)ctx, strlen(ctx) + 1);
    crypto_generichash_update(&st, data, n);
    crypto_generichash_final(&st, out, INDEX_BYTES);
}

char *
b64_encode(struct arena *a, const void *p, size_t n)
{
    const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t cap = sodium_base64_ENCODED_LEN(n, v);
    char *out = arena_alloc(a, cap);
    sodium_bin2base64(out, cap, p, n, v);
    return out;
}

bool
b64url_chars_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return true;
}

int
b64_decode(const char *s, size_t sl, unsigned char *out, size_t cap,
           size_t *outlen)
{
    const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    const char *end = NULL;
    if (!b64url_chars_ok(s, sl))
        return -1;
    if (sodium_base642bin(out, cap, s, sl, NULL, outlen, &end, v) != 0)
        return -1;
    return end == s + sl ? 0 : -1;
}

char *
crypt_random_token(struct arena *a, size_t n)
{
    unsigned char raw[64];
    if (n > sizeof(raw))
        abort(); /* a programming error, not an input */
    randombytes_buf(raw, n);
    return b64_encode(a, raw, n);
}

char *
bytea_hex(struct arena *a, const void *p, size_t n)
{
    char *out = arena_alloc(a, 2 + n * 2 + 1);
    out[0] = '\\';
    out[1] = 'x';
    sodium_bin2hex(out + 2, n * 2 + 1, p, n);
    return out;
}

unsigned char *
bytea_parse(struct arena *a, const char *s, size_t *outlen)
{
    if (s == NULL || s[0] != '\\' || s[1] != 'x')
        return NULL;
    size_t hl = strlen(s + 2);
    unsigned char *out = arena_alloc(a, hl / 2 + 1);
    if (sodium_hex2bin(out, hl / 2 + 1, s + 2, hl, NULL, outlen, NULL) != 0)
        return NULL;
    return out;
}
