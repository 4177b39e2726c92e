/*
 * Fuzzes session-token decoding and CSRF verification with a fixed key set
 * (token kids 1 and 2, so rotation paths run too). Fixed keys keep every
 * saved input reproducible.
 *
 * The first byte chooses a mode:
 *   0  decode the rest as a token. Whatever is accepted must be a canonical
 *      90-character base64url token carrying a sane identity.
 *   1  build a valid token from the first bytes, then overwrite characters
 *      as the rest says: any token that differs from the original must be
 *      refused; the unchanged one must decode to the same identity.
 *   2  CSRF: the rest is "pre\0token"; whatever verifies must be exactly
 *      csrf_token(pre). Then a valid token, changed as in mode 1, must be
 *      refused.
 */
#include "fuzz.h"

#include <sodium.h>

#include "keys.h"
#include "sess.h"

#define NOW    1700000000LL
#define TOKLEN 90

static const struct keys *
fixed_keys(void)
{
    static struct keys ks;
    static bool ready;
    if (!ready) {
        if (sodium_init() < 0)
            abort();
        memset(&ks, 0, sizeof(ks));
        for (int p = 0; p < KP__MAX; p++) {
            ks.k[p][0].kid = 1;
            for (int i = 0; i < KEY_BYTES; i++)
                ks.k[p][0].k[i] = (uint8_t)(i * 7 + p * 31 + 1);
        }
        ks.k[KP_TOKEN][1].kid = 2;
        for (int i = 0; i < KEY_BYTES; i++)
            ks.k[KP_TOKEN][1].k[i] = (uint8_t)(255 - i * 3);
        ready = true;
    }
    return &ks;
}

static bool
b64url_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Applies (position, character) pairs from d to tok; true if the result
 * differs from what tok held before (a later pair may undo an earlier). */
static bool
mutate(char *tok, size_t len, const uint8_t *d, size_t n)
{
    char orig[SESS_TOKEN_MAX];
    if (len == 0 || len >= sizeof(orig))
        return false;
    memcpy(orig, tok, len);
    for (size_t i = 0; i + 1 < n; i += 2) {
        char c = (char)d[i + 1];
        if (c != '\0') /* keep the string length */
            tok[d[i] % len] = c;
    }
    return memcmp(orig, tok, len) != 0;
}

static void
decode_any(const struct keys *ks, const uint8_t *d, size_t n)
{
    struct ident id;
    enum sess_err e = sess_decode(ks, (const char *)d, n, NOW, &id);
    fuzz_check(e < SESS__MAX, "error code out of range");
    if (e != SESS_OK) {
        fuzz_check(id.user == 0 && id.role == ROLE_NONE,
                   "identity filled in on failure");
        return;
    }
    fuzz_check(n == TOKLEN, "accepted a token of the wrong length");
    for (size_t i = 0; i < n; i++)
        fuzz_check(b64url_char(d[i]), "accepted a non-base64url byte");
    fuzz_check(id.user > 0, "accepted user <= 0");
    fuzz_check(id.role > ROLE_NONE && id.role < ROLE__MAX, "bad role");
    fuzz_check(id.exp > NOW, "accepted an expired token");
}

static void
tamper(const struct keys *ks, const uint8_t *d, size_t n)
{
    struct ident id = {
        .user = (int64_t)(fuzz_take(&d, &n, 2) + 1),
        .role = (enum role)(1 + fuzz_take(&d, &n, 1) % 3),
        .dept = (int32_t)fuzz_take(&d, &n, 1),
        .iat = NOW - 10,
        .exp = NOW + 1 + (int64_t)fuzz_take(&d, &n, 2),
        .epoch = (int32_t)fuzz_take(&d, &n, 1),
    };
    char tok[SESS_TOKEN_MAX];
    sess_encode(ks, &id, tok);
    fuzz_check(strlen(tok) == TOKLEN, "token length");
    bool changed = mutate(tok, TOKLEN, d, n);
    struct ident got;
    enum sess_err e = sess_decode(ks, tok, TOKLEN, NOW, &got);
    if (changed) {
        fuzz_check(e != SESS_OK, "a modified session token was accepted");
        return;
    }
    fuzz_check(e == SESS_OK, "a valid token was refused");
    fuzz_check(got.user == id.user && got.role == id.role &&
                   got.dept == id.dept && got.iat == id.iat &&
                   got.exp == id.exp && got.epoch == id.epoch,
               "round trip changed the identity");
}

static void
csrf(const struct keys *ks, const uint8_t *d, size_t n)
{
    struct arena *a = fuzz_arena();
    const uint8_t *z = memchr(d, '\0', n);
    size_t pl = z ? (size_t)(z - d) : n;
    const char *pre = arena_strndup(a, (const char *)d, pl);
    const char *tok =
        z ? arena_strndup(a, (const char *)z + 1, n - pl - 1) : "";
    char want[SESS_TOKEN_MAX];
    if (pre[0] == '\0') {
        fuzz_check(!csrf_verify(ks, pre, tok), "empty pre verified");
        return;
    }
    csrf_token(ks, pre, want);
    if (csrf_verify(ks, pre, tok))
        fuzz_check(strcmp(tok, want) == 0,
                   "a CSRF token other than csrf_token(pre) verified");
    fuzz_check(csrf_verify(ks, pre, want), "csrf_token does not verify");
    char *m = arena_strdup(a, want);
    size_t tl = z ? n - pl - 1 : 0;
    if (mutate(m, strlen(m), z ? z + 1 : d, tl))
        fuzz_check(!csrf_verify(ks, pre, m),
                   "a modified CSRF token was accepted");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct keys *ks = fixed_keys();
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: decode_any(ks, data + 1, size - 1); break;
    case 1: tamper(ks, data + 1, size - 1); break;
    default: csrf(ks, data + 1, size - 1); break;
    }
    arena_reset(fuzz_arena());
    return 0;
}
