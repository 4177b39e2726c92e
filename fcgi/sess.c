#include "sess.h"

#include <sodium.h>
#include <string.h>

#include "crypt.h"

static const char *const role_names[ROLE__MAX] = {
    [ROLE_NONE] = "none",
    [ROLE_CITIZEN] = "citizen",
    [ROLE_STAFF] = "staff",
    [ROLE_ADMIN] = "admin",
};

const char *
role_name(enum role r)
{
    return r < ROLE__MAX ? role_names[r] : "none";
}

enum role
role_parse(const char *s)
{
    for (int r = ROLE_CITIZEN; s != NULL && r < ROLE__MAX; r++)
        if (strcmp(s, role_names[r]) == 0)
            return (enum role)r;
    return ROLE_NONE;
}

static void
put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t
get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

void
sess_encode(const struct keys *ks, const struct ident *id,
            char out[SESS_TOKEN_MAX])
{
    const struct key *k = keys_current(ks, KP_TOKEN);
    uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES];
    t[0] = 1;
    t[1] = k->kid;
    put_be(t + 2, (uint64_t)id->user, 8);
    t[10] = (uint8_t)id->role;
    put_be(t + 11, (uint32_t)id->dept, 4);
    put_be(t + 15, (uint64_t)id->iat, 8);
    put_be(t + 23, (uint64_t)id->exp, 8);
    put_be(t + 31, (uint32_t)id->epoch, 4);
    crypto_auth(t + SESS_PAYLOAD, t, SESS_PAYLOAD, k->k);
    sodium_bin2base64(out, SESS_TOKEN_MAX, t, sizeof(t),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

enum sess_err
sess_decode(const struct keys *ks, const char *tok, size_t n, int64_t now,
            struct ident *out)
{
    uint8_t t[SESS_PAYLOAD + crypto_auth_BYTES + 1];
    size_t len = 0;
    const char *end = NULL;

    memset(out, 0, sizeof(*out));
    if (n == 0 || n >= SESS_TOKEN_MAX || !b64url_chars_ok(tok, n) ||
        sodium_base642bin(t, sizeof(t), tok, n, NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != tok + n || len != SESS_PAYLOAD + crypto_auth_BYTES)
        return SESS_MALFORMED;
    if (t[0] != 1)
        return SESS_VERSION;
    const struct key *k = keys_find(ks, KP_TOKEN, t[1]);
    if (k == NULL)
        return SESS_KEY;
    if (crypto_auth_verify(t + SESS_PAYLOAD, t, SESS_PAYLOAD, k->k) != 0)
        return SESS_MAC;
    struct ident id = {
        .user = (int64_t)get_be(t + 2, 8),
        .role = t[10] < ROLE__MAX ? (enum role)t[10] : ROLE_NONE,
        .dept = (int32_t)get_be(t + 11, 4),
        .iat = (int64_t)get_be(t + 15, 8),
        .exp = (int64_t)get_be(t + 23, 8),
        .epoch = (int32_t)get_be(t + 31, 4),
    };
    if (id.exp <= now)
        return SESS_EXPIRED;
    if (id.user <= 0 || id.role == ROLE_NONE)
        return SESS_MALFORMED;
    *out = id;
    return SESS_OK;
}

static void
csrf_mac(const struct keys *ks, const char *pre, uint8_t mac[crypto_auth_BYTES])
{
    const struct key *k = keys_current(ks, KP_CSRF);
    crypto_auth_hmacsha512256_state st;
    crypto_auth_hmacsha512256_init(&st, k->k, KEY_BYTES);
    crypto_auth_hmacsha512256_update(&st, (const uint8_t *)"csrf1", 5);
    crypto_auth_hmacsha512256_update(&st, (const uint8_t *)pre, strlen(pre));
    crypto_auth_hmacsha512256_final(&st, mac);
}

void
csrf_token(const struct keys *ks, const char *pre, char *out)
{
    uint8_t mac[crypto_auth_BYTES];
    csrf_mac(ks, pre, mac);
    sodium_bin2base64(out, SESS_TOKEN_MAX, mac, sizeof(mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
csrf_verify(const struct keys *ks, const char *pre, const char *tok)
{
    uint8_t mac[crypto_auth_BYTES], got[crypto_auth_BYTES + 1];
    size_t len = 0;
    const char *end = NULL;
    size_t n = tok ? strlen(tok) : 0;
    if (pre == NULL || *pre == '\0' || n == 0 || n >= SESS_TOKEN_MAX ||
        !b64url_chars_ok(tok, n))
        return false;
    if (sodium_base642bin(got, sizeof(got), tok, n, NULL, &len, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != tok + n || len != sizeof(mac))
        return false;
    csrf_mac(ks, pre, mac);
    return sodium_memcmp(mac, got, sizeof(mac)) == 0;
}
