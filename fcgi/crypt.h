/*
 * crypt: every use of libsodium outside key loading: password hashing
 * (Argon2id), personal data sealed at rest (XChaCha20-Poly1305 under the
 * data key, bound to the column it lives in), keyed hashes for lookups,
 * random tokens, and the URL-safe base64 and bytea-hex encodings used to
 * move binary values through text.
 *
 * Returned strings are in the caller's arena. Functions that can fail
 * return 0 / -1 and are marked warn_unused_result.
 */
#ifndef GK_CRYPT_H
#define GK_CRYPT_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "keys.h"

#define PW_HASH_MAX crypto_pwhash_STRBYTES
#define INDEX_BYTES 32

int crypt_init(void) __attribute__((warn_unused_result));

/* Argon2id, libsodium's interactive limits. out holds PW_HASH_MAX bytes. */
int crypt_pw_hash(const char *pw, char out[PW_HASH_MAX])
    __attribute__((warn_unused_result));
bool crypt_pw_verify(const char *hash, const char *pw);
/* Spends the same time as a verify, so an unknown login costs what a known
 * one does and logins cannot be enumerated by timing. */
void crypt_pw_dummy(const char *pw);

/* Seals plaintext for column ctx ("users.login"): kid || nonce || box. */
unsigned char *crypt_seal(struct arena *a, const struct keys *ks,
                          const char *ctx, const void *pt, size_t n,
                          size_t *outlen);
/* Opens a sealed value; NULL if it fails to authenticate. The result is
 * NUL-terminated for convenience. */
char *crypt_open(struct arena *a, const struct keys *ks, const char *ctx,
                 const unsigned char *c, size_t n, size_t *outlen);
/* Keyed hash of (ctx, data) under the index key. */
void crypt_index(const struct keys *ks, const char *ctx, const void *data,
                 size_t n, unsigned char out[INDEX_BYTES]);

/* n random bytes (n <= 64) as URL-safe base64 without padding. */
char *crypt_random_token(struct arena *a, size_t n);

/* True if every byte of s[0..n) is in the base64url alphabet. libsodium
 * 1.0.18 decodes bytes 0x80-0xFF as '_', so decoders check this first:
 * a token has exactly one spelling. */
bool b64url_chars_ok(const char *s, size_t n);
/* URL-safe base64 without padding, and back (-1 on bad input/size). */
char *b64_encode(struct arena *a, const void *p, size_t n);
int b64_decode(const char *s, size_t sl, unsigned char *out, size_t cap,
               size_t *outlen) __attribute__((warn_unused_result));
/* PostgreSQL bytea text form: "\x" followed by hex digits. */
char *bytea_hex(struct arena *a, const void *p, size_t n);
unsigned char *bytea_parse(struct arena *a, const char *s, size_t *outlen);

#endif
