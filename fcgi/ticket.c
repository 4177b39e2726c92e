#include "ticket.h"

#include <sodium.h>
#include <string.h>

#include "crypt.h"

#define TICKET_VERSION_1 1
#define TICKET_RAW       (TICKET_PAYLOAD + TICKET_SIGBYTES)

/* The KDF context is part of the derivation: the same token key yields an
 * unrelated key for any other purpose. */
static const char kdf_ctx[crypto_kdf_CONTEXTBYTES] = {'g', 'k', 't', 'i',
                                                      'c', 'k', 'e', 't'};

static const char *const reasons[TICKET__MAX] = {
    [TICKET_OK] = "票码有效",
    [TICKET_MALFORMED] = "票码不完整或格式不对，请重新扫描或核对",
    [TICKET_VERSION] = "票码版本无法识别",
    [TICKET_KEY] = "票码的签名密钥已失效",
    [TICKET_SIGNATURE] = "票码签名不正确，可能是伪造或改动过的",
};

const char *
ticket_strerror(enum ticket_err e)
{
    return e < TICKET__MAX ? reasons[e] : "?";
}

/* Derives the Ed25519 key pair of token key k; sk is wiped by the
 * caller. */
static void
derive(const struct key *k, uint8_t pk[TICKET_PKBYTES],
       uint8_t sk[crypto_sign_SECRETKEYBYTES])
{
    uint8_t seed[crypto_sign_SEEDBYTES];
    crypto_kdf_derive_from_key(seed, sizeof(seed), 1, kdf_ctx, k->k);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(seed, sizeof(seed));
}

int
ticket_public_key(const struct keys *ks, uint8_t kid,
                  uint8_t pk[TICKET_PKBYTES], uint8_t *kid_out)
{
    const struct key *k =
        kid ? keys_find(ks, KP_TOKEN, kid) : keys_current(ks, KP_TOKEN);
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    if (k == NULL)
        return -1;
    derive(k, pk, sk);
    sodium_memzero(sk, sizeof(sk));
    if (kid_out != NULL)
        *kid_out = k->kid;
    return 0;
}

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

int
ticket_sign(const struct keys *ks, const struct ticket *t,
            char out[TICKET_CODE_MAX])
{
    const struct key *k = keys_current(ks, KP_TOKEN);
    uint8_t pk[TICKET_PKBYTES], sk[crypto_sign_SECRETKEYBYTES];
    uint8_t raw[TICKET_RAW];
    if (k == NULL)
        return -1;
    raw[0] = TICKET_VERSION_1;
    raw[1] = k->kid;
    put32(raw + 2, t->activity);
    put32(raw + 6, t->signup);
    derive(k, pk, sk);
    crypto_sign_detached(raw + TICKET_PAYLOAD, NULL, raw, TICKET_PAYLOAD, sk);
    sodium_memzero(sk, sizeof(sk));
    sodium_bin2base64(out, TICKET_CODE_MAX, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

/* Decodes and checks the shape; raw gets the 74 bytes. */
static enum ticket_err
decode(const char *code, size_t n, uint8_t raw[TICKET_RAW])
{
    size_t len = 0;
    if (code == NULL || n != TICKET_CODE_LEN || !b64url_chars_ok(code, n))
        return TICKET_MALFORMED;
    if (sodium_base642bin(raw, TICKET_RAW, code, n, NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != TICKET_RAW)
        return TICKET_MALFORMED;
    if (raw[0] != TICKET_VERSION_1)
        return TICKET_VERSION;
    return TICKET_OK;
}

static enum ticket_err
check(const uint8_t pk[TICKET_PKBYTES], const uint8_t raw[TICKET_RAW],
      struct ticket *out)
{
    if (crypto_sign_verify_detached(raw + TICKET_PAYLOAD, raw, TICKET_PAYLOAD,
                                    pk) != 0)
        return TICKET_SIGNATURE;
    out->kid = raw[1];
    out->activity = get32(raw + 2);
    out->signup = get32(raw + 6);
    return TICKET_OK;
}

enum ticket_err
ticket_verify_pk(const uint8_t pk[TICKET_PKBYTES], const char *code, size_t n,
                 struct ticket *out)
{
    uint8_t raw[TICKET_RAW];
    enum ticket_err e = decode(code, n, raw);
    return e != TICKET_OK ? e : check(pk, raw, out);
}

enum ticket_err
ticket_verify(const struct keys *ks, const char *code, size_t n,
              struct ticket *out)
{
    uint8_t raw[TICKET_RAW], pk[TICKET_PKBYTES];
    enum ticket_err e = decode(code, n, raw);
    if (e != TICKET_OK)
        return e;
    if (raw[1] == 0 || ticket_public_key(ks, raw[1], pk, NULL) != 0)
        return TICKET_KEY;
    return check(pk, raw, out);
}

void
ticket_number(char out[10])
{
    /* 32 symbols: a random byte modulo 32 is uniform. */
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    uint8_t rnd[8];
    randombytes_buf(rnd, sizeof(rnd));
    for (int i = 0, o = 0; i < 8; i++) {
        if (i == 4)
            out[o++] = '-';
        out[o++] = alphabet[rnd[i] % 32];
    }
    out[9] = '\0';
}
