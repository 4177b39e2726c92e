/*
 * ticket: signed ticket codes of the Government Open Month, pure C over
 * libsodium, so a check-in device can verify a ticket without the
 * database: it needs only the public key (GET /open-month/ticket-key).
 *
 * The signing key is not a new secret: an Ed25519 seed is derived with
 * crypto_kdf from the instance's token key (purpose "token", context
 * "gkticket", subkey 1), so rotating the token key rotates the ticket key,
 * and the key id travels in the code.
 *
 * Signed code: base64url without padding of
 *   version(1)=1 | kid(1) | activity(4) | signup(4)   (big-endian)
 *   | Ed25519 signature over those 10 bytes (64)
 * which is TICKET_CODE_LEN characters. It is shown on the ticket page and
 * typed or scanned at the door; the short ticket number (om_signups.code)
 * is what people read aloud and what URLs carry, since a path segment is
 * at most 64 characters (router.c) and a signature alone is 86.
 */
#ifndef GK_TICKET_H
#define GK_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define TICKET_PAYLOAD  10
#define TICKET_SIGBYTES 64
#define TICKET_PKBYTES  32
#define TICKET_CODE_LEN 99 /* base64url of 74 bytes, no padding */
#define TICKET_CODE_MAX (TICKET_CODE_LEN + 1)

struct ticket {
    uint8_t kid;       /* token key id the code was signed under */
    uint32_t activity; /* om_activities.id */
    uint32_t signup;   /* om_signups.id */
};

enum ticket_err {
    TICKET_OK = 0,
    TICKET_MALFORMED, /* wrong length or not base64url */
    TICKET_VERSION,   /* unknown format version */
    TICKET_KEY,       /* key id not (or no longer) configured */
    TICKET_SIGNATURE, /* forged or damaged */
    TICKET__MAX
};

/* A plain-language reason for staff at the door. */
const char *ticket_strerror(enum ticket_err e);

/* The public key for key id kid (0 = the current signing key); writes the
 * kid used. -1 if there is no such token key. */
int ticket_public_key(const struct keys *ks, uint8_t kid,
                      uint8_t pk[TICKET_PKBYTES], uint8_t *kid_out)
    __attribute__((warn_unused_result));

/* Signs t (t->kid is ignored: the current key signs) into out,
 * NUL-terminated. -1 if there is no token key. */
int ticket_sign(const struct keys *ks, const struct ticket *t,
                char out[TICKET_CODE_MAX]) __attribute__((warn_unused_result));

/* What a check-in device does: verify with a public key only. */
enum ticket_err ticket_verify_pk(const uint8_t pk[TICKET_PKBYTES],
                                 const char *code, size_t n,
                                 struct ticket *out);
/* The same with the instance's keys (the key id picks the key). */
enum ticket_err ticket_verify(const struct keys *ks, const char *code, size_t n,
                              struct ticket *out);

/* A short ticket number "ABCD-EFGH" from an alphabet without 0/O/1/I,
 * easy to read aloud; random, so it says nothing about other tickets.
 * out holds 10 bytes. */
void ticket_number(char out[10]);

#endif
