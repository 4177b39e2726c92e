/*
 * Fuzzes the ticket-code verifier of the open month (fcgi/ticket.c:
 * Ed25519-signed codes checked at the door, POST /admin/open-month/checkin)
 * with fixed token keys: kid 1 alone ("old"), and kids 1 and 2 where 2
 * signs ("rotated"). Fixed keys keep every saved input reproducible.
 *
 * The first byte chooses a mode:
 *   0  verify the rest as a code with both key sets and with the public
 *      key of kid 1. Whatever is accepted must be a 99-character base64url
 *      code, and signing the ticket it carries again with the key it names
 *      must give exactly the same code: there is one valid code per ticket
 *      (no second encoding, no malleable signature).
 *   1  sign a ticket built from the next bytes, then overwrite characters
 *      as the rest says: any code that differs from the original must be
 *      refused; the unchanged one must verify to the same ticket.
 *   2  key rotation: a code of kid 2 is refused (TICKET_KEY) where only
 *      kid 1 is configured and by kid 1's public key (TICKET_SIGNATURE); a
 *      code of kid 1 still verifies once kid 2 signs.
 */
#include "fuzz.h"

#include <sodium.h>

#include "crypt.h"
#include "ticket.h"

static void
fill_key(struct key *k, uint8_t kid, int seed)
{
    k->kid = kid;
    for (int i = 0; i < KEY_BYTES; i++)
        k->k[i] = (uint8_t)(i * 11 + seed);
}

/* set 0: kid 1 only; set 1: kids 1 and 2 (2 is current). */
static const struct keys *
key_set(int which)
{
    static struct keys ks[2];
    static bool ready;
    if (!ready) {
        if (sodium_init() < 0)
            abort();
        memset(ks, 0, sizeof(ks));
        for (int s = 0; s < 2; s++)
            for (int p = 0; p < KP__MAX; p++)
                fill_key(&ks[s].k[p][0], 1, 3 + p);
        fill_key(&ks[1].k[KP_TOKEN][1], 2, 101);
        ready = true;
    }
    return &ks[which];
}

static void
sign_or_die(const struct keys *ks, const struct ticket *t, char *out)
{
    fuzz_check(ticket_sign(ks, t, out) == 0, "ticket_sign failed");
    fuzz_check(strlen(out) == TICKET_CODE_LEN, "signed code length");
}

static void
check_accepted(const char *code, size_t n, const struct ticket *t)
{
    fuzz_check(n == TICKET_CODE_LEN, "accepted a code of the wrong length");
    fuzz_check(b64url_chars_ok(code, n), "accepted a non-base64url byte");
    fuzz_check(t->kid == 1 || t->kid == 2, "accepted an unknown kid");
    char again[TICKET_CODE_MAX];
    sign_or_die(key_set(t->kid == 1 ? 0 : 1), t, again);
    fuzz_check(memcmp(again, code, n) == 0,
               "a second code for the same ticket verified");
}

static void
verify_any(const uint8_t *d, size_t n)
{
    const char *code = (const char *)d;
    uint8_t pk1[TICKET_PKBYTES];
    uint8_t kid = 0;
    fuzz_check(ticket_public_key(key_set(0), 0, pk1, &kid) == 0 && kid == 1,
               "public key of kid 1");
    struct ticket t[3];
    enum ticket_err e[3] = {
        ticket_verify(key_set(0), code, n, &t[0]),
        ticket_verify(key_set(1), code, n, &t[1]),
        ticket_verify_pk(pk1, code, n, &t[2]),
    };
    for (int i = 0; i < 3; i++) {
        fuzz_check(e[i] < TICKET__MAX, "error code out of range");
        fuzz_check(ticket_strerror(e[i]) != NULL, "no reason for error");
        if (e[i] == TICKET_OK)
            check_accepted(code, n, &t[i]);
    }
    /* kid 1 is in both sets: the sets agree on its codes, and so does
     * the public key alone. */
    if (e[0] == TICKET_OK)
        fuzz_check(e[1] == TICKET_OK && e[2] == TICKET_OK,
                   "key sets disagree on a kid 1 code");
}

/* Applies (position, character) pairs; true if the code changed. */
static bool
mutate(char *code, const uint8_t *d, size_t n)
{
    char orig[TICKET_CODE_MAX];
    memcpy(orig, code, sizeof(orig));
    for (size_t i = 0; i + 1 < n; i += 2)
        if (d[i + 1] != '\0') /* keep the length */
            code[d[i] % TICKET_CODE_LEN] = (char)d[i + 1];
    return memcmp(orig, code, TICKET_CODE_LEN) != 0;
}

static void
tamper(const uint8_t *d, size_t n)
{
    int set = n > 0 ? d[0] & 1 : 0;
    if (n > 0) {
        d++;
        n--;
    }
    struct ticket t = {.activity = (uint32_t)fuzz_take(&d, &n, 4),
                       .signup = (uint32_t)fuzz_take(&d, &n, 4)};
    char code[TICKET_CODE_MAX];
    sign_or_die(key_set(set), &t, code);
    bool changed = mutate(code, d, n);
    struct ticket got;
    enum ticket_err e = ticket_verify(key_set(1), code, TICKET_CODE_LEN, &got);
    if (changed) {
        fuzz_check(e != TICKET_OK, "a modified ticket code was accepted");
        return;
    }
    fuzz_check(e == TICKET_OK, "a valid ticket code was refused");
    fuzz_check(got.kid == (set ? 2 : 1) && got.activity == t.activity &&
                   got.signup == t.signup,
               "round trip changed the ticket");
}

static void
rotation(const uint8_t *d, size_t n)
{
    struct ticket t = {.activity = (uint32_t)fuzz_take(&d, &n, 4),
                       .signup = (uint32_t)fuzz_take(&d, &n, 4)};
    char new_code[TICKET_CODE_MAX], old_code[TICKET_CODE_MAX];
    sign_or_die(key_set(1), &t, new_code);
    sign_or_die(key_set(0), &t, old_code);
    struct ticket got;
    uint8_t pk1[TICKET_PKBYTES];
    fuzz_check(ticket_public_key(key_set(0), 1, pk1, NULL) == 0, "pk1");
    fuzz_check(ticket_verify(key_set(0), new_code, TICKET_CODE_LEN, &got) ==
                   TICKET_KEY,
               "a code of an unknown kid was not refused as TICKET_KEY");
    fuzz_check(ticket_verify_pk(pk1, new_code, TICKET_CODE_LEN, &got) ==
                   TICKET_SIGNATURE,
               "kid 1's public key accepted a kid 2 code");
    fuzz_check(ticket_verify(key_set(1), old_code, TICKET_CODE_LEN, &got) ==
                       TICKET_OK &&
                   got.kid == 1,
               "a kid 1 code was refused after rotation");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: verify_any(data + 1, size - 1); break;
    case 1: tamper(data + 1, size - 1); break;
    default: rotation(data + 1, size - 1); break;
    }
    return 0;
}
